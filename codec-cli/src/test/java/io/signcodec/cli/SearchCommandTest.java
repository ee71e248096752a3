package io.signcodec.cli;

import static io.signcodec.cli.TrainEvalTest.dataError;
import static io.signcodec.cli.TrainEvalTest.read;
import static io.signcodec.cli.TrainEvalTest.s;
import static io.signcodec.cli.TrainEvalTest.usageError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.CodeSearch;
import io.signcodec.core.Codebook;
import io.signcodec.core.stream.SignStreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code search --codes FILE --queries FILE [--k K] [--rescore FILE --oversample O]}. */
class SearchCommandTest {
  static final int D = 16;
  static final int COUNT = 3000;
  static final int QUERIES = 30;
  static final Pattern LINE =
      Pattern.compile(
          "\\{\"query\":(\\d+), \"ids\":\\[([^\\]]*)\\], \"scores\":\\[([^\\]]*)\\]\\}");

  @TempDir static Path dir;
  static float[] data;
  static float[] queries;
  static Path fvecs;
  static Path queryFile;
  static Path codebookPath;
  static Codebook codebook;
  static Path container;
  static byte[] codes;

  @BeforeAll
  static void files() throws IOException {
    data = TestFiles.gaussian(COUNT, D, 1);
    queries = TestFiles.gaussian(QUERIES, D, 2);
    fvecs = TestFiles.fvecs(dir.resolve("db.fvecs"), data, D);
    queryFile = TestFiles.npy(dir.resolve("queries.npy"), queries, D);
    codebookPath = dir.resolve("r2.sgncb");
    Cli.train(fvecs, codebookPath, "--rate", "2");
    codebook = read(codebookPath);
    container = dir.resolve("db.sgnc");
    Cli.Result enc =
        Cli.run(
            "encode", "--codebook", s(codebookPath), "--input", s(fvecs), "--out", s(container));
    assertEquals(0, enc.exit(), enc::toString);
    codes = new byte[COUNT * codebook.codeBytes()];
    try (InputStream in = Files.newInputStream(container);
        SignStreamReader reader = new SignStreamReader(in, codebook)) {
      assertEquals(COUNT, reader.readCodes(codes, 0, COUNT));
    }
  }

  static Cli.Result search(String... more) {
    String[] head = {
      "search", "--codebook", s(codebookPath), "--codes", s(container), "--queries", s(queryFile)
    };
    String[] args = Arrays.copyOf(head, head.length + more.length);
    System.arraycopy(more, 0, args, head.length, more.length);
    return Cli.run(args);
  }

  /** The hits of JSON lines: ids and scores per query, in query order. */
  static CodeSearch.Hits[] parse(String lines) {
    String[] rows = lines.split("\n");
    CodeSearch.Hits[] hits = new CodeSearch.Hits[rows.length];
    for (int q = 0; q < rows.length; q++) {
      Matcher m = LINE.matcher(rows[q]);
      assertTrue(m.matches(), rows[q]);
      assertEquals(q, Integer.parseInt(m.group(1)));
      long[] ids = Arrays.stream(m.group(2).split(",")).mapToLong(Long::parseLong).toArray();
      String[] text = m.group(3).split(",");
      float[] scores = new float[text.length];
      for (int i = 0; i < text.length; i++) {
        scores[i] = Float.parseFloat(text[i]);
      }
      hits[q] = CodeSearch.Hits.best(ids, scores, ids.length);
    }
    return hits;
  }

  static void assertSameHits(CodeSearch.Hits[] expected, CodeSearch.Hits[] actual) {
    assertEquals(expected.length, actual.length);
    for (int q = 0; q < expected.length; q++) {
      assertArrayEquals(expected[q].ids(), actual[q].ids(), "query " + q);
      assertArrayEquals(expected[q].scores(), actual[q].scores(), "query " + q);
    }
  }

  @Test
  void jsonLinesHoldTheLibrarysHitsAndTheSummaryGoesToStandardError() {
    Cli.Result res = search("--k", "7");
    assertEquals(0, res.exit(), res::toString);
    assertSameHits(
        CodeSearch.search(codebook, queries, 7, codes, 0, COUNT), parse(new String(res.data())));
    assertEquals("", res.out());
    String summary = res.err().strip();
    assertTrue(
        summary.startsWith(
            "{\"queries\":30, \"codes\":3000, \"k\":7, \"oversample\":1, \"rescored\":false, "),
        summary);
  }

  /**
   * With a first pass, the hits are the library's search with that oversample; an oversample that
   * keeps every code of the 16 384 gives the exact scan's hits.
   */
  @Test
  void aFirstPassGivesTheLibrarysQuantizedSearch() {
    Cli.Result res = search("--k", "7", "--first-pass", "2");
    assertEquals(0, res.exit(), res::toString);
    assertSameHits(
        CodeSearch.search(codebook, queries, 7, 2, codes, 0, COUNT), parse(new String(res.data())));
    assertTrue(res.err().contains("\"rescored\":false, \"firstPass\":2, "), res.err());
    Cli.Result all = search("--k", "7", "--first-pass", "3000");
    assertEquals(0, all.exit(), all::toString);
    assertSameHits(
        CodeSearch.search(codebook, queries, 7, codes, 0, COUNT), parse(new String(all.data())));
    usageError(
        search("--first-pass", "0"),
        "Invalid value for option '--first-pass': must be >= 1, was 0");
  }

  @Test
  void theContainerMayComeOnStandardInputButTheQueriesMayNot() throws IOException {
    Cli.Result res =
        Cli.runWithInput(
            Files.readAllBytes(container),
            "search",
            "--codebook",
            s(codebookPath),
            "--codes",
            "-",
            "--queries",
            s(queryFile),
            "--k",
            "4",
            "--out",
            s(dir.resolve("stdin.jsonl")));
    assertEquals(0, res.exit(), res::toString);
    assertSameHits(
        CodeSearch.search(codebook, queries, 4, codes, 0, COUNT),
        parse(Files.readString(dir.resolve("stdin.jsonl"))));
    Cli.Result refused =
        Cli.run("search", "--codebook", s(codebookPath), "--codes", s(container), "--queries", "-");
    usageError(
        refused,
        "Invalid value for option '--queries': standard input (-) is for --codes; give the "
            + "vectors as a file");
  }

  @Test
  void npyOutputIsOneArrayOfRecordsAndJsonLinesGoToANamedFile() throws IOException {
    Path npy = dir.resolve("hits.npy");
    Path jsonl = dir.resolve("hits.jsonl");
    assertEquals(0, search("--out", s(npy)).exit());
    Cli.Result res = search("--out", s(jsonl));
    assertEquals(0, res.exit(), res::toString);
    assertTrue(res.out().startsWith("{\"queries\":30, "), res.out());
    CodeSearch.Hits[] expected = parse(Files.readString(jsonl));
    byte[] bytes = Files.readAllBytes(npy);
    int headerLength = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
    String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
    assertTrue(
        header.startsWith(
            "{'descr': [('id', '<i8'), ('score', '<f4')], 'fortran_order': False, "
                + "'shape': (30, 10), }"),
        header);
    ByteBuffer body = ByteBuffer.wrap(bytes, 10 + headerLength, bytes.length - 10 - headerLength);
    body.order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(30 * 10 * 12, body.remaining());
    for (int q = 0; q < 30; q++) {
      for (int r = 0; r < 10; r++) {
        assertEquals(expected[q].id(r), body.getLong());
        assertEquals(expected[q].score(r), body.getFloat(), 0f);
      }
    }
  }

  @Test
  void rescoringRanksTheCandidatesByTheExactInnerProduct() throws IOException {
    Cli.Result res = search("--k", "5", "--rescore", s(fvecs), "--oversample", "6");
    assertEquals(0, res.exit(), res::toString);
    CodeSearch.Hits[] candidates = CodeSearch.search(codebook, queries, 30, codes, 0, COUNT);
    CodeSearch.Hits[] expected = new CodeSearch.Hits[QUERIES];
    for (int q = 0; q < QUERIES; q++) {
      expected[q] =
          candidates[q].rescore(
              Arrays.copyOfRange(queries, q * D, (q + 1) * D),
              5,
              CodeSearch.VectorLookup.of(data, D));
    }
    assertSameHits(expected, parse(new String(res.data())));
    assertTrue(res.err().contains("\"oversample\":6, \"rescored\":true"), res.err());
  }

  @Test
  void rescoringEveryCodeIsTheExactSearch() {
    // k x oversample = every code: the hits are the exact float top 3 of every query.
    Cli.Result res = search("--k", "3", "--rescore", s(fvecs), "--oversample", "1000");
    assertEquals(0, res.exit(), res::toString);
    CodeSearch.Hits[] hits = parse(new String(res.data()));
    for (int q = 0; q < QUERIES; q++) {
      float[] exact = new float[COUNT];
      long[] ids = new long[COUNT];
      float[] query = Arrays.copyOfRange(queries, q * D, (q + 1) * D);
      for (int i = 0; i < COUNT; i++) {
        ids[i] = i;
        exact[i] = CodeSearch.Hits.dot(query, data, i * D);
      }
      assertArrayEquals(CodeSearch.Hits.best(ids, exact, 3).ids(), hits[q].ids(), "query " + q);
    }
  }

  @Test
  void badOptionsAndMismatchedFilesAreRefused() throws IOException {
    usageError(
        search("--oversample", "4"),
        "--oversample needs --rescore: it is how many candidates the exact scores rank");
    usageError(search("--k", "0"), "Invalid value for option '--k': must be >= 1, was 0");
    usageError(
        search("--k", "100", "--rescore", s(fvecs), "--oversample", "101"),
        "Invalid value for option '--oversample': --k x --oversample is 10100, more than the "
            + "10000 candidates a search keeps per query");
    Path fewer = TestFiles.fvecs(dir.resolve("fewer.fvecs"), Arrays.copyOf(data, 100 * D), D);
    dataError(
        search("--rescore", s(fewer), "--oversample", "2"),
        "fewer.fvecs",
        "has 100 vectors, but the container",
        "has 3000 codes");
    Path other = dir.resolve("r1.sgncb");
    Cli.train(fvecs, other, "--rate", "1");
    Cli.Result res =
        Cli.run(
            "search", "--codebook", s(other), "--codes", s(container), "--queries", s(queryFile));
    dataError(res, "db.sgnc", "(--codebook " + other + ")");
    usageError(search("--out", s(container)), "Invalid value for option '--out'");
  }
}
