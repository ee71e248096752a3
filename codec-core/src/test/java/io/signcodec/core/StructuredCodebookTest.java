package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.internal.form.StructuredForm;
import io.signcodec.core.internal.form.StructuredTransform;
import io.signcodec.core.train.CodebookTrainer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Structured codebooks: randomized fast orthogonal transforms stored as a seed. */
@org.junit.jupiter.api.Tag("kernels")
class StructuredCodebookTest {

  static Codebook structured(int d, double rate) {
    return CodebookTrainer.builder().rate(rate).staged().seed(7).structured().build().isotropic(d);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 64, 100, 384, 768})
  void theTransformIsOrthogonal(int d) {
    Codebook cb = structured(d, 1);
    assertTrue(cb.isStructured());
    float[] b = cb.encoder();
    for (int i = 0; i < d; i += Math.max(1, d / 40)) {
      for (int j = 0; j < d; j += Math.max(1, d / 50)) {
        double dot = 0;
        for (int k = 0; k < d; k++) {
          dot += (double) b[i * d + k] * b[j * d + k];
        }
        assertEquals(i == j ? 1 : 0, dot, 1e-5, "rows " + i + ", " + j + " of d = " + d);
      }
    }
  }

  @Test
  void itMixesEveryCoordinate() {
    // No row of Q may leave a coordinate nearly untouched, or it would not spread energy.
    int d = 384;
    float[] b = structured(d, 1).encoder();
    double maxEntry = 0;
    for (float v : b) {
      maxEntry = Math.max(maxEntry, Math.abs(v));
    }
    assertTrue(maxEntry < 0.35, "largest |Q_ij| " + maxEntry + " (a rotation of d = 384)");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.25, 0.5, 1, 2, 3})
  void matchesTheDenseDataFreeFormWithinOnePercent(double rate) {
    int d = 384;
    float[] test = TestData.isotropic(5_000, d, 5);
    double fast = TestData.nmse(structured(d, rate), test);
    double dense =
        TestData.nmse(
            CodebookTrainer.builder().rate(rate).staged().seed(7).build().isotropic(d), test);
    assertEquals(dense, fast, 0.01 * dense, "r = " + rate);
    if (rate <= 1) {
      assertEquals(DistortionBounds.signAutoencoderLimit(rate), fast, 0.01 * fast);
    }
  }

  @Test
  void encodingAndDecodingAgreeWithTheDenseMatrices() {
    int d = 100;
    Codebook cb =
        CodebookTrainer.builder().stages(0.37, 1, 0.5).seed(3).structured().build().isotropic(d);
    assertArrayEquals(new int[] {37, 100, 50}, cb.stageBits());
    Codebook dense =
        Codebook.of(d, cb.stageBits(), cb.mean(), cb.encoder(), cb.decoder(), cb.info());
    float[] x = TestData.isotropic(500, d, 9);
    byte[] fast = new byte[500 * cb.codeBytes()];
    byte[] slow = new byte[fast.length];
    SignEncoder.of(cb).encode(x, 0, fast, 0, 500);
    SignEncoder.of(dense).encode(x, 0, slow, 0, 500);
    int differing = 0;
    for (int i = 0; i < fast.length; i++) {
      differing += Integer.bitCount((fast[i] ^ slow[i]) & 0xFF);
    }
    // Different float summation orders may flip a projection within rounding of zero, and a flip
    // in one stage changes the residual the next stage sees: allow a handful in 500 × 187 bits.
    assertTrue(differing <= 5, differing + " bits differ");
    float[] a = new float[500 * d];
    float[] bb = new float[500 * d];
    LinearDecoder.of(cb).decode(fast, 0, a, 0, 500);
    LinearDecoder.of(dense).decode(fast, 0, bb, 0, 500);
    for (int i = 0; i < a.length; i++) {
      assertEquals(bb[i], a[i], 1e-4);
    }
    byte[] single = new byte[cb.codeBytes()];
    SignEncoder.builder(cb).parallel(false).build().encode(x, 7 * d, single, 0);
    assertArrayEquals(
        java.util.Arrays.copyOfRange(fast, 7 * cb.codeBytes(), 8 * cb.codeBytes()), single);
    CodeScorerTest.check(cb, x, TestData.isotropic(3, d, 10));
  }

  /** Batches run 16 vectors at a time lane-interleaved; each must see the per-vector arithmetic. */
  @ParameterizedTest
  @ValueSource(ints = {1, 15, 16, 17, 100})
  void batchesAreBitIdenticalToOneVectorAtATime(int count) {
    // blocks of 64, 128 and 256: six, seven and eight Hadamard levels, by threes and a rest;
    // d = 1..5: none, one or two levels; 64: one block; one stage, and two
    for (int d : new int[] {1, 2, 3, 5, 64, 100, 200, 300}) {
      batchIsBitIdentical(count, d, CodebookTrainer.builder().rate(1).staged());
      batchIsBitIdentical(count, d, CodebookTrainer.builder().stages(1, 0.63));
    }
  }

  private static void batchIsBitIdentical(int count, int d, CodebookTrainer.Builder form) {
    Codebook cb = form.seed(5).structured().build().isotropic(d);
    StructuredTransform t = ((StructuredForm) cb.form()).transform();
    float[] x = TestData.isotropic(count, d, 13);
    float[] mean = cb.meanArray();
    byte[] codes = new byte[count * cb.codeBytes()];
    SignEncoder.builder(cb).parallel(false).build().encode(x, 0, codes, 0, count);
    float[] decoded = new float[count * d];
    LinearDecoder.builder(cb).parallel(false).build().decode(codes, 0, decoded, 0, count);
    float[] p = new float[cb.bits()];
    float[] out = new float[d];
    byte[] one = new byte[cb.codeBytes()];
    for (int i = 0; i < count; i++) {
      t.project(x, i * d, mean, p, new float[d], new float[d]);
      java.util.Arrays.fill(one, (byte) 0);
      SignCodes.pack(p, 0, cb.bits(), one, 0);
      assertArrayEquals(
          one,
          java.util.Arrays.copyOfRange(codes, i * cb.codeBytes(), (i + 1) * cb.codeBytes()),
          "code of vector " + i);
      t.reconstruct(codes, i * cb.codeBytes(), mean, out, 0, new float[d]);
      for (int k = 0; k < d; k++) {
        assertEquals(
            Float.floatToIntBits(out[k]),
            Float.floatToIntBits(decoded[i * d + k]),
            "vector " + i + " coordinate " + k);
      }
    }
  }

  @Test
  void theFileHoldsASeedNotMatrices() throws IOException {
    Codebook cb =
        CodebookTrainer.builder().rate(2).staged().seed(11).structured().build().isotropic(768);
    byte[] bytes = cb.toByteArray();
    assertEquals(56 + 4 + 4 + 12 * 2 + 4 * 768 + 4, bytes.length);
    assertEquals(4, bytes[8]);
    assertEquals(1, bytes[21]); // structured form
    Codebook back = Codebook.read(new ByteArrayInputStream(bytes));
    assertEquals(cb, back);
    assertTrue(back.isStructured());
    float[] x = TestData.isotropic(50, 768, 12);
    assertArrayEquals(TestData.encode(cb, x, 50), TestData.encode(back, x, 50));
    for (int len = 0; len < bytes.length; len += 13) {
      byte[] cut = java.util.Arrays.copyOf(bytes, len);
      assertThrows(
          TruncatedInputException.class, () -> Codebook.read(new ByteArrayInputStream(cut)));
    }
    Random random = new Random(2);
    for (int trial = 0; trial < 300; trial++) {
      byte[] bad = bytes.clone();
      bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
      assertThrows(
          MalformedInputException.class, () -> Codebook.read(new ByteArrayInputStream(bad)));
    }
  }

  @Test
  void trainIsotropicFitsMeanAndScale() throws IOException {
    int d = 64;
    float[] x = TestData.powerLaw(4_000, d, 0, 13); // k^0: isotropic with mean 0.5
    Codebook cb =
        CodebookTrainer.builder()
            .rate(1)
            .staged()
            .structured()
            .build()
            .trainIsotropic(VectorSource.of(x, d));
    assertTrue(cb.isStructured());
    assertEquals(DistortionBounds.signAutoencoderLimit(1), cb.info().trainNmse(), 0.03);
    assertEquals(0.5f, cb.mean()[3], 0.1f);
  }

  @Test
  void stagesWiderThanDAreRefused() {
    assertThrows(
        IllegalStateException.class,
        () -> CodebookTrainer.builder().rate(1.5).shallow().structured().build().isotropic(10));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Codebook.structured(
                4,
                new int[] {5},
                new float[4],
                new double[] {1},
                new CodebookInfo(CodebookInfo.Method.ISOTROPIC, 0, 0, Double.NaN, Double.NaN)));
  }
}
