package io.signcodec.bench.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every JMH benchmark of this module in one go and writes the throughput section of
 * BENCHMARKS.md: each kernel before (scalar) and after (Vector API), dense and structured forms, in
 * vectors per second and as fractions of the read-only and FMA baselines measured in the same run.
 *
 * <pre>
 * java -cp codec-bench/target/benchmarks.jar io.signcodec.bench.jmh.ThroughputReport [OUT.md]
 * </pre>
 *
 * <p>Each benchmark runs 2 warm-up and 3 measured one-second iterations in one fork per parameter
 * combination (the benchmarks' own annotations, used by {@code java -jar benchmarks.jar}, ask for 3
 * and 5). About 11 minutes here.
 */
public final class ThroughputReport {
  private static final String PKG = "io\\.signcodec\\.bench\\.jmh\\.";
  private static final String[] DIMS = {"384", "768"};
  private static final String[] RATES = {"0.5", "1", "2"};

  private ThroughputReport() {}

  public static void main(String[] args) throws RunnerException, IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "codec-bench/target/bench/throughput.md");
    Map<String, Double> score = new HashMap<>();
    long t0 = System.nanoTime();
    // Both forms with both kernels: the structured form's butterflies, layout and sign steps
    // have a scalar and a Vector API version too.
    run(score, base().include(PKG + "(Encode|Decode)Benchmark\\."));
    run(score, base().include(PKG + "BaselineBenchmark\\."));
    run(score, base().include(PKG + "PeerBenchmark\\."));
    run(score, base().include(PKG + "ScoreBenchmark\\."));
    String md = markdown(score, (System.nanoTime() - t0) / 60e9);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md, StandardCharsets.UTF_8);
    System.out.println(md);
  }

  private static ChainedOptionsBuilder base() {
    return new OptionsBuilder()
        .warmupIterations(2)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(3)
        .measurementTime(TimeValue.seconds(1))
        .forks(1)
        .shouldFailOnError(true);
  }

  private static void run(Map<String, Double> score, ChainedOptionsBuilder options)
      throws RunnerException {
    Collection<RunResult> results = new Runner(options.build()).run();
    for (RunResult r : results) {
      var p = r.getParams();
      String name =
          p.getBenchmark()
              .substring(
                  p.getBenchmark().lastIndexOf('.', p.getBenchmark().lastIndexOf('.') - 1) + 1);
      StringBuilder key = new StringBuilder(name);
      for (String param : new String[] {"dim", "rate", "form", "kernels"}) {
        String v = p.getParam(param);
        if (v != null) {
          key.append(' ').append(param).append('=').append(v);
        }
      }
      score.put(key.toString(), r.getPrimaryResult().getScore());
    }
  }

  private static double get(Map<String, Double> score, String key) {
    Double v = score.get(key);
    return v == null ? Double.NaN : v;
  }

  static String markdown(Map<String, Double> s, double minutes) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "## Throughput (JMH, one thread, %.0f min)%n%n", minutes));
    sb.append(
        "Vectors per second on one thread, batches of 1 024 from a rotating 64 MiB pool."
            + " `scalar` = the kernels without the Vector API (before), `vector` = with "
            + "`--add-modules jdk.incubator.vector` (after); `structured` = the data-free form as "
            + "randomized Hadamard transforms. % read = fraction of the read-only baseline (reading "
            + "the same floats once), % FMA = fraction of the FMA baseline (n·d single-precision "
            + "fused multiply-adds per vector at the core's peak: register-resident Vector API FMA "
            + "chains).\n\n");
    for (String op : new String[] {"encode", "decode"}) {
      String cls = op.equals("encode") ? "EncodeBenchmark.encode" : "DecodeBenchmark.decode";
      sb.append("### ").append(op.equals("encode") ? "Encode" : "Decode").append("\n\n");
      sb.append(
          "| d | r | read-only | FMA bound | dense scalar | dense vector | vector/scalar "
              + "| dense vector % FMA | structured scalar | structured vector | vector/scalar "
              + "| structured vector % read | JVector PQ |\n");
      sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (String d : DIMS) {
        for (String r : RATES) {
          double read = get(s, "BaselineBenchmark.readOnly dim=" + d);
          double fma = get(s, "BaselineBenchmark.fma dim=" + d + " rate=" + r);
          String k = cls + " dim=" + d + " rate=" + r;
          double scalar = get(s, k + " form=dense kernels=scalar");
          double vector = get(s, k + " form=dense kernels=vector");
          double structuredScalar = get(s, k + " form=structured kernels=scalar");
          double structured = get(s, k + " form=structured kernels=vector");
          double pq =
              get(
                  s,
                  "PeerBenchmark.pq"
                      + (op.equals("encode") ? "Encode" : "Decode")
                      + " dim="
                      + d
                      + " rate="
                      + r);
          sb.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %,.0f | %,.0f | %,.0f | %,.0f | %.1f× | %.0f%% | %,.0f | %,.0f | %.1f× "
                      + "| %.0f%% | %,.0f |%n",
                  d,
                  r,
                  read,
                  fma,
                  scalar,
                  vector,
                  vector / scalar,
                  100 * vector / fma,
                  structuredScalar,
                  structured,
                  structured / structuredScalar,
                  100 * structured / read,
                  pq));
        }
      }
      sb.append('\n');
    }
    sb.append("### Scoring on codes\n\n");
    sb.append(
        "Inner products of one query with 10 000 codes of a dense codebook, codes per "
            + "second; preparing the query (n·d products and the byte tables) in queries per "
            + "second, apart.\n\n");
    sb.append("| d | r | decode then dot | CodeScorer | speed-up | prepare (queries/s) |\n");
    sb.append("|---|---|---|---|---|---|\n");
    for (String d : DIMS) {
      for (String r : RATES) {
        String k = " dim=" + d + " rate=" + r;
        double naive = get(s, "ScoreBenchmark.decodeThenDot" + k);
        double codes = get(s, "ScoreBenchmark.onCodes" + k);
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %,.0f | %,.0f | %.0f× | %,.0f |%n",
                d,
                r,
                naive,
                codes,
                codes / naive,
                get(s, "ScoreBenchmark.prepare" + k)));
      }
    }
    sb.append('\n');
    return sb.toString();
  }
}
