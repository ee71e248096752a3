package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SearchRecallTest {
  static final int D = 16;
  static final int K = 10;

  static Codebook rateOne;
  static float[] database;
  static float[] queries;

  @BeforeAll
  static void data() throws IOException {
    rateOne =
        CodebookTrainer.builder()
            .rate(1)
            .seed(3)
            .build()
            .train(VectorSource.of(TestData.powerLaw(2_000, D, 1, 11), D));
    database = TestData.powerLaw(300, D, 1, 12);
    // Vectors 250..299 repeat 0..49: equal scores, exact and on codes, that only the index orders.
    System.arraycopy(database, 0, database, 250 * D, 50 * D);
    queries = TestData.powerLaw(20, D, 1, 13);
  }

  /** The k best of scores[0..n) by value, ties to the lower index: a full sort. */
  static long[] bruteTopK(float[] scores, int k) {
    return IntStream.range(0, scores.length)
        .boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparing(i -> i))
        .limit(k)
        .mapToLong(i -> i)
        .toArray();
  }

  /** Exact float32 dot products, fused multiply-adds in ascending order as the kernels do. */
  static float[] exactScores(float[] db, float[] query, int q, int d) {
    float[] scores = new float[db.length / d];
    for (int i = 0; i < scores.length; i++) {
      float s = 0;
      for (int c = 0; c < d; c++) {
        s = Math.fma(query[q * d + c], db[i * d + c], s);
      }
      scores[i] = s;
    }
    return scores;
  }

  static float[] codeScores(Codebook cb, float[] db, float[] query, int q) {
    int d = cb.dimension();
    int n = db.length / d;
    byte[] codes = TestData.encode(cb, db, n);
    float[] scores = new float[n];
    CodeScorer.of(cb)
        .prepare(Arrays.copyOfRange(query, q * d, (q + 1) * d))
        .scoreAll(codes, 0, n, scores, 0);
    return scores;
  }

  static double bruteRecall(Codebook cb, float[] db, float[] qs, int k) {
    int d = cb.dimension();
    long hits = 0;
    for (int q = 0; q < qs.length / d; q++) {
      long[] exact = bruteTopK(exactScores(db, qs, q, d), k);
      long[] approx = bruteTopK(codeScores(cb, db, qs, q), k);
      hits += Arrays.stream(approx).filter(a -> Arrays.stream(exact).anyMatch(e -> e == a)).count();
    }
    return (double) hits / ((double) k * (qs.length / d));
  }

  @Test
  void equalsBruteForceSearch() throws IOException {
    SearchRecall recall = SearchRecall.measure(rateOne, queries, K, VectorSource.of(database, D));
    assertEquals(20, recall.queryCount());
    assertEquals(300, recall.databaseVectors());
    assertEquals(K, recall.k());
    double sum = 0;
    for (int q = 0; q < 20; q++) {
      long[] exact = bruteTopK(exactScores(database, queries, q, D), K);
      long[] approx = bruteTopK(codeScores(rateOne, database, queries, q), K);
      assertArrayEquals(exact, recall.exactTopK(q), "query " + q);
      assertArrayEquals(approx, recall.codeTopK(q), "query " + q);
      sum += recall.recall(q);
    }
    double value = recall.recall();
    assertEquals(bruteRecall(rateOne, database, queries, K), value, 1e-15);
    assertEquals(sum / 20, value, 1e-15);
    // Half the exact neighbours and more, not all: a measurement that can tell codebooks apart.
    assertTrue(value > 0.5 && value < 1, "recall " + value);
  }

  /**
   * The search with a quantized first pass: on short codes (few nibbles to round, and the exact
   * scores rank its candidates) its lists are the codes' lists; on 32-byte codes its recall is
   * within 0.01 of theirs and it returns their very list for at least 95 % of the queries.
   */
  @Test
  void theQuantizedFirstPassFindsTheCodesLists() throws IOException {
    SearchRecall small = SearchRecall.measure(rateOne, queries, K, VectorSource.of(database, D));
    for (int q = 0; q < 20; q++) {
      assertArrayEquals(small.codeTopK(q), small.quantizedTopK(q), "query " + q);
    }
    assertEquals(1.0, small.quantizedSameAsCodes());
    assertEquals(small.recall(), small.quantizedRecall());
    int d = 128;
    Codebook wide =
        CodebookTrainer.builder()
            .rate(2)
            .seed(4)
            .build()
            .train(VectorSource.of(TestData.powerLaw(3_000, d, 1, 21), d));
    assertTrue(wide.codeBytes() > io.signcodec.core.internal.QueryPlanes.HEAD_BYTES);
    SearchRecall large =
        SearchRecall.measure(
            wide,
            TestData.powerLaw(40, d, 1, 22),
            K,
            VectorSource.of(TestData.powerLaw(20_000, d, 1, 23), d));
    assertEquals(large.recall(), large.quantizedRecall(), 0.01);
    assertTrue(large.quantizedSameAsCodes() >= 0.95, "same " + large.quantizedSameAsCodes());
  }

  @Test
  void tiesGoToTheLowerIndex() throws IOException {
    // Every score ties, exactly and on the codes: both lists are the first k vectors.
    float[] same = new float[40 * D];
    for (int i = 0; i < 40; i++) {
      System.arraycopy(database, 0, same, i * D, D);
    }
    SearchRecall recall = SearchRecall.measure(rateOne, queries, K, VectorSource.of(same, D), 7);
    for (int q = 0; q < 20; q++) {
      assertArrayEquals(firstIndices(K), recall.exactTopK(q));
      assertArrayEquals(firstIndices(K), recall.codeTopK(q));
    }
    assertEquals(1.0, recall.recall());
  }

  /** 0, 1, ..., n − 1. */
  static long[] firstIndices(int n) {
    return IntStream.range(0, n).mapToLong(i -> i).toArray();
  }

  @Test
  void anyBatchingGivesTheSameLists() throws IOException {
    // 20 000 vectors of d = 16 fill the internal block of 16 384 once and part of a second;
    // 70 queries make several tiles per thread.
    int count = 20_000;
    float[] db = TestData.powerLaw(count, D, 1, 21);
    float[] qs = TestData.powerLaw(70, D, 1, 22);
    SearchRecall whole = SearchRecall.measure(rateOne, qs, 25, VectorSource.of(db, D), count);
    for (int batch : new int[] {1, 7, 300, 16_384, 16_385, 50_000}) {
      SearchRecall part = SearchRecall.measure(rateOne, qs, 25, VectorSource.of(db, D), batch);
      assertEquals(whole.recall(), part.recall(), 0, "batch " + batch);
      for (int q = 0; q < 70; q++) {
        assertArrayEquals(whole.exactTopK(q), part.exactTopK(q), "batch " + batch);
        assertArrayEquals(whole.codeTopK(q), part.codeTopK(q), "batch " + batch);
      }
    }
    // The caller's own codes, added in uneven pieces with results read in between (which scores
    // the partial block), give the same result too.
    byte[] codes = TestData.encode(rateOne, db, count);
    SearchRecall added = new SearchRecall(rateOne, qs, 25);
    int[] pieces = {0, 1, 2_999, 15_000, 2_000};
    int at = 0;
    for (int piece : pieces) {
      added.add(db, at * D, codes, at * rateOne.codeBytes(), piece);
      at += piece;
      assertEquals(at, added.databaseVectors());
      assertEquals(Math.min(25, at), added.codeTopK(69).length);
    }
    assertEquals(count, added.databaseVectors());
    assertEquals(whole.recall(), added.recall(), 0);
    for (int q = 0; q < 70; q++) {
      assertArrayEquals(whole.exactTopK(q), added.exactTopK(q));
      assertArrayEquals(whole.codeTopK(q), added.codeTopK(q));
    }
  }

  /** Unit vectors: each one's largest inner product is with itself (1, against at most cos θ). */
  static float[] unitVectors(int count, int d, long seed) {
    float[] x = TestData.isotropic(count, d, seed);
    for (int i = 0; i < count; i++) {
      double norm = 0;
      for (int c = 0; c < d; c++) {
        norm += (double) x[i * d + c] * x[i * d + c];
      }
      for (int c = 0; c < d; c++) {
        x[i * d + c] /= (float) Math.sqrt(norm);
      }
    }
    return x;
  }

  @Test
  void nearlyLosslessCodesFindEveryVectorItself() throws IOException {
    int d = 8;
    float[] db = unitVectors(500, d, 31);
    Codebook eightBits = CodebookTrainer.builder().rate(8).build().train(VectorSource.of(db, d));
    assertTrue(TestData.nmse(eightBits, db) < 1e-3, "nmse " + TestData.nmse(eightBits, db));
    SearchRecall recall = SearchRecall.measure(eightBits, db, 1, VectorSource.of(db, d));
    for (int q = 0; q < 500; q++) {
      assertArrayEquals(new long[] {q}, recall.exactTopK(q));
    }
    assertEquals(1.0, recall.recall());
  }

  @Test
  void aCodebookForOtherDataFindsAboutChance() throws IOException {
    // Trained where the data vary in the first half of the coordinates only; searched on data
    // that vary in the second half. Every database vector gets the same code, so its top 10 of
    // 1 000 (the first 10, by the tie rule) overlaps the true one by chance, about 10 / 1 000,
    // while a codebook trained on such data does far better at the same rate.
    int d = 16;
    Random random = new Random(41);
    float[] train = new float[3_000 * d];
    for (int i = 0; i < train.length; i++) {
      train[i] = (float) (random.nextGaussian() * (i % d < d / 2 ? 1 : 1e-3));
    }
    float[] db = new float[1_000 * d];
    for (int i = 0; i < db.length; i++) {
      db[i] = (float) (i % d < d / 2 ? 0 : random.nextGaussian());
    }
    float[] qs = TestData.isotropic(100, d, 42);
    CodebookTrainer trainer = CodebookTrainer.builder().rate(1).seed(1).build();
    Codebook other = trainer.train(VectorSource.of(train, d));
    Codebook matching = trainer.train(VectorSource.of(db, d));
    double chance = SearchRecall.measure(other, qs, K, VectorSource.of(db, d)).recall();
    double trained = SearchRecall.measure(matching, qs, K, VectorSource.of(db, d)).recall();
    // Measured: 0.011 and 0.478.
    assertTrue(chance < 0.03, "recall " + chance);
    assertTrue(trained > 0.3, "recall " + trained);
  }

  /** A vector that overflows the codebook's arithmetic refuses its batch before any is added. */
  @Test
  void aDatabaseBatchThatOverflowsIsRefusedWhole() {
    SearchRecall recall = new SearchRecall(rateOne, queries, K);
    recall.add(database, 0, 40);
    float[] batch = Arrays.copyOfRange(database, 40 * D, 50 * D);
    Arrays.fill(batch, 5 * D, 6 * D, Float.MAX_VALUE);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> recall.add(batch, 0, 10));
    assertTrue(e.getMessage().startsWith("vector 45, projection "), e.getMessage());
    assertEquals(40, recall.databaseVectors());
  }

  @Test
  void badArgumentsAreRejectedWithTheirReason() {
    VectorSource db = VectorSource.of(database, D);
    assertEquals(
        "k must be >= 1: 0",
        assertThrows(
                IllegalArgumentException.class, () -> SearchRecall.measure(rateOne, queries, 0, db))
            .getMessage());
    assertEquals(
        "queries: none given",
        assertThrows(
                IllegalArgumentException.class, () -> new SearchRecall(rateOne, new float[0], K))
            .getMessage());
    assertEquals(
        "queries: 17 floats are not whole vectors of the codebook's dimension 16",
        assertThrows(
                IllegalArgumentException.class, () -> new SearchRecall(rateOne, new float[17], K))
            .getMessage());
    float[] nan = queries.clone();
    nan[3 * D + 2] = Float.NaN;
    assertEquals(
        "queries: query 3, component 2 is NaN (not finite)",
        assertThrows(IllegalArgumentException.class, () -> new SearchRecall(rateOne, nan, K))
            .getMessage());
    assertEquals(
        "database has dimension 8, codebook expects 16",
        assertThrows(
                IllegalArgumentException.class,
                () -> SearchRecall.measure(rateOne, queries, K, VectorSource.of(new float[80], 8)))
            .getMessage());
    float[] badDb = database.clone();
    badDb[123 * D + 4] = Float.POSITIVE_INFINITY;
    assertEquals(
        "vector 123, component 4 is Infinity (not finite)",
        assertThrows(
                IllegalArgumentException.class,
                () -> SearchRecall.measure(rateOne, queries, K, VectorSource.of(badDb, D), 50))
            .getMessage());
    assertEquals(
        "the database has 9 vectors, fewer than k = 10: recall@k needs at least k",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    SearchRecall.measure(
                        rateOne, queries, K, VectorSource.of(Arrays.copyOf(database, 9 * D), D)))
            .getMessage());
    SearchRecall empty = new SearchRecall(rateOne, queries, 1);
    assertEquals(
        "the database has 0 vectors, fewer than k = 1: recall@k needs at least k",
        assertThrows(IllegalStateException.class, empty::recall).getMessage());
    assertEquals(0, empty.exactTopK(0).length);
    assertThrows(IndexOutOfBoundsException.class, () -> empty.codeTopK(20));
    assertThrows(IllegalArgumentException.class, () -> empty.add(database, 1, 300));
  }
}
