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
