package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * Packed codes give back their codes, and quantized queries score them within their bound of the
 * exact tables and rank them as the tables do. Tagged "kernels": it runs again at each vector width
 * and on the scalar kernels.
 */
@org.junit.jupiter.api.Tag("kernels")
class PackedCodesTest {

  /**
   * Every form of codebook, codes of 3 to 200 bytes (past 128, the 16-bit sums are emptied
   * mid-block): each packed score lies within {@link CodeScorer.QuantizedQuery#packedMaxError} of
   * the exact one (up to float rounding), the typical error is below the bound by a factor of
   * √(code bytes) or more, and a range starting and ending inside blocks scores as the whole.
   */
  @ParameterizedTest
  @CsvSource({
    "plain,96,2",
    "plain,65,4",
    "plain,400,4",
    "plain,200,1",
    "gain,160,1",
    "gain,65,3",
    "structured,256,1",
    "structured,100,2",
    "signs,200,1",
    "isotropic,256,0.75",
    "isotropic,24,1"
  })
  void scoresWithinTheBoundOfTheExactOnes(String form, int d, double rate) throws IOException {
    Codebook cb = QuantizedQueryTest.codebook(form, d, rate, TestData.powerLaw(3_000, d, 1, d));
    int count = 403; // a partial last block
    byte[] codes = TestData.encode(cb, TestData.powerLaw(count, d, 1, 7), count);
    PackedCodes packed = PackedCodes.of(cb, codes, 0, count);
    float[] queries = TestData.powerLaw(4, d, 1, 8);
    CodeScorer scorer = CodeScorer.of(cb);
    float[] exact = new float[count];
    float[] quantized = new float[count + 2];
    float[] part = new float[count];
    for (int q = 0; q < 4; q++) {
      float[] query = Arrays.copyOfRange(queries, q * d, (q + 1) * d);
      scorer.prepare(query).scoreAll(codes, 0, count, exact, 0);
      CodeScorer.QuantizedQuery quantizedQuery = scorer.prepareQuantized(query);
      quantizedQuery.scoreAll(packed, 0, count, quantized, 2);
      double bound = quantizedQuery.packedMaxError();
      assertTrue(bound > 0, "a bound of 0 for " + form);
      double errors = 0;
      double rounding = 0;
      for (int v = 0; v < count; v++) {
        double error = Math.abs(quantized[2 + v] - exact[v]);
        double slack = 1e-5 * (1 + Math.abs(exact[v])); // two float sums, in different orders
        assertTrue(
            error <= bound + slack,
            form + ": query " + q + " code " + v + " off by " + error + ", bound " + bound);
        errors += error;
        rounding += slack;
      }
      // independent roundings of either sign: a typical sum grows as √(2·code bytes), the bound as
      // code bytes
      assertTrue(
          errors < 2 * count * bound / Math.sqrt(cb.codeBytes()) + rounding,
          form + ": mean error " + errors / count + ", bound " + bound);
      quantizedQuery.scoreAll(packed, 45, 300, part, 1);
      assertArrayEquals(
          Arrays.copyOfRange(quantized, 2 + 45, 2 + 345), Arrays.copyOfRange(part, 1, 301));
    }
  }

  /**
   * On codes of a trained codebook at 1, 2 and 4 bits per coordinate, the packed scores' top 10 of
   * 3 000 codes holds at least 9.2 of the exact top 10 on average (9.28 to 10 measured; the least
   * at r = 4, whose jointly searched gain spreads more widely than a gain picked after the
   * directions, and multiplies each code's rounding error), and the exact top 10 lie within their
   * top 40 for every query: an oversample of 4 finds them all.
   */
  @ParameterizedTest
  @CsvSource({"256,1", "128,2", "96,4"})
  void ranksCodesAsTheExactScoresDo(int d, double rate) throws IOException {
    int found =
        QuantizedQueryTest.exactTop10Found(
            d,
            rate,
            (scorer, query, codes, count, out) ->
                scorer
                    .prepareQuantized(query)
                    .scoreAll(
                        PackedCodes.of(scorer.codebook(), codes, 0, count), 0, count, out, 0));
    assertTrue(found >= 9.2 * 40, "found " + found + " of " + 10 * 40);
  }

  @Test
  void packedCodesGiveBackTheirCodes() throws IOException {
    int d = 40;
    Codebook cb = QuantizedQueryTest.codebook("gain", d, 2, TestData.powerLaw(1_000, d, 1, 3));
    int count = 70;
    byte[] codes = TestData.encode(cb, TestData.powerLaw(count, d, 1, 4), count);
    byte[] withOffset = new byte[3 + codes.length];
    System.arraycopy(codes, 0, withOffset, 3, codes.length);
    PackedCodes packed = PackedCodes.of(cb, withOffset, 3, count);
    assertEquals(count, packed.size());
    assertEquals(cb, packed.codebook());
    byte[] code = new byte[cb.codeBytes() + 1];
    for (int i = 0; i < count; i++) {
      packed.code(i, code, 1);
      assertArrayEquals(
          Arrays.copyOfRange(codes, i * cb.codeBytes(), (i + 1) * cb.codeBytes()),
          Arrays.copyOfRange(code, 1, code.length),
          "code " + i);
    }
    assertEquals(0, PackedCodes.of(cb, codes, 0, 0).size());
  }

  @Test
  void aZeroQueryScoresTheConstant() throws IOException {
    int d = 16;
    Codebook cb = QuantizedQueryTest.codebook("plain", d, 1, TestData.powerLaw(500, d, 1, 3));
    byte[] codes = TestData.encode(cb, TestData.powerLaw(3, d, 1, 4), 3);
    CodeScorer.QuantizedQuery q = CodeScorer.of(cb).prepareQuantized(new float[d]);
    assertEquals(0, q.packedMaxError());
    float[] scores = new float[3];
    q.scoreAll(PackedCodes.of(cb, codes, 0, 3), 0, 3, scores, 0);
    assertArrayEquals(new float[3], scores);
  }

  @Test
  void badCodesAndRangesAreRejected() throws IOException {
    Codebook cb = CodebookTrainer.builder().bits(5).build().isotropic(4);
    Codebook other = CodebookTrainer.builder().bits(5).seed(2).build().isotropic(4);
    PackedCodes packed = PackedCodes.of(cb, new byte[4], 0, 4);
    CodeScorer.QuantizedQuery q = CodeScorer.of(other).prepareQuantized(new float[] {1, 0, 0, 0});
    String message =
        assertThrows(
                IllegalArgumentException.class, () -> q.scoreAll(packed, 0, 4, new float[4], 0))
            .getMessage();
    assertTrue(message.contains(cb.fingerprintHex()), message);
    assertTrue(message.contains(other.fingerprintHex()), message);
    CodeScorer.QuantizedQuery own = CodeScorer.of(cb).prepareQuantized(new float[] {1, 0, 0, 0});
    assertThrows(IllegalArgumentException.class, () -> own.scoreAll(packed, 1, 4, new float[4], 0));
    assertThrows(
        IllegalArgumentException.class, () -> own.scoreAll(packed, -1, 2, new float[4], 0));
    assertThrows(IllegalArgumentException.class, () -> own.scoreAll(packed, 0, 4, new float[3], 0));
    assertThrows(IllegalArgumentException.class, () -> PackedCodes.of(cb, new byte[3], 0, 4));
    assertThrows(IllegalArgumentException.class, () -> PackedCodes.of(cb, new byte[4], 1, 4));
    assertThrows(IndexOutOfBoundsException.class, () -> packed.code(4, new byte[1], 0));
    assertThrows(IllegalArgumentException.class, () -> packed.code(0, new byte[1], 1));
  }
}
