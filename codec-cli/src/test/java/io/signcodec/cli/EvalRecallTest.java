package io.signcodec.cli;

import static io.signcodec.cli.TrainEvalTest.dataError;
import static io.signcodec.cli.TrainEvalTest.num;
import static io.signcodec.cli.TrainEvalTest.read;
import static io.signcodec.cli.TrainEvalTest.s;
import static io.signcodec.cli.TrainEvalTest.usageError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.core.SearchRecall;
import io.signcodec.core.VectorSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval --queries FILE [--k K]}: recall@k of search on the codes. */
class EvalRecallTest {
  static final int D = 16;
  static final int COUNT = 2000;
  static final int QUERIES = 50;

  @TempDir static Path dir;
  static float[] data;
  static float[] queries;
  static Path fvecs;
  static Path queryFile;
  static Path codebookPath;
  static Codebook codebook;

  @BeforeAll
  static void files() throws IOException {
    data = TestFiles.gaussian(COUNT, D, 1);
    queries = TestFiles.gaussian(QUERIES, D, 2);
    fvecs = TestFiles.fvecs(dir.resolve("db.fvecs"), data, D);
    queryFile = TestFiles.fvecs(dir.resolve("queries.fvecs"), queries, D);
    codebookPath = dir.resolve("r1.sgncb");
    Cli.train(fvecs, codebookPath, "--rate", "1");
    codebook = read(codebookPath);
  }

  static Cli.Result eval(String... more) {
    String[] args = new String[4 + more.length];
    args[0] = "eval";
    args[1] = "--codebook";
    args[2] = s(codebookPath);
    args[3] = "--input";
    System.arraycopy(more, 0, args, 4, more.length);
    return Cli.run(args);
  }

  @Test
  void recallIsTheCoreMeasurementOnTheSameData() throws IOException {
    Cli.Result res = eval(s(fvecs), "--queries", s(queryFile));
    assertEquals(0, res.exit(), res::toString);
    assertEquals("", res.err());
    Map<String, Object> json = res.json();
    assertEquals(
        List.of(
            "vectors",
            "dim",
            "bits",
            "rate",
            "nmse",
            "predictedNmse",
            "limit",
            "shannon",
            "meanCosine",
            "k",
            "queries",
            "recall",
            "recallQuantized"),
        List.copyOf(json.keySet()));
    assertEquals(10, num(json, "k"), 0);
    assertEquals(QUERIES, num(json, "queries"), 0);
    double recall = num(json, "recall");
    SearchRecall measured = SearchRecall.measure(codebook, queries, 10, VectorSource.of(data, D));
    assertEquals(measured.recall(), recall, 0);
    assertEquals(measured.quantizedRecall(), num(json, "recallQuantized"), 0);
    // Neither perfect nor chance (10 / 2 000) at one bit per coordinate.
    assertTrue(recall > 0.2 && recall < 1, res::toString);
    // The recall adds to the NMSE measurement; it does not change it.
    Cli.Result plain = eval(s(fvecs));
    assertEquals(num(plain.json(), "nmse"), num(json, "nmse"), 0);
  }

  @Test
  void kAndMaxVectorsAreThoseOfTheMeasurement() throws IOException {
    Cli.Result res = eval(s(fvecs), "--queries", s(queryFile), "--k", "3", "--max-vectors", "700");
    assertEquals(0, res.exit(), res::toString);
    assertEquals(3, num(res.json(), "k"), 0);
    assertEquals(700, num(res.json(), "vectors"), 0);
    float[] first = Arrays.copyOf(data, 700 * D);
    assertEquals(
        SearchRecall.measure(codebook, queries, 3, VectorSource.of(first, D)).recall(),
        num(res.json(), "recall"),
        0);
    // The database vectors themselves as queries, k = 1000 of 2 000: every list is half the file.
    res = eval(s(fvecs), "--queries", s(fvecs), "--k", "1000");
    assertEquals(0, res.exit(), res::toString);
    assertEquals(COUNT, num(res.json(), "queries"), 0);
    double recall = num(res.json(), "recall");
    assertTrue(recall >= 0 && recall <= 1, res::toString);
  }

  @Test
  void queriesInAnyFormat() throws IOException {
    double reference = num(eval(s(fvecs), "--queries", s(queryFile)).json(), "recall");
    Path npy = TestFiles.npy(dir.resolve("q.npy"), queries, D);
    Path npz = TestFiles.npz(dir.resolve("q.npz"), "queries", queries, D);
    Path raw = TestFiles.raw(dir.resolve("q.f32"), queries);
    Path gz = TestFiles.gzipFvecs(dir.resolve("q.fvecs.gz"), queries, D);
    List<List<String>> files =
        List.of(
            List.of(s(npy)),
            List.of(s(npz), "--queries-key", "queries"),
            List.of(s(raw)),
            List.of(s(gz)));
    for (List<String> file : files) {
      String[] args = new String[] {s(fvecs), "--queries", file.get(0)};
      if (file.size() > 1) {
        args = new String[] {s(fvecs), "--queries", file.get(0), file.get(1), file.get(2)};
      }
      Cli.Result res = eval(args);
      assertEquals(0, res.exit(), res::toString);
      assertEquals(reference, num(res.json(), "recall"), 0, file::toString);
      assertEquals(QUERIES, num(res.json(), "queries"), 0);
    }
    // The database from standard input; the queries from their file.
    byte[] stdin = java.nio.file.Files.readAllBytes(fvecs);
    Cli.Result piped =
        Cli.runWithInput(
            stdin,
            "eval",
            "--codebook",
            s(codebookPath),
            "--input",
            "-",
            "--format",
            "fvecs",
            "--queries",
            s(queryFile));
    assertEquals(0, piped.exit(), piped::toString);
    assertEquals(reference, num(piped.json(), "recall"), 0);
  }

  @Test
  void usageErrors() {
    usageError(eval(s(fvecs), "--k", "5"), "--k needs --queries");
    usageError(eval(s(fvecs), "--queries-key", "q"), "--queries-key needs --queries");
    for (String k : new String[] {"0", "-3", "1001"}) {
      usageError(
          eval(s(fvecs), "--queries", s(queryFile), "--k", k),
          "Invalid value for option '--k': must be in 1..1000, was " + k);
    }
    usageError(
        eval(s(fvecs), "--queries", s(queryFile), "--k", "ten"),
        "Invalid value for option '--k': 'ten' is not an int");
    usageError(
        eval(s(fvecs), "--queries", "-"),
        "Invalid value for option '--queries': standard input (-) is for --input");
    usageError(
        eval(s(fvecs), "--queries", s(queryFile), "--max-vectors", "5"),
        "Invalid value for option '--max-vectors': 5 vectors are fewer than --k 10");
  }

  @Test
  void onePipeCannotBeBothInputs() throws Exception {
    Path fifo = dir.resolve("both.fifo");
    OutputSafetyTest.mkfifo(fifo);
    // Refused before either is opened: opening a pipe with no writer would wait for one.
    usageError(
        eval(s(fifo), "--format", "fvecs", "--queries", s(fifo)),
        "Invalid value for option '--queries': '" + fifo + "' is the pipe given to --input");
  }

  @Test
  void dataErrorsNameTheFile() throws IOException {
    Path narrow = TestFiles.fvecs(dir.resolve("narrow.fvecs"), new float[8 * 3], 8);
    dataError(
        eval(s(fvecs), "--queries", s(narrow)),
        "signcodec eval: "
            + narrow
            + ": queries have dimension 8, but codebook "
            + codebookPath
            + " is for dimension 16");
    // The test archive's first array is a decoy of dimension 3.
    Path npz = TestFiles.npz(dir.resolve("decoy.npz"), "queries", queries, D);
    dataError(
        eval(s(fvecs), "--queries", s(npz)),
        "signcodec eval: "
            + npz
            + ": queries have dimension 3, but codebook "
            + codebookPath
            + " is for dimension 16");
    dataError(
        eval(s(fvecs), "--queries", s(npz), "--queries-key", "nothing"),
        "signcodec eval: " + npz + ": ",
        "nothing");
    float[] bad = queries.clone();
    bad[7 * D + 3] = Float.NaN;
    Path nan = TestFiles.fvecs(dir.resolve("nan-queries.fvecs"), bad, D);
    dataError(
        eval(s(fvecs), "--queries", s(nan)),
        "signcodec eval: " + nan + ": vector 7, component 3 is NaN (not finite)");
    Path missing = dir.resolve("no-queries.fvecs");
    dataError(
        eval(s(fvecs), "--queries", s(missing)),
        "signcodec eval: " + missing + ": no such file or directory");
    Path ragged = TestFiles.raw(dir.resolve("ragged.f32"), new float[D + 3]);
    dataError(eval(s(fvecs), "--queries", s(ragged)), "signcodec eval: " + ragged + ": ");
    Path small = TestFiles.fvecs(dir.resolve("small.fvecs"), Arrays.copyOf(data, 4 * D), D);
    dataError(
        eval(s(small), "--queries", s(queryFile)),
        "signcodec eval: "
            + small
            + ": has 4 vectors, fewer than --k 10: recall@k needs at least k");
  }

  @Test
  void moreQueriesThanTheCapAreRefused() throws IOException {
    int over = QueryFile.MAX_QUERIES + 1;
    Path many = TestFiles.fvecs(dir.resolve("many.fvecs"), new float[over * D], D);
    dataError(
        eval(s(fvecs), "--queries", s(many)),
        "signcodec eval: "
            + many
            + ": has more than 100000 queries, the most eval holds in memory");
    // Exactly the cap is read (against a few database vectors, to keep the search short).
    assertEquals(QueryFile.MAX_QUERIES, QueryFile.maxQueries(codebook, 10));
    Path cap =
        TestFiles.fvecs(
            dir.resolve("cap.fvecs"),
            Arrays.copyOf(TestFiles.gaussian(1000, D, 3), QueryFile.MAX_QUERIES * D),
            D);
    Cli.Result res = eval(s(fvecs), "--queries", s(cap), "--max-vectors", "20");
    assertEquals(0, res.exit(), res::toString);
    assertEquals(QueryFile.MAX_QUERIES, num(res.json(), "queries"), 0);
  }
}
