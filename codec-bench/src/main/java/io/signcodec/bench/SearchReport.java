package io.signcodec.bench;

import io.signcodec.core.CodeSearch;
import io.signcodec.core.Codebook;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Top-10 search on codes ({@link CodeSearch}) against the exact search over the float vectors, per
 * dataset and rate: recall@10 of the codes alone and after rescoring {@code 10 × oversample}
 * candidates with the floats, the share of queries whose rescored top 10 is the exact top 10 in
 * order, and queries per second of the search on codes beside the exact scan (all cores, one run).
 * Then the quantized first pass ({@code CodeSearch} with an oversample): for oversamples of {@link
 * #FAST_OVERSAMPLES}, the share of queries whose hits are the table scan's (ids in order), and its
 * queries per second at {@link CodeSearch#DEFAULT_OVERSAMPLE}. Prints Markdown, then one JSON line
 * per row.
 *
 * <p>The database is each dataset's train split (the default codebook trained on its first 20 000
 * vectors, as a user trains on a sample), the queries the first 1 000 of its test split.
 *
 * <p>Run: {@code mvn -B -q install -DskipTests && mvn -B -q -pl codec-bench exec:exec@search}
 * ({@code -Dbench.args="--minilm-cache DIR"} to read the embeddings from elsewhere). MiniLM is read
 * from the cache, {@code minilm-europarl-41000.fvecs}, and skipped with a line when that is absent,
 * unless {@code --minilm} says to compute it (minutes).
 */
public final class SearchReport {
  static final int K = 10;
  static final int QUERIES = 1_000;
  static final int TRAIN = 20_000;
  static final double[] RATES = {0.5, 1, 2, 4};
  static final int[] OVERSAMPLES = {2, 5, 10, 20};
  static final int[] FAST_OVERSAMPLES = {1, 2, 4, 8};

  private SearchReport() {}

  public static void main(String[] args) throws Exception {
    Path cache = Path.of(System.getProperty("bench.target", "codec-bench/target"), "bench");
    boolean compute = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--minilm-cache")) {
        cache = Path.of(args[++i]);
      } else if (args[i].equals("--minilm")) {
        compute = true;
      } else if (!args[i].isEmpty()) {
        throw new IllegalArgumentException(
            "unknown argument " + args[i] + " (--minilm, --minilm-cache DIR)");
      }
    }
    PrintStream out = System.out;
    out.printf(
        Locale.ROOT,
        "# Search on codes%n%nJava %s, %d cores (%s)%n%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"));
    // Both scans compiled before anything is timed: the first dataset's would otherwise run on
    // code compiled in the middle of its loops (measured: a quarter of the later datasets' speed).
    BenchDataset warm = BenchDatasets.powerLawGaussian(64, 1, 4_000, 64, 3);
    for (int round = 0; round < 3; round++) {
      Retrieval.topK(warm.test(), 64, warm.train(), 4_000, 64);
      Codebook small =
          CodebookTrainer.builder()
              .rate(1)
              .seed(1)
              .build()
              .train(VectorSource.of(warm.train(), 64));
      byte[] smallCodes = new byte[4_000 * small.codeBytes()];
      SignEncoder.of(small).encode(warm.train(), 0, smallCodes, 0, 4_000);
      CodeSearch.search(small, warm.test(), K, smallCodes, 0, 4_000);
    }
    List<BenchDataset> datasets = new ArrayList<>();
    datasets.add(BenchDatasets.powerLawGaussian(384, 1, 50_000, QUERIES, 7));
    BenchDataset fashion = BenchDatasets.fashionMnist(BenchDatasets.FASHION_MNIST, 60_000, QUERIES);
    if (fashion == null) {
      out.println("Fashion-MNIST skipped: " + BenchDatasets.FASHION_MNIST + " is not there.\n");
    } else {
      datasets.add(fashion);
    }
    BenchDataset minilm = BenchDatasets.miniLmEuroparl(cache, 40_000, QUERIES, compute, out);
    if (minilm == null) {
      out.println("MiniLM skipped: no embedding cache in " + cache + " (--minilm computes it).\n");
    } else {
      datasets.add(minilm);
    }
    StringBuilder header =
        new StringBuilder("| dataset | N | r | recall@10, codes | exact top 10, codes |");
    StringBuilder rule = new StringBuilder("|---|---|---|---|---|");
    for (int o : OVERSAMPLES) {
      header.append(" recall / exact, rescored ").append(o).append("x |");
      rule.append("---|");
    }
    header.append(" queries/s, codes | queries/s, exact floats | ratio |");
    rule.append("---|---|---|");
    for (int o : FAST_OVERSAMPLES) {
      header.append(" quantized ").append(o).append("x = table scan |");
      rule.append("---|");
    }
    header.append(" queries/s, quantized ").append(CodeSearch.DEFAULT_OVERSAMPLE).append("x |");
    header.append(" quantized / table scan |");
    rule.append("---|---|");
    out.println(header);
    out.println(rule);
    List<String> json = new ArrayList<>();
    for (BenchDataset data : datasets) {
      int d = data.dimension();
      int n = data.trainCount();
      float[] database = data.train();
      float[] queries = Arrays.copyOf(data.test(), Math.min(QUERIES, data.testCount()) * d);
      int q = queries.length / d;
      // The exact scan, timed once per dataset: its cost does not depend on the rate.
      long t0 = System.nanoTime();
      int[] exact = Retrieval.topK(queries, q, database, n, d);
      double exactSeconds = Linalg.seconds(t0);
      for (double r : RATES) {
        Codebook codebook =
            CodebookTrainer.builder()
                .rate(r)
                .seed(1)
                .build()
                .train(VectorSource.of(Arrays.copyOf(database, Math.min(n, TRAIN) * d), d));
        byte[] codes = new byte[n * codebook.codeBytes()];
        SignEncoder.of(codebook).encode(database, 0, codes, 0, n);
        // Warm the scan on a quarter of the queries, then time it.
        CodeSearch.search(codebook, Arrays.copyOf(queries, Math.max(8, q / 4) * d), K, codes, 0, n);
        long t1 = System.nanoTime();
        CodeSearch.Hits[] hits = CodeSearch.search(codebook, queries, K, codes, 0, n);
        double codeSeconds = Linalg.seconds(t1);
        int most = K * OVERSAMPLES[OVERSAMPLES.length - 1];
        CodeSearch.Hits[] candidates = CodeSearch.search(codebook, queries, most, codes, 0, n);
        StringBuilder row =
            new StringBuilder(
                String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %.3f | %.3f |",
                    data.id(),
                    n,
                    r,
                    recall(hits, exact),
                    exactShare(hits, exact)));
        StringBuilder line =
            new StringBuilder(
                String.format(
                    Locale.ROOT,
                    "{\"dataset\":\"%s\", \"n\":%d, \"d\":%d, \"rate\":%s, \"queries\":%d,"
                        + " \"recall\":%.4f, \"exact\":%.4f",
                    data.id(),
                    n,
                    d,
                    r,
                    q,
                    recall(hits, exact),
                    exactShare(hits, exact)));
        for (int o : OVERSAMPLES) {
          CodeSearch.Hits[] rescored = new CodeSearch.Hits[q];
          for (int i = 0; i < q; i++) {
            long[] ids = Arrays.copyOf(candidates[i].ids(), K * o);
            float[] query = Arrays.copyOfRange(queries, i * d, (i + 1) * d);
            rescored[i] = rescore(query, ids, database);
          }
          double rec = recall(rescored, exact);
          double share = exactShare(rescored, exact);
          row.append(String.format(Locale.ROOT, " %.3f / %.3f |", rec, share));
          line.append(
              String.format(
                  Locale.ROOT, ", \"recall%dx\":%.4f, \"exact%dx\":%.4f", o, rec, o, share));
        }
        row.append(
            String.format(
                Locale.ROOT,
                " %.0f | %.0f | %.1fx |",
                q / codeSeconds,
                q / exactSeconds,
                exactSeconds / codeSeconds));
        line.append(
            String.format(
                Locale.ROOT,
                ", \"queriesPerSecond\":%.1f, \"exactQueriesPerSecond\":%.1f",
                q / codeSeconds,
                q / exactSeconds));
        double fastSeconds = Double.NaN;
        for (int o : FAST_OVERSAMPLES) {
          if (o == CodeSearch.DEFAULT_OVERSAMPLE) { // warm, then time
            CodeSearch.search(
                codebook, Arrays.copyOf(queries, Math.max(8, q / 4) * d), K, o, codes, 0, n);
          }
          long t2 = System.nanoTime();
          CodeSearch.Hits[] fast = CodeSearch.search(codebook, queries, K, o, codes, 0, n);
          if (o == CodeSearch.DEFAULT_OVERSAMPLE) {
            fastSeconds = Linalg.seconds(t2);
          }
          double same = sameHits(fast, hits);
          row.append(String.format(Locale.ROOT, " %.3f |", same));
          line.append(String.format(Locale.ROOT, ", \"sameAsTables%dx\":%.4f", o, same));
        }
        row.append(
            String.format(
                Locale.ROOT, " %.0f | %.2fx |", q / fastSeconds, codeSeconds / fastSeconds));
        line.append(
            String.format(Locale.ROOT, ", \"quantizedQueriesPerSecond\":%.1f}", q / fastSeconds));
        out.println(row);
        json.add(line.toString());
      }
    }
    out.println();
    for (BenchDataset data : datasets) {
      out.println("- " + data.id() + ": " + String.join(" ", data.notes()));
    }
    out.println();
    out.println("```");
    json.forEach(out::println);
    out.println("```");
  }

  /** The top {@code K} of {@code ids} by the exact inner product with {@code query}. */
  private static CodeSearch.Hits rescore(float[] query, long[] ids, float[] database) {
    float[] exact = new float[ids.length];
    for (int i = 0; i < ids.length; i++) {
      exact[i] = CodeSearch.Hits.dot(query, database, (int) ids[i] * query.length);
    }
    return CodeSearch.Hits.best(ids, exact, K);
  }

  /** Mean over queries of |hits ∩ exact top K| / K. */
  private static double recall(CodeSearch.Hits[] hits, int[] exact) {
    long found = 0;
    for (int i = 0; i < hits.length; i++) {
      Set<Long> truth = new HashSet<>();
      for (int j = 0; j < K; j++) {
        truth.add((long) exact[i * K + j]);
      }
      for (int r = 0; r < Math.min(K, hits[i].size()); r++) {
        found += truth.contains(hits[i].id(r)) ? 1 : 0;
      }
    }
    return (double) found / ((long) hits.length * K);
  }

  /** Share of queries whose hits are {@code reference}'s, ids in order. */
  private static double sameHits(CodeSearch.Hits[] hits, CodeSearch.Hits[] reference) {
    int same = 0;
    for (int i = 0; i < hits.length; i++) {
      same += Arrays.equals(hits[i].ids(), reference[i].ids()) ? 1 : 0;
    }
    return (double) same / hits.length;
  }

  /** Share of queries whose top K is the exact top K, in order. */
  private static double exactShare(CodeSearch.Hits[] hits, int[] exact) {
    int same = 0;
    for (int i = 0; i < hits.length; i++) {
      boolean equal = hits[i].size() >= K;
      for (int r = 0; r < K && equal; r++) {
        equal = hits[i].id(r) == exact[i * K + r];
      }
      same += equal ? 1 : 0;
    }
    return (double) same / hits.length;
  }
}
