package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.internal.form.AllocatedForm;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Allocated codebooks whose gain the encoder searches jointly with the directions (format version
 * 6): the rule, directions deeper than 8 bits, the file, the scores.
 */
class JointGainCodebookTest {
  private static final float[] GAIN = {0.5f, 0.62f, 0.75f, 0.87f, 1f, 1.15f, 1.32f, 1.6f};

  /** Power-law vectors each scaled by {@code exp(0.5 N(0, 1))}. */
  private static float[] spreadNorms(int count, int d, long seed) {
    return GainCodebookTest.spreadNorms(count, d, seed, 0.5);
  }

  private static Codebook plain(boolean structured, double rate, float[] x, int d)
      throws IOException {
    return GainCodebookTest.plain(structured, rate, x, d);
  }

  /** {@code plain}'s parts with {@link #GAIN}, picked after the directions (version 5). */
  private static Codebook after(Codebook plain) {
    return Codebook.allocated(
        plain.dimension(),
        plain.stageBits(),
        plain.mean(),
        ((AllocatedForm) plain.form()).bitScales(),
        basis(plain),
        GAIN,
        plain.info());
  }

  private static float[] basis(Codebook plain) {
    AllocatedForm form = (AllocatedForm) plain.form();
    if (form.structuredBasis()) {
      return null;
    }
    int d = plain.dimension();
    float[] basis = new float[form.directions() * d];
    for (int i = 0; i < form.directions(); i++) {
      System.arraycopy(form.rows()[i], 0, basis, i * d, d);
    }
    return basis;
  }

  /** {@code plain}'s parts with {@code scales}, gain levels {@code gain}, searched jointly. */
  private static Codebook joint(Codebook plain, int[] stageBits, float[] scales, float[] gain) {
    return Codebook.allocated(
        plain.dimension(), stageBits, plain.mean(), scales, basis(plain), gain, true, plain.info());
  }

  /**
   * {@code plain} with {@code extra} more bits on direction 0, one stage each, every scale half the
   * one before: its levels then split each level of the last stage evenly.
   */
  private static Codebook deeper(Codebook plain, int extra, float[] gain) {
    int[] stages = plain.stageBits();
    int[] more = Arrays.copyOf(stages, stages.length + extra);
    float[] scales = ((AllocatedForm) plain.form()).bitScales();
    float[] longer = Arrays.copyOf(scales, scales.length + extra);
    int firstOfLast = scales.length - stages[stages.length - 1];
    float c = scales[firstOfLast];
    for (int k = 0; k < extra; k++) {
      more[stages.length + k] = 1;
      c /= 2;
      longer[scales.length + k] = c;
    }
    return joint(plain, more, longer, gain);
  }

  private static double squaredError(float[] x, int v, float[] decoded, int d) {
    double e = 0;
    for (int t = 0; t < d; t++) {
      double r = (double) x[v * d + t] - decoded[v * d + t];
      e += r * r;
    }
    return e;
  }

  /**
   * Each code holds the gain level and direction bits that code its vector best: no level beats it
   * when its directions are coded by the nearest level of the projections divided by that level
   * (the same codebook with that level and one far too large, which no code takes), and it decodes
   * as that codebook decodes. Every level is used, and the joint codes beat the codes whose gain is
   * picked after the directions.
   */
  @ParameterizedTest(name = "structured = {0}, r = {1}, extra bits {2}")
  @CsvSource({"false, 0.5, 0", "true, 0.5, 0", "false, 2, 0", "true, 2.5, 0", "false, 3, 5"})
  void theCodeIsTheBestLevelWithItsBestBits(boolean structured, double rate, int extra)
      throws IOException {
    int d = 40;
    int count = 300;
    float[] x = spreadNorms(count, d, 11);
    Codebook plain = plain(structured, rate, x, d);
    Codebook cb =
        extra == 0
            ? joint(plain, plain.stageBits(), ((AllocatedForm) plain.form()).bitScales(), GAIN)
            : deeper(plain, extra, GAIN);
    assertTrue(cb.gainSearchedJointly());
    assertFalse(plain.gainSearchedJointly());
    assertEquals(plain.stageCount() + extra, cb.stageCount());
    float[] scales = ((AllocatedForm) cb.form()).bitScales();
    float[][] decodedBy = new float[GAIN.length][];
    for (int l = 0; l < GAIN.length; l++) {
      // a level far too large never codes best: the codes all take level l
      Codebook fixed = joint(plain, cb.stageBits(), scales, new float[] {GAIN[l], 1e6f});
      decodedBy[l] = TestData.decode(fixed, TestData.encode(fixed, x, count), count);
    }
    byte[] codes = TestData.encode(cb, x, count);
    float[] decoded = TestData.decode(cb, codes, count);
    int position = cb.bits() - cb.gainBits();
    int seen = 0;
    double total = 0;
    for (int v = 0; v < count; v++) {
      int index = 0;
      for (int j = 0; j < 3; j++) {
        index |= (SignCodes.sign(codes, v * cb.codeBytes(), position + j) > 0 ? 1 : 0) << j;
      }
      seen |= 1 << index;
      double mine = squaredError(x, v, decoded, d);
      total += mine;
      for (int l = 0; l < GAIN.length; l++) {
        double other = squaredError(x, v, decodedBy[l], d);
        assertTrue(
            mine <= other * (1 + 1e-4) + 1e-9,
            "vector " + v + ": level " + index + " gives " + mine + ", level " + l + " " + other);
      }
      for (int t = 0; t < d; t++) {
        float want = decodedBy[index][v * d + t];
        assertEquals(want, decoded[v * d + t], 1e-4 * (1 + Math.abs(want)), "vector " + v);
      }
    }
    assertEquals((1 << GAIN.length) - 1, seen, "levels used: " + Integer.toBinaryString(seen));
    Codebook after = after(plain);
    if (extra == 0) {
      float[] afterDecoded = TestData.decode(after, TestData.encode(after, x, count), count);
      double afterTotal = 0;
      for (int v = 0; v < count; v++) {
        afterTotal += squaredError(x, v, afterDecoded, d);
      }
      assertTrue(total <= afterTotal, total + " against " + afterTotal);
    }
    TestData.assertBatchesEqualOneAtATime(cb, x, count);

    // the scorers score the codes as they decode
    float[] q = TestData.powerLaw(1, d, 1, 12);
    CodeScorer.Query query = CodeScorer.of(cb).prepare(q);
    for (int v = 0; v < count; v++) {
      double dot = 0;
      for (int t = 0; t < d; t++) {
        dot += (double) q[t] * decoded[v * d + t];
      }
      assertEquals(dot, query.score(codes, v * cb.codeBytes()), 1e-4 * (1 + Math.abs(dot)));
    }
  }

  /**
   * With the greedy level search the joint rule is the same, each level's bits being the greedy
   * ones of {@code y_i / s_j}: every code is the best of the levels, decodes as the fixed-level
   * codebook's greedy codes, and a batch codes as one vector at a time.
   */
  @ParameterizedTest(name = "structured = {0}, r = {1}")
  @CsvSource({"false, 1.5", "true, 2"})
  void theGreedySearchKeepsTheBestLevel(boolean structured, double rate) throws IOException {
    int d = 32;
    int count = 200;
    float[] x = spreadNorms(count, d, 13);
    Codebook plain = plain(structured, rate, x, d);
    float[] scales = ((AllocatedForm) plain.form()).bitScales();
    Codebook cb = joint(plain, plain.stageBits(), scales, GAIN);
    float[] decoded = TestData.decode(cb, greedy(cb, x, count), count);
    float[][] decodedBy = new float[GAIN.length][];
    for (int l = 0; l < GAIN.length; l++) {
      Codebook fixed = joint(plain, plain.stageBits(), scales, new float[] {GAIN[l], 1e6f});
      decodedBy[l] = TestData.decode(fixed, greedy(fixed, x, count), count);
    }
    int seen = 0;
    for (int v = 0; v < count; v++) {
      double mine = squaredError(x, v, decoded, d);
      int same = -1;
      for (int l = 0; l < GAIN.length; l++) {
        double other = squaredError(x, v, decodedBy[l], d);
        assertTrue(mine <= other * (1 + 1e-4) + 1e-9, "vector " + v + ", level " + l);
        if (same < 0
            && Arrays.equals(
                Arrays.copyOfRange(decoded, v * d, (v + 1) * d),
                Arrays.copyOfRange(decodedBy[l], v * d, (v + 1) * d))) {
          same = l;
        }
      }
      assertTrue(same >= 0, "vector " + v + " decodes as no level's greedy codes");
      seen |= 1 << same;
    }
    assertTrue(Integer.bitCount(seen) >= 5, "levels used: " + Integer.toBinaryString(seen));
    byte[] together = greedy(cb, x, count);
    for (int v = 0; v < count; v++) {
      assertArrayEquals(
          Arrays.copyOfRange(together, v * cb.codeBytes(), (v + 1) * cb.codeBytes()),
          greedy(cb, Arrays.copyOfRange(x, v * d, (v + 1) * d), 1),
          "vector " + v);
    }
  }

  private static byte[] greedy(Codebook cb, float[] x, int count) {
    byte[] codes = new byte[count * cb.codeBytes()];
    SignEncoder.builder(cb).levelSearch(LevelSearch.GREEDY).build().encode(x, 0, codes, 0, count);
    return codes;
  }

  /**
   * A joint gain is written as version 6 and read back equal, with its codes; a direction may have
   * up to 16 bits there and at most 8 in versions 4 and 5, which the reader checks at the stage
   * count and the builder refuses.
   */
  @Test
  void theFileCarriesTheRuleAndTheDeepDirection() throws IOException {
    int d = 12;
    float[] x = spreadNorms(400, d, 31);
    Codebook plain = plain(false, 2, x, d);
    Codebook cb = deeper(plain, 16 - plain.stageCount(), GAIN);
    assertEquals(16, cb.stageCount());
    byte[] bytes = cb.toByteArray();
    assertEquals(cb.serializedSize(), bytes.length);
    assertEquals(6, bytes[8]);
    Codebook back = Codebook.read(new ByteArrayInputStream(bytes));
    assertEquals(cb, back);
    assertTrue(back.gainSearchedJointly());
    assertEquals(cb.fingerprint(), back.fingerprint());
    assertArrayEquals(TestData.encode(cb, x, 400), TestData.encode(back, x, 400));

    Codebook shallowJoint =
        joint(plain, plain.stageBits(), ((AllocatedForm) plain.form()).bitScales(), GAIN);
    Codebook shallowAfter = after(plain);
    assertEquals(6, shallowJoint.toByteArray()[8]);
    assertEquals(5, shallowAfter.toByteArray()[8]);
    assertTrue(shallowJoint.fingerprint() != shallowAfter.fingerprint());
    assertFalse(shallowJoint.equals(shallowAfter));

    byte[] asFive = bytes.clone();
    asFive[8] = 5;
    MalformedInputException five =
        assertThrows(
            MalformedInputException.class,
            () -> Codebook.read(new ByteArrayInputStream(FuzzChecksums.codebook(asFive))));
    assertEquals(10, five.offset());
    assertTrue(
        five.getMessage()
            .startsWith(
                "codebook stage count 16 out of range 1..8 for the allocated form in format"
                    + " version 5"),
        five.getMessage());
    byte[] seventeen = bytes.clone();
    seventeen[10] = 17;
    MalformedInputException deep =
        assertThrows(
            MalformedInputException.class,
            () -> Codebook.read(new ByteArrayInputStream(FuzzChecksums.codebook(seventeen))));
    assertEquals(10, deep.offset());

    int[] nine = Arrays.copyOf(plain.stageBits(), 9);
    for (int k = plain.stageCount(); k < 9; k++) {
      nine[k] = 1;
    }
    float[] nineScales =
        Arrays.copyOf(
            ((AllocatedForm) plain.form()).bitScales(), plain.bits() + 9 - plain.stageCount());
    Arrays.fill(nineScales, plain.bits(), nineScales.length, 1e-3f);
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Codebook.allocated(
                    d, nine, plain.mean(), nineScales, basis(plain), GAIN, plain.info()));
    assertTrue(
        refused.getMessage().contains("without a jointly searched gain"), refused.getMessage());
    IllegalArgumentException noLevels =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Codebook.allocated(
                    d,
                    plain.stageBits(),
                    plain.mean(),
                    ((AllocatedForm) plain.form()).bitScales(),
                    basis(plain),
                    null,
                    true,
                    plain.info()));
    assertEquals("a jointly searched gain needs gain levels", noLevels.getMessage());
  }
}
