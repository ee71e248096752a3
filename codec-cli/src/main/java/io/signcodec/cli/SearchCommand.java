package io.signcodec.cli;

import io.signcodec.core.CodeSearch;
import io.signcodec.core.Codebook;
import io.signcodec.core.VectorChecks;
import io.signcodec.core.VectorReader;
import io.signcodec.core.vectors.VectorFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code search}: the top k codes of a container for each query, by inner product. */
@Command(
    name = "search",
    header = "Find the k codes of a container with the largest inner product with each query.",
    description = {
      "Scans the container once, scoring every code on the codes themselves (<q, x^>, no "
          + "decoding) for all the queries, and keeps each query's k best; ids are the codes' "
          + "positions in the container, from 0, and ties go to the lower id. With --rescore, it "
          + "keeps k x --oversample candidates, reads the float vectors the container was encoded "
          + "from once, and ranks the candidates by the exact <q, x>. With --first-pass O, each "
          + "batch of codes is packed and scanned first with quantized queries (8-bit tables per "
          + "code nibble), and only the best k x O of every 16384 codes are scored exactly: the "
          + "same scores, and the same hits unless an exact hit ranked below that by the "
          + "estimate; faster from 1 bit per coordinate with the Vector API (java --add-modules "
          + "jdk.incubator.vector), slower without it.",
      "Writes one JSON line per query, {\"query\":..., \"ids\":[...], \"scores\":[...]}, best "
          + "first, or with --out FILE.npy one array of shape (queries, k) of records (id int64, "
          + "score float32). Then prints one JSON object (on standard error when the hits go to "
          + "standard output):",
      "{\"queries\":..., \"codes\":..., \"k\":..., \"oversample\":..., \"rescored\":..., "
          + "\"firstPass\":..., \"seconds\":...}"
    })
final class SearchCommand extends CliCommand {
  /** Most hits per query: {@code --k} times {@code --oversample}. */
  static final int MAX_CANDIDATES = 10_000;

  static final int DEFAULT_K = 10;

  private static final int BATCH = 4096;

  @Mixin CodebookFile codebookFile;

  @Option(
      names = "--codes",
      required = true,
      paramLabel = "FILE",
      order = 1,
      description = "The container to search, written by encode; - for standard input.")
  Path codes;

  @Option(
      names = "--queries",
      required = true,
      paramLabel = "FILE",
      order = 2,
      description =
          "Query vectors: .fvecs, .bvecs, .npy, .npz (see --queries-key), or raw float32 of the "
              + "codebook's dimension; optionally compressed; a file or pipe, not standard input.")
  Path queriesPath;

  @Option(
      names = "--queries-key",
      paramLabel = "NAME",
      order = 3,
      description = "The .npz array of --queries to read (default: the first).")
  String queriesKey;

  @Option(
      names = "--k",
      paramLabel = "K",
      order = 4,
      description = "Hits per query (default " + DEFAULT_K + ").")
  Integer k;

  @Option(
      names = "--rescore",
      paramLabel = "FILE",
      order = 5,
      description =
          "The float vectors the container was encoded from, in its order (any format --queries "
              + "takes): rank the candidates by the exact inner product.")
  Path rescorePath;

  @Option(
      names = "--oversample",
      paramLabel = "O",
      order = 6,
      description =
          "Candidates per hit kept for --rescore (default 1); k x O at most "
              + MAX_CANDIDATES
              + ".")
  Integer oversample;

  @Option(
      names = "--first-pass",
      paramLabel = "O",
      order = 7,
      description =
          "Scan the codes first with quantized queries and score exactly only the best k x O of "
              + "every 16384 (k the candidates: --k, times --oversample with --rescore); "
              + "default: every code exactly. "
              + CodeSearch.DEFAULT_OVERSAMPLE
              + " gave the exact scan's hits for every query measured.")
  Integer firstPass;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      order = 8,
      description =
          "Where the hits go: FILE.npy for an array of records, another name for JSON lines; - "
              + "(the default) for standard output."
              + CliFiles.HOW_OUT_IS_WRITTEN)
  Path out = Path.of("-");

  @Override
  public Integer call() {
    int hits = k == null ? DEFAULT_K : k;
    int factor = oversample == null ? 1 : oversample;
    checkOptions(hits, factor);
    refuseOverwritingInput(out, "--codes", codes);
    refuseOverwriting(out, "--codebook", codebookFile.path);
    refuseOverwriting(out, "--queries", queriesPath);
    if (rescorePath != null) {
      refuseOverwriting(out, "--rescore", rescorePath);
    }
    CliFiles.Output output = output(out);
    boolean npy = !CliFiles.isStandardStream(out) && lowerName(out).endsWith(".npy");
    Codebook codebook = codebookFile.read();
    int candidates = hits * factor;
    // The cap counts 24 bytes per candidate; rescoring holds about twice that per candidate.
    float[] queries =
        QueryFile.read(
            queriesPath,
            queriesKey,
            codebook,
            codebookFile.path,
            rescorePath == null ? candidates : 2 * candidates,
            "search");
    int d = codebook.dimension();
    int queryCount = queries.length / d;
    long t0 = System.nanoTime();
    CodeSearch search =
        firstPass == null
            ? new CodeSearch(codebook, queries, candidates)
            : new CodeSearch(codebook, queries, candidates, firstPass);
    long count;
    try (Progress progress = progress();
        ContainerFile container =
            new ContainerFile(codes, codebookFile.path, codebook, commandLine())) {
      byte[] batch = new byte[BATCH * codebook.codeBytes()];
      int n;
      while ((n = container.readCodes(batch, BATCH)) >= 0) {
        search.add(batch, 0, n);
        progress.update("search", search.codesAdded(), 0, "codes");
      }
      container.checkEnd();
      count = search.codesAdded();
      if (count == 0) {
        throw new DataException(CliFiles.inputName(codes), "contains no codes");
      }
    }
    CodeSearch.Hits[] results = search.hits();
    if (rescorePath != null) {
      results = rescore(results, queries, codebook, count, hits);
    }
    CodeSearch.Hits[] found = results;
    CliFiles.write(
        output,
        stream -> {
          if (npy) {
            writeNpy(stream, found);
          } else {
            writeJsonLines(stream, found);
          }
        });
    double seconds = (System.nanoTime() - t0) / 1e9;
    printJson(
        Json.object()
            .put("queries", queryCount)
            .put("codes", count)
            .put("k", hits)
            .put("oversample", factor)
            .put("rescored", rescorePath != null)
            .put("firstPass", firstPass == null ? 0 : firstPass)
            .put("seconds", Math.round(seconds * 1000) / 1000.0),
        output);
    return 0;
  }

  private void checkOptions(int hits, int factor) {
    if (hits < 1) {
      throw usage("Invalid value for option '--k': must be >= 1, was " + hits);
    }
    if (factor < 1) {
      throw usage("Invalid value for option '--oversample': must be >= 1, was " + factor);
    }
    if (oversample != null && rescorePath == null) {
      throw usage("--oversample needs --rescore: it is how many candidates the exact scores rank");
    }
    if (firstPass != null && firstPass < 1) {
      throw usage("Invalid value for option '--first-pass': must be >= 1, was " + firstPass);
    }
    if ((long) hits * factor > MAX_CANDIDATES) {
      throw usage(
          "Invalid value for option '--"
              + (factor > 1 ? "oversample" : "k")
              + "': --k x --oversample is "
              + (long) hits * factor
              + ", more than the "
              + MAX_CANDIDATES
              + " candidates a search keeps per query");
    }
    QueryFile.refuseInputStream(this, "--queries", queriesPath, "--codes", codes, "vectors");
    if (rescorePath != null) {
      QueryFile.refuseInputStream(this, "--rescore", rescorePath, "--codes", codes, "vectors");
    }
  }

  /**
   * Ranks each query's candidates by the exact inner product with the vectors of --rescore, read
   * once in order: every vector some query holds as a candidate is scored for those queries.
   */
  private CodeSearch.Hits[] rescore(
      CodeSearch.Hits[] candidates, float[] queries, Codebook codebook, long count, int hits) {
    int d = codebook.dimension();
    int queryCount = candidates.length;
    // Which (query, slot) pairs want each id: the pairs sorted by id.
    int pairs = 0;
    for (CodeSearch.Hits h : candidates) {
      pairs += h.size();
    }
    // Each pair as id · pairs + its index, one primitive sort (ids < count, so no overflow for
    // any container a scan can finish: count · pairs < 2^63).
    long[] order = new long[pairs];
    int[] start = new int[queryCount + 1];
    long[][] ids = new long[queryCount][];
    for (int q = 0, p = 0; q < queryCount; q++) {
      ids[q] = candidates[q].ids();
      start[q] = p;
      for (int s = 0; s < ids[q].length; s++, p++) {
        order[p] = Math.multiplyExact(ids[q][s], (long) pairs) + p;
      }
      start[q + 1] = p;
    }
    Arrays.sort(order);
    float[] exact = new float[pairs];
    int[] queryOf = new int[pairs];
    float[][] query = new float[queryCount][];
    for (int q = 0; q < queryCount; q++) {
      query[q] = Arrays.copyOfRange(queries, q * d, (q + 1) * d);
      for (int p = start[q]; p < start[q + 1]; p++) {
        queryOf[p] = q;
      }
    }
    String name = CliFiles.inputName(rescorePath);
    long row = 0;
    int next = 0;
    try (VectorReader reader =
        QueryFile.open(rescorePath, null, "vectors", codebook, codebookFile.path)) {
      float[] batch = new float[BATCH * d];
      int n;
      while ((n = reader.read(batch, 0, BATCH)) >= 0) {
        VectorChecks.checkFinite(batch, 0, n, d, row);
        for (; next < pairs && order[next] / pairs < row + n; next++) {
          int p = (int) (order[next] % pairs);
          int at = (int) (order[next] / pairs - row) * d;
          exact[p] = CodeSearch.Hits.dot(query[queryOf[p]], batch, at);
        }
        row += n;
      }
    } catch (IOException | IllegalArgumentException e) {
      throw CliFiles.inputError(rescorePath, e);
    }
    if (row != count) {
      throw new DataException(
          name,
          "has "
              + row
              + " vectors, but the container "
              + CliFiles.inputName(codes)
              + " has "
              + count
              + " codes: --rescore takes the vectors the container was encoded from");
    }
    CodeSearch.Hits[] ranked = new CodeSearch.Hits[queryCount];
    for (int q = 0; q < queryCount; q++) {
      ranked[q] =
          CodeSearch.Hits.best(ids[q], Arrays.copyOfRange(exact, start[q], start[q + 1]), hits);
    }
    return ranked;
  }

  private static void writeJsonLines(OutputStream stream, CodeSearch.Hits[] found)
      throws IOException {
    StringBuilder line = new StringBuilder();
    for (int q = 0; q < found.length; q++) {
      line.setLength(0);
      line.append("{\"query\":").append(q).append(", \"ids\":[");
      for (int r = 0; r < found[q].size(); r++) {
        line.append(r == 0 ? "" : ",").append(found[q].id(r));
      }
      line.append("], \"scores\":[");
      for (int r = 0; r < found[q].size(); r++) {
        float score = found[q].score(r);
        // The float's shortest form ("0.25", "1.0E-5": JSON numbers); JSON has no infinity.
        line.append(r == 0 ? "" : ",")
            .append(Float.isFinite(score) ? Float.toString(score) : "null");
      }
      line.append("]}\n");
      stream.write(line.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** One (queries, k) array of (id int64, score float32) records, little-endian, packed. */
  private static void writeNpy(OutputStream stream, CodeSearch.Hits[] found) throws IOException {
    int width = found[0].size();
    stream.write(VectorFiles.npyPreamble("[('id', '<i8'), ('score', '<f4')]", found.length, width));
    ByteBuffer row = ByteBuffer.allocate(12 * width).order(ByteOrder.LITTLE_ENDIAN);
    for (CodeSearch.Hits h : found) {
      row.clear();
      for (int r = 0; r < width; r++) {
        row.putLong(h.id(r)).putFloat(h.score(r));
      }
      stream.write(row.array(), 0, row.position());
    }
  }

  private static String lowerName(Path path) {
    Path name = path.getFileName();
    return (name == null ? path.toString() : name.toString()).toLowerCase(Locale.ROOT);
  }
}
