package io.signcodec.bench;

import io.signcodec.core.Distortion;
import io.signcodec.core.DistortionBounds;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The distortion report: signcodec trained and data-free against four peer quantizers at the same
 * bits per vector, on Gaussian data, Fashion-MNIST and MiniLM sentence embeddings, with the
 * sign-autoencoder limit and the Shannon bound. Writes {@code distortion.md} (ready for
 * BENCHMARKS.md), {@code distortion.json} (every figure) and one {@code <dataset>.png} per dataset.
 *
 * <p>Run from the repository root:
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl codec-bench exec:exec@distortion
 * </pre>
 *
 * (add {@code -Dbench.args=--quick} for the quick run; several options go in one quoted value).
 *
 * <p>Options: {@code --quick} (smaller splits, at most 40 gradient steps, no d = 1024 dataset,
 * MiniLM only from its cache; about 6 minutes here), {@code --tiny} (the CI smoke size: small
 * Gaussian data only), {@code --out DIR} (default {@code codec-bench/target/bench}), {@code --cache
 * DIR} (default {@code codec-bench/target}), {@code --datasets id,id} (a subset of gauss-iso-256,
 * gauss-iso-1024, gauss-powerlaw-256, fashion-mnist, minilm-europarl), {@code --methods id,id}
 * (e.g. signcodec-default,jvector-pq), {@code --rates r,r}, {@code --fashion-mnist DIR}, {@code
 * --fashion-mnist-train N} (default 20 000 of the 60 000), {@code --no-minilm}.
 */
public final class DistortionReport {
  static final double[] RATES = {0.125, 0.25, 0.5, 1, 1.5, 2, 3, 4};

  /** Gradient steps of the trained codebook on the d = 1024 isotropic dataset. */
  static final int ISO_1024_STEPS = 30;

  /** Gradient steps of both signcodec forms in the quick run (gradient steps dominate its time). */
  static final int QUICK_STEPS = 40;

  private DistortionReport() {}

  /** Split sizes for one mode. */
  record Sizes(
      String mode,
      int gaussTrain,
      int gaussTest,
      int iso1024Train,
      int iso1024Test,
      int fmnistTrain,
      int fmnistTest,
      int minilmTrain,
      int minilmTest,
      int queries,
      int smallDimension) {
    static final Sizes FULL =
        new Sizes("full", 20_000, 10_000, 20_000, 5_000, 20_000, 10_000, 20_000, 5_000, 1_000, 0);
    static final Sizes QUICK =
        new Sizes("quick", 5_000, 3_000, 5_000, 2_000, 10_000, 3_000, 20_000, 5_000, 1_000, 0);
    static final Sizes TINY = new Sizes("tiny", 2_000, 1_200, 0, 0, 0, 0, 0, 0, 200, 64);
  }

  /** Parsed command line. */
  static final class Options implements Cloneable {
    Sizes sizes = Sizes.FULL;
    Path out;
    Path cache;
    Path fashionMnist = BenchDatasets.FASHION_MNIST;
    Set<String> only = null;

    /** The methods to run, by id ({@code --methods}); null for all. */
    Set<String> methods = null;

    boolean miniLm = true;
    int fashionTrain = 0;
    double[] rates = RATES;
    Methods.TrainerSettings trainer = Methods.TrainerSettings.DEFAULTS;

    static Options parse(String[] args) {
      Options o = new Options();
      Path target = defaultTarget();
      o.out = target.resolve("bench");
      o.cache = target;
      // exec:exec passes -Dbench.args as one argument, possibly empty: split it into words.
      args =
          Arrays.stream(args)
              .flatMap(a -> Arrays.stream(a.strip().split("\\s+")))
              .filter(a -> !a.isEmpty())
              .toArray(String[]::new);
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick" -> {
            o.sizes = Sizes.QUICK;
            o.trainer =
                new Methods.TrainerSettings(QUICK_STEPS, o.trainer.tolerance(), o.trainer.seed());
          }
          case "--tiny" -> o.sizes = Sizes.TINY;
          case "--out" -> o.out = Path.of(args[++i]);
          case "--cache" -> o.cache = Path.of(args[++i]);
          case "--fashion-mnist" -> o.fashionMnist = Path.of(args[++i]);
          case "--no-minilm" -> o.miniLm = false;
          case "--fashion-mnist-train" -> o.fashionTrain = Integer.parseInt(args[++i]);
          case "--datasets" -> o.only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
          case "--methods" -> o.methods = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
          case "--rates" ->
              o.rates =
                  Arrays.stream(args[++i].split(",")).mapToDouble(Double::parseDouble).toArray();
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + args[i]
                      + " (known: --quick --tiny --out DIR --cache DIR --fashion-mnist DIR"
                      + " --fashion-mnist-train N --no-minilm"
                      + " --datasets id,id --methods id,id --rates r,r)");
        }
      }
      return o;
    }

    /** codec-bench/target whether run from the repository root or from the module. */
    private static Path defaultTarget() {
      String prop = System.getProperty("bench.target");
      if (prop != null && !prop.isBlank()) {
        return Path.of(prop);
      }
      return Files.isDirectory(Path.of("codec-bench"))
          ? Path.of("codec-bench", "target")
          : Path.of("target");
    }

    /** A copy with other trainer settings; the rest is shared, as options are only replaced. */
    Options withTrainer(Methods.TrainerSettings settings) {
      Options c;
      try {
        c = (Options) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError("Options is Cloneable", e);
      }
      c.trainer = settings;
      return c;
    }

    boolean wants(String id) {
      return only == null || only.contains(id);
    }
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    run(Options.parse(args), System.err);
  }

  /** Runs the report; returns the datasets measured. Progress goes to {@code log}. */
  static List<DistortionResults.Dataset> run(Options o, PrintStream log) throws IOException {
    long t0 = System.nanoTime();
    Files.createDirectories(o.out);
    Sizes s = o.sizes;
    List<DistortionResults.Dataset> done = new ArrayList<>();
    List<DistortionResults.Skipped> skipped = new ArrayList<>();
    List<String> runNotes =
        new ArrayList<>(
            List.of(
                "Rates r = "
                    + Arrays.toString(o.rates)
                    + " bits per coordinate; every method gets "
                    + "round(r·d) bits per vector (JVector PQ: 8 bits per subspace, floor(bits/8) "
                    + "subspaces; where that spends fewer bits the table says how many).",
                "signcodec trained = CodebookTrainer.train with the library's defaults but "
                    + "meanDirectionBits(0) and gainBits(0): bits allocated "
                    + "over the training covariance's principal directions by reverse water-filling, "
                    + "each direction coded with tied levels fitted to its histogram (docs/THEORY.md §7; "
                    + "one linear decoder); 'mean direction 8 bits' = the same with meanDirectionBits(8), "
                    + "which the default chooses where ‖μ‖² ≥ tr Σ / 4. 'gain 4 bits' = the default "
                    + "mean direction and 4 of the bits for a per-vector gain (gainBits(4), §7); "
                    + "'the library's defaults' = CodebookTrainer.train as it comes, which keeps the "
                    + "gain where it lowers the training error or lifts recall@10 on a sample of the "
                    + "training vectors (GAIN_AUTO). 'sign code, staged' = the previous default, staged(): one "
                    + "sign stage up to r = 1 (gradient ascent on the Gaussian surrogate, then a shrunk "
                    + "least-squares decoder refit), residual stages of d bits above (§5). 'one shallow "
                    + "stage' = shallow(): a single sign stage, a frame above r = 1, up to r = 2. "
                    + "data-free = CodebookTrainer.trainIsotropic, structured (a randomized Hadamard "
                    + "transform stored as a seed, O(d log d)) with the bits spread evenly, fitted "
                    + "only to the mean and overall scale, as `train --isotropic` makes it. The "
                    + "sign-AE limit column is the one-stage limit; stages go below it above r = 1. "
                    + "Trainer: seed "
                    + o.trainer.seed()
                    + ", at most "
                    + o.trainer.maxSteps()
                    + " steps, tolerance "
                    + o.trainer.tolerance()
                    + (o.trainer.equals(Methods.TrainerSettings.DEFAULTS)
                        ? " (the library's defaults) unless a dataset says otherwise."
                        : " (the library's default is "
                            + Methods.TrainerSettings.DEFAULTS.maxSteps()
                            + " steps: the quick run is not comparable with the full one)."),
                "Every sign-code peer is given the best affine decoder for its bits (least squares on the "
                    + "training split, with a fitted intercept), which is at least as good as signcodec's "
                    + "own form μ + A·z. Peer 1 (sign of each centred coordinate, r = 1 only) is what "
                    + "vector stores call binary quantization; JVector 3.0.6's BinaryQuantization takes "
                    + "the sign of the raw, uncentred coordinates and scores codes by Hamming distance "
                    + "with no decoder: on centred data its bits are these, and here they get the best "
                    + "linear decoder it lacks. Peer 2 is RaBitQ-style"
                    + " (random rotation, then sign; above r = 1, independent rotations stacked, up to "
                    + "r = 2, beyond which its least-squares fit is a 4d×4d system per dataset). Peer 4 "
                    + "exists only for r ≤ 1 (d principal directions).",
                "JVector "
                    + jvectorVersion()
                    + " ProductQuantization.compute(train, M, 256 clusters, "
                    + "globally centred), unweighted k-means; decoded with its own decode. On Java 17 "
                    + "JVector runs its scalar (non-Panama) code path.",
                "Training times are wall clock on a machine that may be shared; distortion and recall do "
                    + "not depend on load."));
    ReportWriter.RunInfo[] info = new ReportWriter.RunInfo[1];
    Runnable flush =
        () -> {
          info[0] =
              new ReportWriter.RunInfo(
                  s.mode(),
                  cpuModel(),
                  Runtime.getRuntime().availableProcessors(),
                  System.getProperty("java.version"),
                  command(o),
                  Linalg.seconds(t0),
                  runNotes);
          try {
            Files.writeString(
                o.out.resolve("distortion.md"),
                ReportWriter.markdown(info[0], done, skipped),
                StandardCharsets.UTF_8);
            Files.writeString(
                o.out.resolve("distortion.json"),
                ReportWriter.json(info[0], done, skipped),
                StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };

    if (s.smallDimension() > 0) {
      int d = s.smallDimension();
      measure(o, BenchDatasets.isotropicGaussian(d, s.gaussTrain(), s.gaussTest(), 11), done, log);
      measure(
          o, BenchDatasets.powerLawGaussian(d, 1, s.gaussTrain(), s.gaussTest(), 12), done, log);
      flush.run();
      return done;
    }
    if (o.wants("gauss-iso-256")) {
      measure(
          o, BenchDatasets.isotropicGaussian(256, s.gaussTrain(), s.gaussTest(), 11), done, log);
      flush.run();
    }
    if (o.sizes == Sizes.QUICK && (o.only == null || !o.only.contains("gauss-iso-1024"))) {
      skipped.add(
          new DistortionResults.Skipped(
              "gauss-iso-1024",
              "Isotropic Gaussian, d = 1024",
              "left out of the quick run (its gradient steps take minutes); name it with --datasets "
                  + "to run it"));
    } else if (o.wants("gauss-iso-1024")) {
      // At d = 1024 and n = 2048 one gradient step costs ~15 GFLOP (seconds here), and on
      // isotropic data the objective is flat after ~25 steps (its optimum is the data-free form
      // anyway): cap the steps so that the full run stays within its time budget.
      BenchDataset iso =
          BenchDatasets.isotropicGaussian(1024, s.iso1024Train(), s.iso1024Test(), 13);
      Methods.TrainerSettings capped =
          new Methods.TrainerSettings(ISO_1024_STEPS, o.trainer.tolerance(), o.trainer.seed());
      List<String> notes = new ArrayList<>(iso.notes());
      notes.add(
          "signcodec trained runs at most "
              + ISO_1024_STEPS
              + " gradient steps here (the "
              + "library default is "
              + o.trainer.maxSteps()
              + "): at d = 1024 a step costs seconds, "
              + "and on isotropic data the objective is flat after about 25 steps. Rates above 2 are "
              + "left out at this dimension to keep the run short; the d = 256 isotropic dataset has "
              + "them.");
      Options iso1024 = o.withTrainer(capped);
      iso1024.rates = Arrays.stream(o.rates).filter(r -> r <= 2).toArray();
      measure(
          iso1024,
          new BenchDataset(
              iso.id(),
              iso.title(),
              iso.dimension(),
              iso.train(),
              iso.test(),
              iso.gaussianPrediction(),
              notes),
          done,
          log);
      flush.run();
    }
    if (o.wants("gauss-powerlaw-256")) {
      measure(
          o, BenchDatasets.powerLawGaussian(256, 1, s.gaussTrain(), s.gaussTest(), 12), done, log);
      flush.run();
    }
    if (o.wants("fashion-mnist")) {
      BenchDataset f =
          BenchDatasets.fashionMnist(
              o.fashionMnist,
              o.fashionTrain > 0 ? o.fashionTrain : s.fmnistTrain(),
              s.fmnistTest());
      if (f == null) {
        skipped.add(
            new DistortionResults.Skipped(
                "fashion-mnist",
                "Fashion-MNIST",
                "not found "
                    + "at "
                    + o.fashionMnist
                    + ": install it with `apt-get install -y "
                    + "dataset-fashion-mnist` (Debian), as .ci/run and the README do."));
        log.println("Fashion-MNIST: skipped, " + o.fashionMnist + " is absent");
      } else {
        measure(o, f, done, log);
      }
      flush.run();
    }
    if (o.wants("minilm-europarl")) {
      BenchDataset m =
          o.miniLm
              ? BenchDatasets.miniLmEuroparl(
                  o.cache, s.minilmTrain(), s.minilmTest(), s != Sizes.QUICK, log)
              : null;
      if (m == null) {
        skipped.add(
            new DistortionResults.Skipped(
                "minilm-europarl",
                "MiniLM-L6-v2 embeddings",
                o.miniLm
                    ? "the --quick run only reads the embedding cache, which is absent: run the "
                        + "full report once to compute it"
                    : "--no-minilm"));
      } else {
        measure(o, m, done, log);
      }
      flush.run();
    }
    flush.run();
    log.printf(
        Locale.ROOT, "Distortion report written to %s in %.0f s%n", o.out, Linalg.seconds(t0));
    return done;
  }

  private static void measure(
      Options o, BenchDataset data, List<DistortionResults.Dataset> done, PrintStream log)
      throws IOException {
    long t0 = System.nanoTime();
    int d = data.dimension();
    int queries = Math.min(o.sizes.queries(), data.testCount() / 4);
    int dbCount = data.testCount() - queries;
    float[] queryVectors = Arrays.copyOfRange(data.test(), 0, queries * d);
    float[] database = Arrays.copyOfRange(data.test(), queries * d, data.test().length);
    int[] exact = Retrieval.topK(queryVectors, queries, database, dbCount, d);
    log.printf(
        Locale.ROOT,
        "%s: %d train, %d test, d = %d%n",
        data.id(),
        data.trainCount(),
        data.testCount(),
        d);
    Methods.TrainingSet train = new Methods.TrainingSet(data.train(), d);
    List<DistortionResults.Row> rows = new ArrayList<>();
    float[] decoded = new float[data.test().length];
    for (double rate : o.rates) {
      int bits = (int) Math.max(1, Math.round(rate * d));
      for (Methods.Method m : Methods.all(o.trainer, data.gaussianPrediction())) {
        if (o.methods != null && !o.methods.contains(m.id())) {
          continue;
        }
        int used = m.bitsUsed(d, bits);
        if (used == 0) {
          continue;
        }
        long f0 = System.nanoTime();
        Methods.Fitted fitted = m.fit(train, bits);
        double trainSeconds = Linalg.seconds(f0);
        fitted.reconstruct(data.test(), data.testCount(), decoded);
        Distortion dist = new Distortion(d);
        dist.add(data.test(), 0, decoded, 0, data.testCount());
        int[] approx =
            fitted.search(
                queryVectors,
                queries,
                database,
                Arrays.copyOfRange(decoded, queries * d, decoded.length),
                dbCount,
                d);
        DistortionResults.Row row =
            new DistortionResults.Row(
                m.id(),
                m.label(),
                rate,
                bits,
                used,
                dist.nmse(),
                dist.meanCosine(),
                Retrieval.recall(exact, approx),
                trainSeconds,
                fitted.predictedNmse());
        rows.add(row);
        log.printf(
            Locale.ROOT,
            "  r=%-5s %-45s bits %5d  NMSE %.4f  cos %.4f  R@10 %.3f  "
                + "fit %.1fs  (limit %.4f)%n",
            ReportWriter.num(rate),
            m.label(),
            used,
            row.nmse(),
            row.meanCosine(),
            row.recallAt10(),
            trainSeconds,
            DistortionBounds.signAutoencoderLimit(rate));
      }
    }
    DistortionResults.Dataset result =
        new DistortionResults.Dataset(
            data.id(),
            data.title(),
            d,
            data.trainCount(),
            data.testCount(),
            queries,
            dbCount,
            data.notes(),
            rows,
            Linalg.seconds(t0));
    done.add(result);
    DistortionPlot.write(result, o.out.resolve(data.id() + ".png"));
  }

  private static String command(Options o) {
    return "mvn -B -q -pl codec-bench exec:exec@distortion"
        + (o.sizes == Sizes.FULL ? "" : " -Dbench.args=--" + o.sizes.mode());
  }

  static String jvectorVersion() {
    Package p = io.github.jbellis.jvector.pq.ProductQuantization.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "3.0.6" : v;
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }
}
