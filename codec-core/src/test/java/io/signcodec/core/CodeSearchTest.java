package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CodeSearchTest {
  static final int D = 24;
  static final int N = 5_000;

  static Codebook codebook;
  static float[] database;
  static byte[] codes;
  static float[] queries;

  @BeforeAll
  static void data() throws IOException {
    codebook =
        CodebookTrainer.builder()
            .rate(2)
            .seed(5)
            .build()
            .train(VectorSource.of(TestData.powerLaw(3_000, D, 1, 21), D));
    database = TestData.powerLaw(N, D, 1, 22);
    // The last 100 vectors repeat the first 100: equal scores that only the id orders.
    System.arraycopy(database, 0, database, (N - 100) * D, 100 * D);
    codes = new byte[N * codebook.codeBytes()];
    SignEncoder.of(codebook).encode(database, 0, codes, 0, N);
    queries = TestData.powerLaw(40, D, 1, 23);
  }

  /** Query q's k best codes by the scorer's own score, from a full sort. */
  static long[] bruteIds(int q, int k) {
    CodeScorer.Query prepared =
        CodeScorer.of(codebook).prepare(Arrays.copyOfRange(queries, q * D, (q + 1) * D));
    float[] scores = new float[N];
    prepared.scoreAll(codes, 0, N, scores, 0);
    return SearchRecallTest.bruteTopK(scores, k);
  }

  @Test
  void hitsAreTheFullSortsTopKWithTheScorersScores() {
    CodeSearch.Hits[] hits = CodeSearch.search(codebook, queries, 10, codes, 0, N);
    assertEquals(40, hits.length);
    for (int q = 0; q < 40; q++) {
      assertArrayEquals(bruteIds(q, 10), hits[q].ids(), "query " + q);
      CodeScorer.Query prepared =
          CodeScorer.of(codebook).prepare(Arrays.copyOfRange(queries, q * D, (q + 1) * D));
      for (int r = 0; r < 10; r++) {
        float exact = prepared.score(codes, (int) hits[q].id(r) * codebook.codeBytes());
        assertEquals(exact, hits[q].score(r), 0f, "query " + q + " rank " + r);
      }
    }
  }

  @Test
  void aPartialTileOfQueriesScoresAsEachQueryAlone() {
    // 13 queries: one tile of eight scored together, one of five padded with empty tables.
    float[] thirteen = Arrays.copyOf(queries, 13 * D);
    CodeSearch.Hits[] hits = CodeSearch.search(codebook, thirteen, 25, codes, 0, N);
    for (int q = 0; q < 13; q++) {
      CodeSearch.Hits alone =
          CodeSearch.search(
              codebook, Arrays.copyOfRange(queries, q * D, (q + 1) * D), 25, codes, 0, N)[0];
      assertArrayEquals(alone.ids(), hits[q].ids(), "query " + q);
      assertArrayEquals(alone.scores(), hits[q].scores(), "query " + q);
    }
  }

  @Test
  void oneQuerySplitAcrossThreadsAndAnyBatchSizesGiveTheSameHits() {
    // One query: the block is split into ranges whose lists are merged; ties among the repeated
    // vectors must still go to the lower id.
    float[] one = Arrays.copyOfRange(queries, 3 * D, 4 * D);
    long[] expected = CodeSearch.search(codebook, one, 150, codes, 0, N)[0].ids();
    CodeSearch batched = new CodeSearch(codebook, one, 150);
    int cb = codebook.codeBytes();
    int[] sizes = {1, 7, 999, 64, 2_000, 3};
    int at = 0;
    for (int i = 0; at < N; i++) {
      int n = Math.min(sizes[i % sizes.length], N - at);
      batched.add(codes, at * cb, n);
      at += n;
    }
    assertEquals(N, batched.codesAdded());
    assertArrayEquals(expected, batched.hits(0).ids());
    CodeScorer.Query prepared = CodeScorer.of(codebook).prepare(one);
    float[] scores = new float[N];
    prepared.scoreAll(codes, 0, N, scores, 0);
    assertArrayEquals(SearchRecallTest.bruteTopK(scores, 150), expected);
  }

  @Test
  void equalScoresRankTheLowerIdFirst() {
    // Ask for every code: each of the first 100 comes just before its copy among equal scores.
    CodeSearch.Hits hits = CodeSearch.search(codebook, queries, N, codes, 0, N)[0];
    int[] rank = new int[N];
    for (int r = 0; r < N; r++) {
      rank[(int) hits.id(r)] = r;
    }
    for (int i = 0; i < 100; i++) {
      assertTrue(rank[i] < rank[N - 100 + i], "id " + i);
      assertEquals(hits.score(rank[i]), hits.score(rank[N - 100 + i]), 0f);
    }
  }

  @Test
  void fewerCodesThanKGivesThemAll() {
    CodeSearch search = new CodeSearch(codebook, queries, 10);
    assertEquals(0, search.hits(0).size());
    search.add(codes, 0, 4);
    CodeSearch.Hits hits = search.hits(7);
    assertEquals(4, hits.size());
    assertArrayEquals(new long[] {0, 1, 2, 3}, Arrays.stream(hits.ids()).sorted().toArray());
    // Adding goes on after a look at the hits.
    search.add(codes, 4 * codebook.codeBytes(), N - 4);
    assertArrayEquals(bruteIds(7, 10), search.hits(7).ids());
  }

  @Test
  void rescoringAllCandidatesGivesTheExactFloatTopK() throws IOException {
    CodeSearch.VectorLookup floats = CodeSearch.VectorLookup.of(database, D);
    for (int q = 0; q < 5; q++) {
      float[] query = Arrays.copyOfRange(queries, q * D, (q + 1) * D);
      CodeSearch.Hits all = CodeSearch.search(codebook, query, N, codes, 0, N)[0];
      CodeSearch.Hits rescored = all.rescore(query, 10, floats);
      float[] exact = SearchRecallTest.exactScores(database, queries, q, D);
      long[] top = SearchRecallTest.bruteTopK(exact, 10);
      assertArrayEquals(top, rescored.ids(), "query " + q);
      for (int r = 0; r < 10; r++) {
        assertEquals(exact[(int) top[r]], rescored.score(r), 0f);
      }
    }
  }

  @Test
  void rescoringAnOversampledListFindsTheExactTopK() throws IOException {
    // Rate 2 codes of power-law data: the code scores alone rank the exact float top 10 in order
    // for none of the 40 queries; rescored from 16x as many candidates, for every one (measured:
    // 1, 12, 29, 34 and 40 queries at 1x, 2x, 4x, 8x and 16x).
    CodeSearch.VectorLookup floats = CodeSearch.VectorLookup.of(database, D);
    CodeSearch.Hits[] hits = CodeSearch.search(codebook, queries, 160, codes, 0, N);
    int exactByRescore = 0;
    int exactByCodes = 0;
    for (int q = 0; q < 40; q++) {
      float[] query = Arrays.copyOfRange(queries, q * D, (q + 1) * D);
      long[] top =
          SearchRecallTest.bruteTopK(SearchRecallTest.exactScores(database, queries, q, D), 10);
      if (Arrays.equals(top, hits[q].rescore(query, 10, floats).ids())) {
        exactByRescore++;
      }
      if (Arrays.equals(top, Arrays.copyOf(hits[q].ids(), 10))) {
        exactByCodes++;
      }
    }
    assertEquals(40, exactByRescore);
    assertTrue(exactByCodes < 10, exactByCodes + " of 40");
  }

  /**
   * The quantized first pass keeps the exact scores bit for bit, finds the full scan's hits for all
   * but at most 1 of 40 queries at the default oversample (here: every query), and with an
   * oversample that keeps every code, all of them.
   */
  @Test
  void aQuantizedFirstPassFindsTheExactScansHits() {
    CodeSearch.Hits[] exact = CodeSearch.search(codebook, queries, 10, codes, 0, N);
    CodeSearch.Hits[] fast =
        CodeSearch.search(codebook, queries, 10, CodeSearch.DEFAULT_OVERSAMPLE, codes, 0, N);
    CodeSearch.Hits[] all = CodeSearch.search(codebook, queries, 10, N, codes, 0, N);
    int same = 0;
    for (int q = 0; q < 40; q++) {
      CodeScorer.Query prepared =
          CodeScorer.of(codebook).prepare(Arrays.copyOfRange(queries, q * D, (q + 1) * D));
      for (int r = 0; r < fast[q].size(); r++) {
        float score = prepared.score(codes, (int) fast[q].id(r) * codebook.codeBytes());
        assertEquals(score, fast[q].score(r), 0f, "query " + q + " rank " + r);
      }
      same += Arrays.equals(exact[q].ids(), fast[q].ids()) ? 1 : 0;
      assertArrayEquals(exact[q].ids(), all[q].ids(), "query " + q);
      assertArrayEquals(exact[q].scores(), all[q].scores(), "query " + q);
    }
    assertTrue(same >= 39, same + " of 40 queries");
  }

  /**
   * An oversample of 1 keeps only k candidates per range of the first pass: its hits do not depend
   * on the batch sizes the codes come in, and (8-bit nibble tables ranking these 24-bit codes well)
   * are the exact scan's for nearly every query.
   */
  @Test
  void anOversampleOfOneGivesTheSameHitsForAnyBatches() throws IOException {
    Codebook one =
        CodebookTrainer.builder()
            .rate(1)
            .seed(5)
            .build()
            .train(VectorSource.of(TestData.powerLaw(3_000, D, 1, 21), D));
    int count = 40_000; // three ranges of the first pass
    float[] x = TestData.powerLaw(count, D, 1, 31);
    byte[] c = new byte[count * one.codeBytes()];
    SignEncoder.of(one).encode(x, 0, c, 0, count);
    CodeSearch.Hits[] exact = CodeSearch.search(one, queries, 10, c, 0, count);
    CodeSearch.Hits[] fast = CodeSearch.search(one, queries, 10, 1, c, 0, count);
    int same = 0;
    for (int q = 0; q < 40; q++) {
      same += Arrays.equals(exact[q].ids(), fast[q].ids()) ? 1 : 0;
    }
    assertTrue(same >= 36, same + " of 40");
    CodeSearch batched = new CodeSearch(one, queries, 10, 1);
    int[] sizes = {1, 7, 20_001, 64, 3};
    int at = 0;
    for (int i = 0; at < count; i++) {
      int n = Math.min(sizes[i % sizes.length], count - at);
      batched.add(c, at * one.codeBytes(), n);
      at += n;
    }
    for (int q = 0; q < 40; q++) {
      assertArrayEquals(fast[q].ids(), batched.hits(q).ids(), "query " + q);
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new CodeSearch(one, queries, 10, 0));
    assertEquals("oversample must be >= 1: 0", e.getMessage());
  }

  /**
   * Longer codes (here 32 bytes: 64 rounded nibble tables, more than the bit planes' exact head
   * bytes too): at the default oversample the first pass still finds the exact scan's hits for at
   * least 39 of 40 queries, and its scores are the exact ones.
   */
  @Test
  void theDefaultOversampleFindsTheExactHitsOnLongCodes() throws IOException {
    int d = 128;
    Codebook wide =
        CodebookTrainer.builder()
            .rate(2)
            .seed(8)
            .build()
            .train(VectorSource.of(TestData.powerLaw(4_000, d, 1, 41), d));
    assertTrue(wide.codeBytes() > io.signcodec.core.internal.QueryPlanes.HEAD_BYTES);
    int count = 20_000;
    byte[] c = new byte[count * wide.codeBytes()];
    SignEncoder.of(wide).encode(TestData.powerLaw(count, d, 1, 42), 0, c, 0, count);
    float[] qs = TestData.powerLaw(40, d, 1, 43);
    CodeSearch.Hits[] exact = CodeSearch.search(wide, qs, 10, c, 0, count);
    CodeSearch.Hits[] fast =
        CodeSearch.search(wide, qs, 10, CodeSearch.DEFAULT_OVERSAMPLE, c, 0, count);
    int same = 0;
    for (int q = 0; q < 40; q++) {
      same += Arrays.equals(exact[q].ids(), fast[q].ids()) ? 1 : 0;
      CodeScorer.Query prepared =
          CodeScorer.of(wide).prepare(Arrays.copyOfRange(qs, q * d, (q + 1) * d));
      for (int r = 0; r < fast[q].size(); r++) {
        assertEquals(
            prepared.score(c, (int) fast[q].id(r) * wide.codeBytes()), fast[q].score(r), 0f);
      }
    }
    assertTrue(same >= 39, same + " of 40 queries");
  }

  /** Each code's exact sum from the nibble tables is the full tables' float, bit for bit. */
  @Test
  void theExactSumWithoutTablesIsTheTablesFloat() {
    CodeScorer scorer = CodeScorer.of(codebook);
    for (int q = 0; q < 5; q++) {
      float[] query = Arrays.copyOfRange(queries, q * D, (q + 1) * D);
      CodeScorer.Weights w = scorer.weights(query);
      float[] tables = new float[codebook.codeBytes() * 256];
      scorer.fillTables(w.bitWeights, tables);
      float[] nibbles = new float[codebook.codeBytes() * 32];
      scorer.fillNibbleTables(w.bitWeights, nibbles);
      for (int v = 0; v < 200; v++) {
        int at = v * codebook.codeBytes();
        assertEquals(
            Float.floatToRawIntBits(
                CodeScorer.score(w.constant, tables, codebook.codeBytes(), codes, at)),
            Float.floatToRawIntBits(
                CodeScorer.exactSum(nibbles, w.constant, codes, at, codebook.codeBytes())));
      }
    }
  }

  @Test
  void badArgumentsAreRefusedWithTheirNames() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new CodeSearch(codebook, new float[0], 1));
    assertEquals("queries: none given", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> new CodeSearch(codebook, new float[D + 1], 1));
    assertEquals(
        "queries: 25 floats are not whole vectors of the codebook's dimension 24", e.getMessage());
    float[] bad = queries.clone();
    bad[D + 3] = Float.NaN;
    e = assertThrows(IllegalArgumentException.class, () -> new CodeSearch(codebook, bad, 1));
    assertTrue(e.getMessage().startsWith("queries: query 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new CodeSearch(codebook, queries, 0));
    assertEquals("k must be >= 1: 0", e.getMessage());
    CodeSearch search = new CodeSearch(codebook, queries, 3);
    e = assertThrows(IllegalArgumentException.class, () -> search.add(codes, 0, N + 1));
    assertTrue(e.getMessage().startsWith("codes"), e.getMessage());
    assertEquals(0, search.codesAdded());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CodeSearch.VectorLookup.of(database, D).read(N, new float[D], 0));
    assertEquals("no vector of id 5000 (5000 vectors given)", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CodeSearch.Hits.best(new long[3], new float[2], 1));
    assertEquals("3 ids but 2 scores", e.getMessage());
  }
}
