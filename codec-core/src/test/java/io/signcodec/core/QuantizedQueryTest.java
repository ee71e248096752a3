package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Quantized queries score within their bound of the exact tables, and rank codes as they do. Tagged
 * "kernels": it runs again at each vector width and on the scalar kernels.
 */
@org.junit.jupiter.api.Tag("kernels")
class QuantizedQueryTest {

  static Codebook codebook(String form, int d, double rate, float[] x) throws IOException {
    CodebookTrainer.Builder b = CodebookTrainer.builder().rate(rate).seed(5);
    VectorSource source = VectorSource.of(x, d);
    switch (form) {
      case "plain":
        return b.gainBits(0).build().train(source);
      case "gain":
        return b.gainBits(4).build().train(source);
      case "structured":
        return b.structured().build().trainIsotropic(source);
      case "signs":
        return b.shallow().build().train(source);
      case "isotropic":
        return b.build().isotropic(d);
      default:
        throw new AssertionError(form);
    }
  }

  /**
   * Every form of codebook: each score lies within {@link CodeScorer.QuantizedQuery#maxError} of
   * the exact one (up to float rounding), and the typical error is below the bound by a factor of
   * √n or more.
   */
  @ParameterizedTest
  @CsvSource({
    "plain,96,2",
    "plain,65,4",
    "plain,200,1",
    "plain,640,2",
    "gain,160,1",
    "gain,65,3",
    "structured,256,1",
    "structured,100,2",
    "signs,200,1",
    "isotropic,256,0.75",
    "isotropic,384,1"
  })
  void scoresWithinTheBoundOfTheExactOnes(String form, int d, double rate) throws IOException {
    Codebook cb = codebook(form, d, rate, TestData.powerLaw(3_000, d, 1, d));
    // the planes' projections read bfloat16 directions where the basis is dense
    assertEquals(
        !form.equals("structured") && !form.equals("signs"),
        cb.form().approximationError() > 0,
        form + " " + d + ": bound " + cb.form().approximationError());
    int count = 400;
    byte[] codes = TestData.encode(cb, TestData.powerLaw(count, d, 1, 7), count);
    float[] queries = TestData.powerLaw(6, d, 1, 8);
    CodeScorer scorer = CodeScorer.of(cb);
    float[] exact = new float[count];
    float[] quantized = new float[count + 2];
    for (int q = 0; q < 6; q++) {
      float[] query = Arrays.copyOfRange(queries, q * d, (q + 1) * d);
      scorer.prepare(query).scoreAll(codes, 0, count, exact, 0);
      CodeScorer.QuantizedQuery quantizedQuery = scorer.prepareQuantized(query);
      quantizedQuery.scoreAll(codes, 0, count, quantized, 2);
      double bound = quantizedQuery.maxError();
      assertTrue(bound > 0, "a bound of 0 for " + form);
      double errors = 0;
      double rounding = 0;
      for (int v = 0; v < count; v++) {
        double error = Math.abs(quantized[2 + v] - exact[v]);
        double slack = 1e-5 * (1 + Math.abs(exact[v])); // two float sums, in different orders
        assertTrue(
            error <= bound + slack,
            form + ": query " + q + " code " + v + " off by " + error + ", bound " + bound);
        assertEquals(
            quantized[2 + v], quantizedQuery.score(codes, v * cb.codeBytes()), "score, scoreAll");
        errors += error;
        rounding += slack;
      }
      // independent roundings of either sign: a typical sum grows as √n, the bound as n
      int counted = cb.bits() - 8 * io.signcodec.core.internal.QueryPlanes.HEAD_BYTES;
      assertTrue(
          errors < count * bound / Math.sqrt(counted) + rounding,
          form + ": mean error " + errors / count + ", bound " + bound);
    }
  }

  /**
   * On codes of a trained codebook at 1, 2 and 4 bits per coordinate, the quantized top 10 of 3 000
   * codes holds at least 9.5 of the exact top 10 on average, and the exact top 10 lie within the
   * quantized top 40 for every query.
   */
  @ParameterizedTest
  @CsvSource({"256,1", "128,2", "96,4"})
  void ranksCodesAsTheExactScoresDo(int d, double rate) throws IOException {
    int found =
        exactTop10Found(
            d,
            rate,
            (scorer, query, codes, count, out) ->
                scorer.prepareQuantized(query).scoreAll(codes, 0, count, out, 0));
    assertTrue(found >= 9.5 * 40, "found " + found + " of " + 10 * 40);
  }

  /** Estimates of {@code count} codes of {@code scorer}'s codebook for one query. */
  interface Estimates {
    void score(CodeScorer scorer, float[] query, byte[] codes, int count, float[] out);
  }

  /**
   * For 40 queries over 3 000 codes of a codebook trained at {@code rate}: asserts that each
   * query's exact top 10 lies within the top 40 by {@code estimates}, and returns how many of the
   * 400 exact top-10 codes the estimates' top 10 holds.
   */
  static int exactTop10Found(int d, double rate, Estimates estimates) throws IOException {
    Codebook cb =
        CodebookTrainer.builder()
            .rate(rate)
            .seed(6)
            .build()
            .train(VectorSource.of(TestData.powerLaw(5_000, d, 1, 9), d));
    int count = 3_000;
    byte[] codes = TestData.encode(cb, TestData.powerLaw(count, d, 1, 10), count);
    int queries = 40;
    float[] qs = TestData.powerLaw(queries, d, 1, 11);
    CodeScorer scorer = CodeScorer.of(cb);
    float[] exact = new float[count];
    float[] estimated = new float[count];
    int found = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = Arrays.copyOfRange(qs, q * d, (q + 1) * d);
      scorer.prepare(query).scoreAll(codes, 0, count, exact, 0);
      estimates.score(scorer, query, codes, count, estimated);
      int[] best = top(exact, 10);
      int[] candidates = top(estimated, 40);
      int[] bestEstimated = Arrays.copyOf(candidates, 10);
      for (int id : best) {
        assertTrue(contains(candidates, id), "query " + q + ": code " + id + " past rank 40");
        found += contains(bestEstimated, id) ? 1 : 0;
      }
    }
    return found;
  }

  private static int[] top(float[] scores, int k) {
    Integer[] ids = new Integer[scores.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    Arrays.sort(ids, (a, b) -> Float.compare(scores[b], scores[a]));
    int[] out = new int[k];
    for (int i = 0; i < k; i++) {
      out[i] = ids[i];
    }
    return out;
  }

  private static boolean contains(int[] ids, int id) {
    for (int i : ids) {
      if (i == id) {
        return true;
      }
    }
    return false;
  }

  /**
   * A code of at most {@link io.signcodec.core.internal.QueryPlanes#HEAD_BYTES} bytes is read from
   * exact tables alone: no error bound, the exact score to float rounding.
   */
  @Test
  void shortCodesScoreExactly() throws IOException {
    int d = 24;
    Codebook cb = codebook("plain", d, 2, TestData.powerLaw(2_000, d, 1, 3));
    assertTrue(cb.codeBytes() <= io.signcodec.core.internal.QueryPlanes.HEAD_BYTES);
    byte[] codes = TestData.encode(cb, TestData.powerLaw(50, d, 1, 4), 50);
    float[] query = TestData.powerLaw(1, d, 1, 5);
    CodeScorer.Query exact = CodeScorer.of(cb).prepare(query);
    CodeScorer.QuantizedQuery quantized = CodeScorer.of(cb).prepareQuantized(query);
    assertEquals(0, quantized.maxError());
    for (int v = 0; v < 50; v++) {
      float e = exact.score(codes, v * cb.codeBytes());
      assertEquals(e, quantized.score(codes, v * cb.codeBytes()), 1e-5 * (1 + Math.abs(e)));
    }
  }

  @Test
  void paddingAndGainBitsWeighNothingInTheCount() throws IOException {
    Codebook cb = CodebookTrainer.builder().bits(5).build().isotropic(4);
    CodeScorer.QuantizedQuery q = CodeScorer.of(cb).prepareQuantized(new float[] {1, 2, 3, 4});
    assertEquals(q.score(new byte[] {0b10110}, 0), q.score(new byte[] {(byte) 0b11110110}, 0));
  }

  @Test
  void aZeroQueryScoresTheConstant() throws IOException {
    int d = 16;
    Codebook cb = codebook("plain", d, 1, TestData.powerLaw(500, d, 1, 3));
    CodeScorer scorer = CodeScorer.of(cb);
    byte[] codes = TestData.encode(cb, TestData.powerLaw(3, d, 1, 4), 3);
    CodeScorer.QuantizedQuery q = scorer.prepareQuantized(new float[d]);
    assertEquals(0, q.maxError());
    for (int v = 0; v < 3; v++) {
      assertEquals(0f, q.score(codes, v * cb.codeBytes()));
    }
  }

  @Test
  void badQueriesAndRangesAreRejected() {
    Codebook cb = CodebookTrainer.builder().bits(5).build().isotropic(4);
    CodeScorer scorer = CodeScorer.of(cb);
    assertEquals(
        "query has dimension 3, codebook expects 4",
        assertThrows(IllegalArgumentException.class, () -> scorer.prepareQuantized(new float[3]))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> scorer.prepareQuantized(new float[] {0, Float.POSITIVE_INFINITY, 0, 0}));
    CodeScorer.QuantizedQuery q = scorer.prepareQuantized(new float[] {1, 0, 0, 0});
    assertThrows(IllegalArgumentException.class, () -> q.score(new byte[1], 1));
    assertThrows(IllegalArgumentException.class, () -> q.score(new byte[1], -1));
    assertThrows(
        IllegalArgumentException.class, () -> q.scoreAll(new byte[3], 0, 4, new float[4], 0));
    assertThrows(
        IllegalArgumentException.class, () -> q.scoreAll(new byte[3], 0, 3, new float[2], 0));
  }
}
