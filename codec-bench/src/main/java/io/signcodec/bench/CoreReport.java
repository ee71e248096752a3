package io.signcodec.bench;

import io.signcodec.core.CodeScorer;
import io.signcodec.core.Codebook;
import io.signcodec.core.Distortion;
import io.signcodec.core.DistortionBounds;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.VectorSource;
import io.signcodec.core.stream.SignStreamReader;
import io.signcodec.core.stream.SignStreamWriter;
import io.signcodec.core.stream.StreamFormat;
import io.signcodec.core.train.CodebookTrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * The codec-core report: distortion against the fundamental limit on Gaussian data, training time
 * at d = 768, and batch encode/decode throughput against EJML's {@code CommonOps_FDRM.mult} of the
 * same shapes. Prints Markdown.
 *
 * <p>Run: {@code mvn -B -q install -DskipTests && mvn -B -q -pl codec-bench exec:java}. Takes about
 * three minutes on 2 cores.
 */
public final class CoreReport {
  private static final double[] RATES = {0.125, 0.25, 0.5, 1, 1.5, 2, 3, 4};

  private CoreReport() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    out.printf(
        Locale.ROOT,
        "# signcodec core report%n%nJava %s, %d cores (%s)%n%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"));
    java.util.Set<String> only = java.util.Set.of(args);
    java.util.Map<String, Section> sections = new java.util.LinkedHashMap<>();
    sections.put("distortion", CoreReport::distortion);
    sections.put("staged", CoreReport::staged);
    sections.put("training", CoreReport::training);
    sections.put("throughput", CoreReport::throughput);
    sections.put("streaming", CoreReport::streaming);
    sections.put("wire", CoreReport::wire);
    sections.put("scoring", CoreReport::scoring);
    if (!sections.keySet().containsAll(only)) {
      throw new IllegalArgumentException("sections are " + sections.keySet() + ": " + only);
    }
    for (java.util.Map.Entry<String, Section> s : sections.entrySet()) {
      if (only.isEmpty() || only.contains(s.getKey())) {
        s.getValue().run(out);
      }
    }
  }

  /** One section of the report; {@code main}'s arguments name the ones to run (default: all). */
  @FunctionalInterface
  private interface Section {
    void run(PrintStream out) throws Exception;
  }

  /** NMSE on 5 000 fresh N(0, I) vectors, d = 256, codebooks trained on 20 000. */
  static void distortion(PrintStream out) throws IOException {
    int d = 256;
    float[] train = gaussian(20_000, d, null, 1);
    float[] test = gaussian(5_000, d, null, 2);
    out.printf(
        "## Distortion on isotropic Gaussian data (d = %d, 20 000 train, 5 000 test)%n%n", d);
    out.println(
        "| r (bits/coord) | bits/vector | ratio vs float32 | trained NMSE (allocated, the"
            + " default) | data-free NMSE (allocated) | sign-AE limit | Shannon 2^(-2r) |"
            + " train time (s) |");
    out.println("|---|---|---|---|---|---|---|---|");
    for (double r : RATES) {
      CodebookTrainer trainer = CodebookTrainer.builder().rate(r).seed(1).build();
      long t0 = System.nanoTime();
      Codebook trained = trainer.train(VectorSource.of(train, d));
      double seconds = (System.nanoTime() - t0) / 1e9;
      Codebook dataFree = trainer.isotropic(d);
      out.printf(
          Locale.ROOT,
          "| %s | %d | %.0fx | %.4f | %.4f | %.4f | %.4f | %.1f |%n",
          r,
          trained.bits(),
          32 / r,
          nmse(trained, test),
          nmse(dataFree, test),
          DistortionBounds.signAutoencoderLimit(r),
          DistortionBounds.shannonBound(r),
          seconds);
    }
    out.println();
  }

  /**
   * Above 1 bit per coordinate, the sign codes: one shallow stage (a tight frame) against residual
   * stages; and the default allocated codebook beside them.
   */
  static void staged(PrintStream out) throws IOException {
    int d = 256;
    float[] train = gaussian(20_000, d, null, 11);
    float[] test = gaussian(5_000, d, null, 12);
    out.printf(
        "## Residual stages above 1 bit per coordinate (d = %d, 20 000 train, 5 000 test)%n%n", d);
    out.println(
        "| r | stages (bits) | shallow trained | staged trained | staged data-free"
            + " | allocated trained | shallow limit | Shannon |");
    out.println("|---|---|---|---|---|---|---|---|");
    for (double r : new double[] {1.5, 2, 3, 4}) {
      CodebookTrainer staged = CodebookTrainer.builder().rate(r).staged().seed(1).build();
      Codebook learned = staged.train(VectorSource.of(train, d));
      Codebook allocated =
          CodebookTrainer.builder().rate(r).seed(1).build().train(VectorSource.of(train, d));
      String shallow = "-";
      if (r <= 2) {
        Codebook one =
            CodebookTrainer.builder()
                .rate(r)
                .shallow()
                .seed(1)
                .build()
                .train(VectorSource.of(train, d));
        shallow = String.format(Locale.ROOT, "%.4f", nmse(one, test));
      }
      out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %.4f | %.4f | %.4f | %.4f | %.4f |%n",
          r,
          java.util.Arrays.toString(learned.stageBits()),
          shallow,
          nmse(learned, test),
          nmse(staged.isotropic(d), test),
          nmse(allocated, test),
          DistortionBounds.signAutoencoderLimit(r),
          DistortionBounds.shannonBound(r));
    }
    out.println();
  }

  /**
   * Training time at r = 1 on vectors with a k^-1 spectrum: d = 768 with 100 000 vectors, and d =
   * 3072 (the largest public text-embedding models) with 50 000.
   */
  static void training(PrintStream out) throws IOException {
    out.printf(
        Locale.ROOT,
        "## Training time%n%n| d | vectors | r | seconds | training NMSE"
            + " | Gaussian prediction |%n|---|---|---|---|---|---|%n");
    for (int[] size : new int[][] {{768, 100_000}, {3072, 50_000}}) {
      int d = size[0];
      int count = size[1];
      double[] scale = new double[d];
      for (int k = 0; k < d; k++) {
        scale[k] = Math.pow(k + 1, -0.5);
      }
      float[] x = gaussian(count, d, scale, 3);
      long t0 = System.nanoTime();
      Codebook cb = CodebookTrainer.builder().rate(1).seed(1).build().train(VectorSource.of(x, d));
      double seconds = (System.nanoTime() - t0) / 1e9;
      out.printf(
          Locale.ROOT,
          "| %d | %d | 1 | %.1f | %.4f | %.4f |%n",
          d,
          count,
          seconds,
          cb.info().trainNmse(),
          cb.info().predictedNmse());
    }
    out.println();
  }

  /** Vectors per second for batch encode and decode at d = 768, r = 1. */
  static void throughput(PrintStream out) throws IOException {
    int d = 768;
    int n = 768;
    int count = 8_192;
    float[] x = gaussian(count, d, null, 4);
    Codebook cb = CodebookTrainer.builder().bits(n).staged().seed(1).build().isotropic(d);
    byte[] codes = new byte[count * cb.codeBytes()];
    float[] decoded = new float[count * d];
    SignEncoder encoder1 = SignEncoder.builder(cb).parallel(false).build();
    SignEncoder encoderAll = SignEncoder.of(cb);
    LinearDecoder decoder1 = LinearDecoder.builder(cb).parallel(false).build();
    LinearDecoder decoderAll = LinearDecoder.of(cb);
    FMatrixRMaj xm = FMatrixRMaj.wrap(count, d, x);
    FMatrixRMaj bt = new FMatrixRMaj(d, n);
    float[] b = cb.encoder();
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        bt.set(k, i, b[i * d + k]);
      }
    }
    FMatrixRMaj product = new FMatrixRMaj(count, n);
    out.printf("## Batch throughput (d = %d, n = %d, batches of %d vectors)%n%n", d, n, count);
    out.println("| operation | threads | vectors/s | GFLOP/s (dense equivalent) |");
    out.println("|---|---|---|---|");
    double flops = 2.0 * d * n;
    row(
        out,
        "EJML CommonOps_FDRM.mult (X·Bᵀ)",
        1,
        flops,
        time(() -> CommonOps_FDRM.mult(xm, bt, product), count));
    row(
        out,
        "SignEncoder.encode",
        1,
        flops,
        time(() -> encoder1.encode(x, 0, codes, 0, count), count));
    row(
        out,
        "SignEncoder.encode",
        Runtime.getRuntime().availableProcessors(),
        flops,
        time(() -> encoderAll.encode(x, 0, codes, 0, count), count));
    row(
        out,
        "LinearDecoder.decode",
        1,
        flops,
        time(() -> decoder1.decode(codes, 0, decoded, 0, count), count));
    row(
        out,
        "LinearDecoder.decode",
        Runtime.getRuntime().availableProcessors(),
        flops,
        time(() -> decoderAll.decode(codes, 0, decoded, 0, count), count));
    Codebook fast =
        CodebookTrainer.builder().bits(n).staged().seed(1).structured().build().isotropic(d);
    SignEncoder fastEncoder = SignEncoder.builder(fast).parallel(false).build();
    LinearDecoder fastDecoder = LinearDecoder.builder(fast).parallel(false).build();
    row(
        out,
        "SignEncoder.encode, structured codebook",
        1,
        flops,
        time(() -> fastEncoder.encode(x, 0, codes, 0, count), count));
    row(
        out,
        "LinearDecoder.decode, structured codebook",
        1,
        flops,
        time(() -> fastDecoder.decode(codes, 0, decoded, 0, count), count));
    out.println();
  }

  /**
   * The cost of the container: writing then reading a stream against bare batch encode and decode,
   * at d = 384, r = 1, in memory (no I/O), both on one thread.
   */
  static void streaming(PrintStream out) throws IOException {
    int d = 384;
    int count = 16_384;
    float[] x = gaussian(count, d, null, 5);
    Codebook cb = CodebookTrainer.builder().rate(1).staged().seed(1).build().isotropic(d);
    SignEncoder encoder = SignEncoder.builder(cb).parallel(false).build();
    LinearDecoder decoder = LinearDecoder.builder(cb).parallel(false).build();
    double bare = bareRoundTrip(encoder, decoder, x, count);
    float[] decoded = new float[count * d];
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(count * cb.codeBytes() + (1 << 16));
    double streamed =
        time(
            () -> {
              try {
                buffer.reset();
                try (SignStreamWriter w =
                    new SignStreamWriter(buffer, encoder, StreamFormat.DEFAULT_BLOCK_VECTORS)) {
                  w.write(x, 0, count);
                }
                SignStreamReader r =
                    new SignStreamReader(new ByteArrayInputStream(buffer.toByteArray()), decoder);
                int n = 0;
                int m;
                while ((m = r.read(decoded, n * d, count - n)) > 0) {
                  n += m;
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            count);
    out.printf(
        "## Streaming overhead (d = %d, r = 1, %d vectors, one thread, in memory)%n%n", d, count);
    out.println("| path | vectors/s (encode + decode) |");
    out.println("|---|---|");
    out.printf(Locale.ROOT, "| bare batch encode then decode | %,.0f |%n", bare);
    out.printf(Locale.ROOT, "| SignStreamWriter then SignStreamReader | %,.0f |%n", streamed);
    double cost = 100 * (bare / streamed - 1);
    if (cost >= 0) {
      out.printf(
          Locale.ROOT, "%nThe stream costs %.1f%% more than the bare batch calls.%n%n", cost);
    } else {
      out.printf(
          Locale.ROOT,
          "%nThe stream ran %.1f%% faster than the bare batch calls in this"
              + " run: its cost is below the noise.%n%n",
          -cost);
    }
  }

  /** Vectors per second of one batch encode then decode of {@code count} vectors. */
  private static double bareRoundTrip(
      SignEncoder encoder, LinearDecoder decoder, float[] x, int count) {
    byte[] codes = new byte[count * encoder.codeBytes()];
    float[] decoded = new float[count * encoder.dimension()];
    return time(
        () -> {
          encoder.encode(x, 0, codes, 0, count);
          decoder.decode(codes, 0, decoded, 0, count);
        },
        count);
  }

  /**
   * Embeddings over loopback TCP through Netty at d = 384, r = 1, against bare batch encode and
   * decode of the same vectors and against sending raw float32 through the same pipeline.
   */
  static void wire(PrintStream out) throws Exception {
    int d = 384;
    int count = 100_000;
    int batch = 1_024;
    float[] x = gaussian(count, d, null, 6);
    Codebook cb = CodebookTrainer.builder().rate(1).staged().seed(1).build().isotropic(d);
    SignEncoder encoder = SignEncoder.of(cb);
    LinearDecoder decoder = LinearDecoder.of(cb);
    double bare = bareRoundTrip(encoder, decoder, x, count);
    // Steady state, as for the bare calls: a fresh JVM's first runs through the pipeline are
    // still compiling Netty's and our handlers' paths (66 % of bare here, against 88 % after).
    long warmUpEnd = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < warmUpEnd) {
      WireBenchmark.signcodec(cb, x, batch);
      WireBenchmark.rawFloat32(x, d, batch);
    }
    WireBenchmark.Result sign = null;
    WireBenchmark.Result raw = null;
    for (int i = 0; i < 4; i++) {
      WireBenchmark.Result s = WireBenchmark.signcodec(cb, x, batch);
      WireBenchmark.Result r = WireBenchmark.rawFloat32(x, d, batch);
      sign = sign == null || s.seconds() < sign.seconds() ? s : sign;
      raw = raw == null || r.seconds() < raw.seconds() ? r : raw;
    }
    out.printf(
        "## Over the wire (Netty, loopback TCP, d = %d, r = 1, %d vectors in batches of %d)%n%n",
        d, count, batch);
    out.println("| path | vectors/s | bytes sent | bytes/vector |");
    out.println("|---|---|---|---|");
    out.printf(
        Locale.ROOT,
        "| bare batch encode + decode (no network, both cores) | %,.0f | - | - |%n",
        bare);
    out.printf(
        Locale.ROOT,
        "| signcodec frames through the pipeline | %,.0f | %,d | %.1f |%n",
        sign.vectorsPerSecond(),
        sign.wireBytes(),
        (double) sign.wireBytes() / count);
    out.printf(
        Locale.ROOT,
        "| raw float32 frames through the pipeline | %,.0f | %,d | %.1f |%n",
        raw.vectorsPerSecond(),
        raw.wireBytes(),
        (double) raw.wireBytes() / count);
    out.printf(
        Locale.ROOT,
        "%nThrough the pipeline signcodec runs at %.0f%% of bare encode + decode,"
            + " and sends %.1fx fewer bytes than raw float32.%n%n",
        100 * sign.vectorsPerSecond() / bare,
        (double) raw.wireBytes() / sign.wireBytes());
  }

  /**
   * Inner products of a query with 10 000 codes at d = 768, r = 1: on the codes with {@link
   * CodeScorer}, against decoding every code and taking the dot product. One thread.
   */
  static void scoring(PrintStream out) {
    int d = 768;
    int count = 10_000;
    float[] x = gaussian(count, d, null, 7);
    float[] query = gaussian(1, d, null, 8);
    Codebook cb = CodebookTrainer.builder().rate(1).staged().seed(1).build().isotropic(d);
    byte[] codes = new byte[count * cb.codeBytes()];
    SignEncoder.of(cb).encode(x, 0, codes, 0, count);
    LinearDecoder decoder = LinearDecoder.builder(cb).parallel(false).build();
    float[] decoded = new float[count * d];
    float[] scores = new float[count];
    CodeScorer scorer = CodeScorer.of(cb);
    double decodeThenDot =
        time(
            () -> {
              decoder.decode(codes, 0, decoded, 0, count);
              for (int v = 0; v < count; v++) {
                float s = 0;
                for (int k = 0; k < d; k++) {
                  s += query[k] * decoded[v * d + k];
                }
                scores[v] = s;
              }
            },
            count);
    CodeScorer.Query[] prepared = new CodeScorer.Query[1];
    double prepare = time(() -> prepared[0] = scorer.prepare(query), 1);
    double onCodes = time(() -> prepared[0].scoreAll(codes, 0, count, scores, 0), count);
    out.printf("## Scoring on codes (d = %d, r = 1, %d codes, one thread)%n%n", d, count);
    out.println("| method | codes/s |");
    out.println("|---|---|");
    out.printf(Locale.ROOT, "| decode, then dot product | %,.0f |%n", decodeThenDot);
    out.printf(Locale.ROOT, "| CodeScorer (byte tables) | %,.0f |%n", onCodes);
    out.printf(
        Locale.ROOT,
        "%nScoring on codes is %.0fx faster; preparing a query takes %.2f ms"
            + " (reported apart, amortised over the codes it scores).%n%n",
        onCodes / decodeThenDot,
        1000 / prepare);
  }

  private static void row(
      PrintStream out, String name, int threads, double flopsPerVector, double vectorsPerSecond) {
    out.printf(
        Locale.ROOT,
        "| %s | %d | %,.0f | %.1f |%n",
        name,
        threads,
        vectorsPerSecond,
        vectorsPerSecond * flopsPerVector / 1e9);
  }

  /**
   * Best of 7 timed runs after warm-up runs for at least a second (and at least 5), in vectors per
   * second. The time matters, not the count: C2 takes a while over the large vector kernels, and
   * until it is done they run in far slower tiers.
   */
  private static double time(Runnable op, int vectors) {
    long warmUpEnd = System.nanoTime() + 1_000_000_000L;
    for (int i = 0; i < 5 || System.nanoTime() < warmUpEnd; i++) {
      op.run();
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 7; i++) {
      long t0 = System.nanoTime();
      op.run();
      best = Math.min(best, System.nanoTime() - t0);
    }
    return vectors / (best / 1e9);
  }

  private static double nmse(Codebook cb, float[] x) {
    return Distortion.of(cb, x).nmse();
  }

  /** Gaussian vectors with per-coordinate standard deviations {@code scale} (null: all 1). */
  private static float[] gaussian(int count, int d, double[] scale, long seed) {
    Random random = new Random(seed);
    float[] x = new float[count * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (random.nextGaussian() * (scale == null ? 1 : scale[i % d]));
    }
    return x;
  }
}
