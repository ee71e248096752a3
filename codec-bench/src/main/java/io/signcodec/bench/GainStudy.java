package io.signcodec.bench;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import io.signcodec.core.vectors.LoadedVectors;
import io.signcodec.core.vectors.VectorFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The per-vector gain at equal bits (docs/THEORY.md §7, per-vector gain): NMSE and recall@10 of the
 * default codebook at n bits trained with {@code gainBits(0)}, with {@code gainBits(4)} (4 of the n
 * bits for the gain) and with {@code GAIN_AUTO} (the trainer decides; the line says what it chose).
 * Recall@10: float32 inner products of 1 000 queries with the decoded database against the
 * originals'. The codebooks are trained on the first 20 000 database vectors.
 *
 * <p>Run: {@code java -Xmx8g -cp codec-bench/target/benchmarks.jar io.signcodec.bench.GainStudy
 * fashion-mnist 2 4} or {@code ... GainStudy minilm 0.5 1 2} (MiniLM from the search report's
 * cache, {@code codec-bench/target/bench/minilm-europarl-41000.fvecs}).
 */
public final class GainStudy {
  private GainStudy() {}

  public static void main(String[] a) throws Exception {
    String which = a[0];
    float[] db, qs;
    int d;
    if (which.equals("minilm")) {
      LoadedVectors v =
          VectorFiles.readAll(
              Path.of(System.getProperty("bench.target", "codec-bench/target"), "bench")
                  .resolve("minilm-europarl-41000.fvecs"),
              41000);
      d = 384;
      db = Arrays.copyOf(v.vectors(), 40000 * d);
      qs = Arrays.copyOfRange(v.vectors(), 40000 * d, 41000 * d);
    } else {
      d = 784;
      db =
          BenchDatasets.readIdxImages(
              BenchDatasets.FASHION_MNIST.resolve("train-images-idx3-ubyte.gz"), 60000);
      qs =
          BenchDatasets.readIdxImages(
              BenchDatasets.FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz"), 1000);
    }
    int n = db.length / d, Q = qs.length / d, K = 10;
    int[] truth = topK(qs, Q, db, n, d, K);
    for (int r = 1; r < a.length; r++) {
      double rate = Double.parseDouble(a[r]);
      int bits = (int) Math.round(rate * d);
      for (int g : new int[] {0, 4, CodebookTrainer.GAIN_AUTO}) {
        Codebook cb =
            CodebookTrainer.builder()
                .bits(bits)
                .gainBits(g)
                .seed(1)
                .build()
                .train(VectorSource.of(Arrays.copyOf(db, Math.min(n, 20000) * d), d));
        byte[] codes = new byte[n * cb.codeBytes()];
        SignEncoder.of(cb).encode(db, 0, codes, 0, n);
        float[] dec = new float[n * d];
        LinearDecoder.of(cb).decode(codes, 0, dec, 0, n);
        double err = 0, var = 0;
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) mean[k] += db[i * d + k] / n;
        for (int i = 0; i < n * d; i++) {
          double e = db[i] - dec[i];
          err += e * e;
          double c = db[i] - mean[i % d];
          var += c * c;
        }
        int[] got = topK(qs, Q, dec, n, d, K);
        long hit = 0;
        for (int q = 0; q < Q; q++) {
          Set<Integer> t = new HashSet<>();
          for (int j = 0; j < K; j++) t.add(truth[q * K + j]);
          for (int j = 0; j < K; j++) if (t.contains(got[q * K + j])) hit++;
        }
        System.out.printf(
            "%s r=%s option=%d gainBits=%d trainNmse %.5f: NMSE %.5f recall@10 %.4f%n",
            which,
            rate,
            g,
            cb.gainBits(),
            cb.info().trainNmse(),
            err / var,
            hit / (double) (Q * K));
      }
    }
  }

  static int[] topK(float[] qs, int Q, float[] db, int n, int d, int K) {
    int[] out = new int[Q * K];
    IntStream.range(0, Q)
        .parallel()
        .forEach(
            q -> {
              float[] best = new float[K];
              int[] bi = new int[K];
              Arrays.fill(best, Float.NEGATIVE_INFINITY);
              Arrays.fill(bi, -1);
              for (int i = 0; i < n; i++) {
                float s = 0;
                int o = i * d, p = q * d;
                for (int k = 0; k < d; k++) s += qs[p + k] * db[o + k];
                if (s > best[K - 1]) {
                  int j = K - 1;
                  while (j > 0 && best[j - 1] < s) {
                    best[j] = best[j - 1];
                    bi[j] = bi[j - 1];
                    j--;
                  }
                  best[j] = s;
                  bi[j] = i;
                }
              }
              System.arraycopy(bi, 0, out, q * K, K);
            });
    return out;
  }
}
