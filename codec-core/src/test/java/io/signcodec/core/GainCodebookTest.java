package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.internal.form.AllocatedForm;
import io.signcodec.core.train.CodebookTrainer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The per-vector gain of allocated codebooks: the code, the decoder, the scorer, the file and the
 * trainer's choice.
 */
class GainCodebookTest {
  private static final float[] GAIN = {0.55f, 0.7f, 0.8f, 0.9f, 1f, 1.1f, 1.25f, 1.5f};

  /** Power-law vectors whose norms vary: each scaled by a log-normal factor. */
  private static float[] spreadNorms(int count, int d, long seed) {
    return spreadNorms(count, d, seed, 0.4);
  }

  /** Power-law vectors each scaled by {@code exp(σ N(0, 1))}. */
  static float[] spreadNorms(int count, int d, long seed, double sigma) {
    float[] x = TestData.powerLaw(count, d, 1, seed);
    Random random = new Random(seed + 1);
    for (int v = 0; v < count; v++) {
      float f = (float) Math.exp(sigma * random.nextGaussian());
      for (int t = 0; t < d; t++) {
        x[v * d + t] *= f;
      }
    }
    return x;
  }

  /** {@code plain}'s parts with {@link #GAIN}'s levels after its directions' bits. */
  private static Codebook withGain(Codebook plain) {
    AllocatedForm form = (AllocatedForm) plain.form();
    float[] basis = null;
    if (!form.structuredBasis()) {
      int d = plain.dimension();
      basis = new float[form.directions() * d];
      for (int i = 0; i < form.directions(); i++) {
        System.arraycopy(form.rows()[i], 0, basis, i * d, d);
      }
    }
    return Codebook.allocated(
        plain.dimension(),
        plain.stageBits(),
        plain.mean(),
        form.bitScales(),
        basis,
        GAIN,
        plain.info());
  }

  static Codebook plain(boolean structured, double rate, float[] x, int d) throws IOException {
    CodebookTrainer.Builder b = CodebookTrainer.builder().rate(rate).seed(3);
    VectorSource source = VectorSource.of(x, d);
    return structured
        ? b.structured().build().trainIsotropic(source)
        : b.gainBits(0).build().train(source);
  }

  /**
   * A code with a gain holds the codebook's direction bits unchanged, then the index of the level
   * nearest to the least-squares gain, which no other level beats in squared error; it decodes as
   * {@code μ + ŝ (x̂ − μ)}, x̂ the decoding without the gain.
   */
  @ParameterizedTest(name = "structured = {0}, r = {1}")
  @CsvSource({"false, 0.5", "true, 0.5", "false, 1.6", "true, 1", "false, 3", "true, 2.5"})
  void theGainScalesTheDirectionsByTheBestLevel(boolean structured, double rate)
      throws IOException {
    int d = 40;
    int count = 300;
    float[] x = spreadNorms(count, d, 11);
    Codebook plain = plain(structured, rate, x, d);
    Codebook cb = withGain(plain);
    assertEquals(plain.bits() + 3, cb.bits());
    assertEquals(3, cb.gainBits());
    assertArrayEquals(GAIN, cb.gainLevels());
    assertEquals(0, plain.gainBits());
    assertNull(plain.gainLevels());
    int position = plain.bits();
    byte[] plainCodes = TestData.encode(plain, x, count);
    float[] plainDecoded = TestData.decode(plain, plainCodes, count);
    float[] mu = cb.mean();
    for (LevelSearch search : LevelSearch.values()) {
      byte[] codes = new byte[count * cb.codeBytes()];
      SignEncoder.builder(cb).levelSearch(search).build().encode(x, 0, codes, 0, count);
      byte[] plainSearch = new byte[count * plain.codeBytes()];
      SignEncoder.builder(plain).levelSearch(search).build().encode(x, 0, plainSearch, 0, count);
      float[] reference = TestData.decode(plain, plainSearch, count);
      float[] decoded = TestData.decode(cb, codes, count);
      int seen = 0;
      for (int v = 0; v < count; v++) {
        int at = v * cb.codeBytes();
        for (int j = 0; j < position; j++) {
          assertEquals(
              SignCodes.sign(plainSearch, v * plain.codeBytes(), j),
              SignCodes.sign(codes, at, j),
              search + ": vector " + v + ", bit " + j);
        }
        int index = 0;
        for (int j = 0; j < 3; j++) {
          index |= (SignCodes.sign(codes, at, position + j) > 0 ? 1 : 0) << j;
        }
        seen |= 1 << index;
        double[] errors = new double[GAIN.length];
        for (int l = 0; l < GAIN.length; l++) {
          for (int t = 0; t < d; t++) {
            double e = x[v * d + t] - (mu[t] + GAIN[l] * ((double) reference[v * d + t] - mu[t]));
            errors[l] += e * e;
          }
        }
        double best = Arrays.stream(errors).min().orElseThrow();
        assertTrue(
            errors[index] <= best * (1 + 1e-4) + 1e-9,
            search + ": vector " + v + " took level " + index + ", " + Arrays.toString(errors));
        for (int t = 0; t < d; t++) {
          double want = mu[t] + GAIN[index] * ((double) reference[v * d + t] - mu[t]);
          assertEquals(want, decoded[v * d + t], 1e-5 * (1 + Math.abs(want)), "vector " + v);
        }
      }
      assertTrue(Integer.bitCount(seen) >= 4, "levels used: " + Integer.toBinaryString(seen));
    }
    assertArrayEquals(
        plainDecoded, TestData.decode(plain, plainCodes, count), "the plain codebook is untouched");
    TestData.assertBatchesEqualOneAtATime(cb, x, count);
  }

  /**
   * Scores on codes with a gain are {@code ⟨q, x̂⟩}, the same floats by every path: one query, a
   * batch of queries (tiles of eight, and a partial one), the search.
   */
  @ParameterizedTest(name = "structured = {0}")
  @CsvSource({"false", "true"})
  void everyScorerGivesTheDecodedInnerProduct(boolean structured) throws IOException {
    int d = 40;
    int count = 500;
    float[] x = spreadNorms(count, d, 21);
    Codebook cb = withGain(plain(structured, 1.3, x, d));
    byte[] codes = TestData.encode(cb, x, count);
    float[] decoded = TestData.decode(cb, codes, count);
    int queries = 11;
    float[] q = TestData.powerLaw(queries, d, 1, 22);
    CodeScorer scorer = CodeScorer.of(cb);
    CodeScorer.Queries together = scorer.prepareAll(q, 0, queries);
    float[][] all = new float[queries][count];
    together.scoreAll(codes, 0, count, all, 0);
    CodeSearch.Hits[] hits = CodeSearch.search(cb, q, 5, codes, 0, count);
    for (int k = 0; k < queries; k++) {
      CodeScorer.Query one = scorer.prepare(Arrays.copyOfRange(q, k * d, (k + 1) * d));
      float[] row = new float[count];
      one.scoreAll(codes, 0, count, row, 0);
      for (int v = 0; v < count; v++) {
        float s = one.score(codes, v * cb.codeBytes());
        double dot = 0;
        for (int t = 0; t < d; t++) {
          dot += (double) q[k * d + t] * decoded[v * d + t];
        }
        assertEquals(dot, s, 1e-4 * (1 + Math.abs(dot)), "query " + k + ", code " + v);
        assertEquals(s, row[v], "scoreAll, query " + k + ", code " + v);
        assertEquals(s, all[k][v], "prepareAll, query " + k + ", code " + v);
      }
      Integer[] order = new Integer[count];
      for (int v = 0; v < count; v++) {
        order[v] = v;
      }
      Arrays.sort(
          order,
          (a, b) -> Float.compare(row[b], row[a]) != 0 ? Float.compare(row[b], row[a]) : a - b);
      for (int r = 0; r < 5; r++) {
        assertEquals(order[r], (int) hits[k].id(r), "query " + k + ", rank " + r);
        assertEquals(row[order[r]], hits[k].score(r));
      }
    }
  }

  /**
   * A codebook with a gain is written as version 5 (the gain's bits in byte 1 of the basis word,
   * its levels after the scales) and read back equal; one without is version 4 as before. What
   * sizes the body, the gain's bits, is checked before the checksum; bad levels after it.
   */
  @ParameterizedTest(name = "structured = {0}")
  @CsvSource({"false", "true"})
  void theFileCarriesTheGain(boolean structured) throws IOException {
    int d = 12;
    float[] x = spreadNorms(400, d, 31);
    Codebook plain = plain(structured, 2, x, d);
    Codebook cb = withGain(plain);
    assertEquals(4, plain.toByteArray()[8]);
    byte[] bytes = cb.toByteArray();
    assertEquals(cb.serializedSize(), bytes.length);
    assertEquals(5, bytes[8]);
    assertEquals(cb.bits(), ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(16));
    Codebook back = Codebook.read(new ByteArrayInputStream(bytes));
    assertEquals(cb, back);
    assertEquals(cb.fingerprint(), back.fingerprint());
    assertTrue(cb.fingerprint() != plain.fingerprint());
    assertArrayEquals(TestData.encode(cb, x, 400), TestData.encode(back, x, 400));

    int gainByte = 60 + 4 * cb.stageCount() + 1;
    byte[] tooMany = bytes.clone();
    tooMany[gainByte] = 9;
    MalformedInputException many =
        assertThrows(
            MalformedInputException.class,
            () -> Codebook.read(new ByteArrayInputStream(FuzzChecksums.codebook(tooMany))));
    assertEquals(gainByte, many.offset());
    assertTrue(many.getMessage().startsWith("codebook gain has 9 bits"), many.getMessage());

    byte[] asFour = bytes.clone();
    asFour[8] = 4; // read as version 4, the body ends before the levels: its checksum fails
    assertThrows(
        ChecksumMismatchException.class,
        () -> Codebook.read(new ByteArrayInputStream(FuzzChecksums.codebook(asFour))));

    // level 5 set to level 4's: not increasing, named at its offset
    int scales = cb.bits() - 3;
    int levels =
        60
            + 4 * cb.stageCount()
            + 4
            + (structured ? 4 : 4 * ((AllocatedForm) cb.form()).directions() * d)
            + 4 * scales;
    byte[] flat = bytes.clone();
    System.arraycopy(flat, levels + 16, flat, levels + 20, 4);
    MalformedInputException order =
        assertThrows(
            MalformedInputException.class,
            () -> Codebook.read(new ByteArrayInputStream(FuzzChecksums.codebook(flat))));
    assertEquals(levels + 20, order.offset());
    assertEquals(
        "codebook gain level 5 (1.0) is not above the one before it (at byte offset "
            + (levels + 20)
            + ")",
        order.getMessage());
  }

  @Test
  void badGainsAreRefused() throws IOException {
    int d = 12;
    Codebook plain = plain(false, 1, spreadNorms(200, d, 41), d);
    AllocatedForm form = (AllocatedForm) plain.form();
    float[] basis = new float[form.directions() * d];
    for (int i = 0; i < form.directions(); i++) {
      System.arraycopy(form.rows()[i], 0, basis, i * d, d);
    }
    for (float[] gain :
        new float[][] {
          {1f}, {1f, 2f, 3f}, {1f, 1f}, {2f, 1f}, {0f, 1f}, {1f, Float.POSITIVE_INFINITY}
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  Codebook.allocated(
                      d,
                      plain.stageBits(),
                      plain.mean(),
                      form.bitScales(),
                      basis,
                      gain,
                      plain.info()),
              Arrays.toString(gain));
      assertTrue(e.getMessage().startsWith("gain level"), e.getMessage());
    }
    assertThrows(
        IllegalArgumentException.class, () -> CodebookTrainer.builder().rate(1).gainBits(9));
    assertThrows(
        IllegalStateException.class,
        () -> CodebookTrainer.builder().rate(1).shallow().gainBits(4).build());
    assertThrows(
        IllegalStateException.class,
        () -> CodebookTrainer.builder().rate(1).gainBits(4).build().isotropic(d));
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CodebookTrainer.builder()
                    .bits(4)
                    .gainBits(4)
                    .build()
                    .train(VectorSource.of(spreadNorms(100, d, 42), d)));
    assertEquals("gainBits 4 leaves none of the 4 bits for the directions", none.getMessage());
  }

  /**
   * The trainer fits the gain's levels at equal bits per vector and reports the error it measured;
   * asked to decide, it takes the gain where vectors' norms vary and not on isotropic Gaussian
   * data.
   */
  @Test
  void theTrainerFitsTheGainAndDecidesByMeasurement() throws IOException {
    int d = 32;
    float[] spread = spreadNorms(4_000, d, 51, 0.8);
    Codebook fixed =
        CodebookTrainer.builder().bits(48).gainBits(4).build().train(VectorSource.of(spread, d));
    assertEquals(48, fixed.bits());
    assertEquals(4, fixed.gainBits());
    assertEquals(16, fixed.gainLevels().length);
    assertEquals(fixed.info().trainNmse(), TestData.nmse(fixed, spread), 1e-3);
    Codebook none =
        CodebookTrainer.builder().bits(48).gainBits(0).build().train(VectorSource.of(spread, d));
    assertEquals(0, none.gainBits());
    Codebook auto = CodebookTrainer.builder().bits(48).build().train(VectorSource.of(spread, d));
    assertEquals(4, auto.gainBits(), "norms vary");
    assertTrue(TestData.nmse(auto, spread) < TestData.nmse(none, spread));

    int wide = 256; // norms concentrate as d grows: their relative spread is about 1/√(2d)
    float[] gaussian = TestData.isotropic(3_000, wide, 52);
    Codebook flat =
        CodebookTrainer.builder().bits(wide).build().train(VectorSource.of(gaussian, wide));
    assertEquals(0, flat.gainBits(), "norms concentrate");
  }

  /**
   * A container stream of codes with a gain reads back as the decoder decodes them, at every rate
   * where the gain's bits fall at a different place in the last byte, on both bases.
   */
  @ParameterizedTest(name = "structured = {0}, r = {1}")
  @CsvSource({"false, 0.5", "true, 0.5", "false, 1.3", "true, 1", "false, 2.5", "true, 4"})
  void aStreamOfGainCodesReadsBack(boolean structured, double rate) throws IOException {
    int d = 20;
    int count = 75;
    float[] x = spreadNorms(count, d, 71);
    Codebook cb = withGain(plain(structured, rate, x, d));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (io.signcodec.core.stream.SignStreamWriter w =
        new io.signcodec.core.stream.SignStreamWriter(bytes, cb, 16)) {
      w.write(x, 0, count);
    }
    float[] read = new float[count * d];
    try (io.signcodec.core.stream.SignStreamReader r =
        new io.signcodec.core.stream.SignStreamReader(
            new ByteArrayInputStream(bytes.toByteArray()), cb)) {
      int n = 0;
      while (n < count) {
        int got = r.read(read, n * d, count - n);
        assertTrue(got > 0, "ended after " + n);
        n += got;
      }
      assertTrue(r.read(new float[d], 0, 1) <= 0);
    }
    assertArrayEquals(TestData.decode(cb, TestData.encode(cb, x, count), count), read);
  }
}
