package io.signcodec.core.train;

import io.signcodec.core.Codebook;
import io.signcodec.core.Limits;
import io.signcodec.core.TestData;
import io.signcodec.core.vectors.VectorSource;

public class Scratch {
  public static void main(String[] args) throws Exception {
    int d = Integer.parseInt(args[0]);
    int nTrain = Integer.parseInt(args[1]);
    float[] train = args.length > 3 ? TestData.powerLaw(nTrain, d, 1, 7) : TestData.isotropic(nTrain, d, 7);
    float[] test = args.length > 3 ? TestData.powerLaw(5000, d, 1, 8) : TestData.isotropic(5000, d, 8);
    for (String rs : args[2].split(",")) {
      double r = Double.parseDouble(rs);
      CodebookTrainer t = CodebookTrainer.builder().rate(r).seed(3).listener(new TrainingListener() {
        public void step(int s, int m, double p) { if (s % 10 == 0) System.out.print(" " + s + ":" + String.format("%.4f", p)); }
      }).build();
      long t0 = System.nanoTime();
      Codebook cb = t.train(VectorSource.of(train, d));
      long t1 = System.nanoTime();
      Codebook iso = t.isotropic(d);
      long t2 = System.nanoTime();
      double lim = Limits.signAutoencoderLimit(r);
      System.out.printf("%nr=%s limit=%.4f trained test=%.4f (%.2f%%) train=%.4f pred=%.4f iso test=%.4f (%.2f%%) pred=%.4f  time %.1fs iso %.1fs%n",
          rs, lim, TestData.nmse(cb, test), 100 * (TestData.nmse(cb, test) / lim - 1), cb.info().trainNmse(), cb.info().predictedNmse(),
          TestData.nmse(iso, test), 100 * (TestData.nmse(iso, test) / lim - 1), iso.info().predictedNmse(), (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }
  }
}
