package io.signcodec.cli;

import io.signcodec.cli.plot.NmsePlot;
import io.signcodec.core.Codebook;
import io.signcodec.core.Distortion;
import io.signcodec.core.DistortionBounds;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import io.signcodec.core.vectors.VectorFiles;
import io.signcodec.core.vectors.VectorWriter;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the main job on generated data. Trains codebooks at six rates on isotropic and on
 * anisotropic Gaussian data, measures them on fresh vectors, prints a table against the limits and
 * writes the codebooks, the test vectors and a plot.
 */
@Command(
    name = "demo",
    header = "The main job: codebooks at six rates on generated data, a table and a plot.",
    description = {
      "Generates isotropic and anisotropic (eigenvalues k^-1) Gaussian data, trains codebooks "
          + "at rates 0.125 to 2, measures their NMSE on fresh test vectors and prints a table "
          + "next to the sign-autoencoder limit and Shannon's bound.",
      "Writes the codebooks, the test vectors (.fvecs) and the plot nmse-vs-rate.png to DIR. "
          + "Takes a few seconds on 2 cores."
    })
final class DemoCommand extends CliCommand {
  static final double[] RATES = {0.125, 0.25, 0.5, 1, 1.5, 2};
  static final String PLOT = "nmse-vs-rate.png";

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "signcodec-demo",
      description = "Where to write the codebooks and the plot (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--dim", hidden = true, defaultValue = "256")
  int dim;

  @Option(names = "--train-vectors", hidden = true, defaultValue = "20000")
  int trainVectors;

  @Option(names = "--test-vectors", hidden = true, defaultValue = "5000")
  int testVectors;

  @Option(names = "--seed", hidden = true, defaultValue = "1")
  long seed;

  /** One generated dataset: per-coordinate variances, training and test vectors. */
  record Dataset(String name, double[] variances, float[] train, float[] test) {}

  @Override
  public Integer call() {
    System.setProperty("java.awt.headless", "true");
    if (dim < 8 || trainVectors < 2 || testVectors < 2) {
      throw usage("--dim must be >= 8 and --train-vectors, --test-vectors >= 2");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new DataException(dir, "exists and is not a directory");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw DataException.of(dir, e);
    }
    long t0 = System.nanoTime();
    double[] ones = new double[dim];
    Arrays.fill(ones, 1);
    double[] spectrum = new double[dim];
    for (int k = 0; k < dim; k++) {
      spectrum[k] = 1.0 / (k + 1);
    }
    Dataset[] datasets = {dataset("isotropic", ones, 1), dataset("anisotropic", spectrum, 2)};

    PrintWriter out = out();
    out.printf(
        Locale.ROOT,
        "signcodec demo: d = %d, %d training and %d fresh test vectors per "
            + "dataset, seed %d%n%n",
        dim,
        trainVectors,
        testVectors,
        seed);
    String format = "%-12s %6s %12s %7s %8s %8s %8s %8s%n";
    out.printf(
        Locale.ROOT,
        format,
        "dataset",
        "rate",
        "bits/vector",
        "ratio",
        "NMSE",
        "limit",
        "Shannon",
        "train s");
    out.flush();
    double[][] nmse = new double[datasets.length][RATES.length];
    for (int s = 0; s < datasets.length; s++) {
      Dataset data = datasets[s];
      writeVectors(dir.resolve(data.name() + "-test.fvecs"), data.test());
      for (int i = 0; i < RATES.length; i++) {
        double r = RATES[i];
        long start = System.nanoTime();
        Codebook codebook;
        try {
          codebook =
              CodebookTrainer.builder()
                  .rate(r)
                  .seed(seed)
                  .build()
                  .train(VectorSource.of(data.train(), dim));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e); // in-memory source: cannot happen
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CliFiles.write(output(dir.resolve(codebookName(data.name(), r))), codebook::write);
        nmse[s][i] = nmse(codebook, data.test());
        out.printf(
            Locale.ROOT,
            format,
            data.name(),
            trim(r),
            codebook.bits(),
            ratio(r),
            String.format(Locale.ROOT, "%.4f", nmse[s][i]),
            String.format(Locale.ROOT, "%.4f", DistortionBounds.signAutoencoderLimit(r)),
            String.format(Locale.ROOT, "%.4f", RateDistortion.gaussianNmse(data.variances(), r)),
            String.format(Locale.ROOT, "%.1f", seconds));
        out.flush();
      }
    }
    Path plot = dir.resolve(PLOT);
    writePlot(plot, datasets, nmse);
    out.printf(
        Locale.ROOT,
        "%nNMSE = squared error / variance on the test vectors; ratio = 32/r "
            + "against float32.%n"
            + "limit: the best NMSE any one-stage sign autoencoder reaches on isotropic Gaussian data"
            + " (d -> inf);%n  trained codebooks go below it on anisotropic data by learning the"
            + " spectrum, and above 1 bit%n  per coordinate by giving a direction several tied bits"
            + " (a scalar quantizer).%n"
            + "Shannon: the NMSE no code of r*d bits can beat on the dataset's Gaussian: 2^(-2r) for "
            + "isotropic,%n  reverse water-filling over the eigenvalues k^-1 for anisotropic.%n"
            + "Wrote %d codebooks (*.sgncb), the test vectors (*-test.fvecs) and %s to %s "
            + "in %.0f s.%n",
        datasets.length * RATES.length,
        PLOT,
        dir,
        (System.nanoTime() - t0) / 1e9);
    out.flush();
    return 0;
  }

  private Dataset dataset(String name, double[] variances, long stream) {
    Random random = new Random(seed * 1_000_003L + stream);
    return new Dataset(
        name,
        variances,
        gaussian(trainVectors, variances, random),
        gaussian(testVectors, variances, random));
  }

  private static float[] gaussian(int count, double[] variances, Random random) {
    int d = variances.length;
    double[] sd = new double[d];
    for (int k = 0; k < d; k++) {
      sd[k] = Math.sqrt(variances[k]);
    }
    float[] x = new float[count * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (random.nextGaussian() * sd[i % d]);
    }
    return x;
  }

  private static double nmse(Codebook codebook, float[] x) {
    return Distortion.of(codebook, x).nmse();
  }

  private void writeVectors(Path file, float[] x) {
    CliFiles.write(
        output(file),
        stream -> {
          try (VectorWriter w = VectorFiles.fvecsWriter(stream, dim)) {
            w.write(x, 0, x.length / dim);
          }
        });
  }

  private void writePlot(Path file, Dataset[] datasets, double[][] nmse) {
    NmsePlot plot =
        new NmsePlot(
            String.format(
                Locale.ROOT,
                "signcodec: NMSE against rate (d = %d, %d test vectors)",
                dim,
                testVectors),
            2,
            0.25);
    plot.curve(
        "one-stage sign-AE limit (isotropic)",
        new Color(0x333333),
        NmsePlot.Style.SOLID,
        DistortionBounds::signAutoencoderLimit);
    plot.curve(
        "Shannon 2^(-2r) (isotropic)",
        new Color(0x333333),
        NmsePlot.Style.DASHED,
        DistortionBounds::shannonBound);
    plot.curve(
        "Shannon, anisotropic k^-1",
        new Color(0xD55E00),
        NmsePlot.Style.DOTTED,
        r -> RateDistortion.gaussianNmse(datasets[1].variances(), r));
    plot.points(
        "trained, isotropic data", new Color(0x0072B2), NmsePlot.Style.CIRCLES, RATES, nmse[0]);
    plot.points(
        "trained, anisotropic data", new Color(0xD55E00), NmsePlot.Style.SQUARES, RATES, nmse[1]);
    BufferedImage image;
    try {
      image = plot.render();
    } catch (RuntimeException | Error e) {
      // Headless Java2D still needs fonts (fontconfig); say so rather than print a trace.
      throw new DataException(file, "cannot draw the plot: " + e, e);
    }
    CliFiles.write(
        output(file),
        stream -> {
          if (!ImageIO.write(image, "png", stream)) {
            throw new IOException("no PNG writer in this Java runtime");
          }
        });
  }

  static String codebookName(String dataset, double rate) {
    return dataset + "-r" + trim(rate) + ".sgncb";
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static String ratio(double r) {
    double x = 32 / r;
    return (x == Math.rint(x) ? String.valueOf((long) x) : String.format(Locale.ROOT, "%.1f", x))
        + "x";
  }
}
