package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodeScorerTest {

  /** Scores equal decode-then-dot within float rounding, single-stage and staged. */
  @ParameterizedTest
  @CsvSource({"1,1", "13,7", "64,64", "65,130", "100,250"})
  void scoresEqualDecodeThenDot(int d, int n) throws IOException {
    float[] x = TestData.powerLaw(2_000, d, 1, d + n);
    Codebook cb = CodebookTrainer.builder().bits(n).seed(1).build().train(VectorSource.of(x, d));
    check(cb, TestData.powerLaw(300, d, 1, 7), TestData.isotropic(5, d, 8));
  }

  static void check(Codebook cb, float[] vectors, float[] queries) {
    int d = cb.dimension();
    int count = vectors.length / d;
    byte[] codes = TestData.encode(cb, vectors, count);
    float[] decoded = new float[vectors.length];
    LinearDecoder.of(cb).decode(codes, 0, decoded, 0, count);
    CodeScorer scorer = CodeScorer.of(cb);
    float[] scores = new float[count + 2];
    for (int q = 0; q < queries.length / d; q++) {
      float[] query = java.util.Arrays.copyOfRange(queries, q * d, (q + 1) * d);
      CodeScorer.Query prepared = scorer.prepare(query);
      prepared.scoreAll(codes, 0, count, scores, 1);
      for (int v = 0; v < count; v++) {
        double dot = 0;
        double scale = 0;
        for (int k = 0; k < d; k++) {
          dot += (double) query[k] * decoded[v * d + k];
          scale += Math.abs((double) query[k] * decoded[v * d + k]);
        }
        assertEquals(dot, scores[1 + v], 1e-5 * (scale + 1), "query " + q + " vector " + v);
        assertEquals(scores[1 + v], prepared.score(codes, v * cb.codeBytes()));
      }
    }
  }

  /**
   * Queries scored together give each query's own scores, bit for bit, in full and partial tiles.
   */
  @ParameterizedTest
  @CsvSource({"24,48,1", "24,48,8", "16,100,13", "65,130,17"})
  void queriesScoredTogetherScoreAsEachAlone(int d, int n, int queryCount) throws IOException {
    Codebook cb =
        CodebookTrainer.builder()
            .bits(n)
            .seed(2)
            .build()
            .train(VectorSource.of(TestData.powerLaw(2_000, d, 1, n), d));
    int count = 600;
    byte[] codes = TestData.encode(cb, TestData.powerLaw(count, d, 1, 3), count);
    float[] queries = TestData.powerLaw(queryCount + 1, d, 1, 4);
    CodeScorer scorer = CodeScorer.of(cb);
    CodeScorer.Queries all = scorer.prepareAll(queries, d, queryCount);
    assertEquals(queryCount, all.count());
    float[][] scores = new float[queryCount][count + 3];
    // codes 5 .. count - 1 into scores[q][3 ..]
    all.scoreAll(codes, 5 * cb.codeBytes(), count - 5, scores, 3);
    float[] alone = new float[count - 5];
    for (int q = 0; q < queryCount; q++) {
      scorer
          .prepare(java.util.Arrays.copyOfRange(queries, (q + 1) * d, (q + 2) * d))
          .scoreAll(codes, 5 * cb.codeBytes(), count - 5, alone, 0);
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          alone, java.util.Arrays.copyOfRange(scores[q], 3, count - 2), "query " + q);
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> all.scoreAll(codes, 0, count, new float[queryCount - 1][count], 0));
    assertEquals(
        "scores: " + (queryCount - 1) + " rows for " + queryCount + " queries", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> all.scoreAll(codes, 0, count + 1, new float[queryCount][count + 1], 0));
    assertThrows(
        IllegalArgumentException.class, () -> scorer.prepareAll(queries, 0, queryCount + 2));
  }

  @Test
  void paddingBitsDoNotCount() {
    Codebook cb = CodebookTrainer.builder().bits(5).build().isotropic(4);
    CodeScorer.Query q = CodeScorer.of(cb).prepare(new float[] {1, 2, 3, 4});
    assertEquals(q.score(new byte[] {0b10110}, 0), q.score(new byte[] {(byte) 0b11110110}, 0));
  }

  @Test
  void badQueriesAndRangesAreRejected() {
    Codebook cb = CodebookTrainer.builder().bits(5).build().isotropic(4);
    CodeScorer scorer = CodeScorer.of(cb);
    assertEquals(
        "query has dimension 3, codebook expects 4",
        assertThrows(IllegalArgumentException.class, () -> scorer.prepare(new float[3]))
            .getMessage());
    assertEquals(
        "vector 0, component 2 is NaN (not finite)",
        assertThrows(
                IllegalArgumentException.class,
                () -> scorer.prepare(new float[] {0, 0, Float.NaN, 0}))
            .getMessage());
    CodeScorer.Query q = scorer.prepare(new float[4]);
    assertThrows(IllegalArgumentException.class, () -> q.score(new byte[1], 1));
    assertThrows(
        IllegalArgumentException.class, () -> q.scoreAll(new byte[3], 0, 3, new float[2], 0));
  }
}
