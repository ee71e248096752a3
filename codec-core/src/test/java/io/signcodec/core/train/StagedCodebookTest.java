package io.signcodec.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.core.CodebookInfo;
import io.signcodec.core.DistortionBounds;
import io.signcodec.core.SignCodes;
import io.signcodec.core.TestData;
import io.signcodec.core.VectorSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Residual stages (docs/THEORY.md §5): beyond the shallow limit, with a decoder that stays linear.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StagedCodebookTest {
  private static final int D = 512;
  private final float[] train = TestData.isotropic(16_000, D, 51);
  private final float[] test = TestData.isotropic(4_000, D, 52);

  @Test
  void twoBitsPerCoordinateInStagesBeatTheShallowLimit() throws IOException {
    Codebook cb =
        CodebookTrainer.builder().rate(2).staged().seed(3).build().train(VectorSource.of(train, D));
    assertArrayEquals(new int[] {D, D}, cb.stageBits());
    double nmse = TestData.nmse(cb, test);
    assertTrue(
        nmse <= 0.14,
        "r = 2 staged NMSE "
            + nmse
            + " (shallow limit "
            + DistortionBounds.signAutoencoderLimit(2)
            + ")");
    assertEquals(nmse, cb.info().trainNmse(), 0.05 * nmse);
    assertTrue(Double.isNaN(cb.info().predictedNmse()), "no Gaussian prediction for stages");
    double[] identity = new double[D * D];
    for (int k = 0; k < D; k++) {
      identity[k * D + k] = 1;
    }
    assertTrue(Double.isNaN(DistortionBounds.predictedNmse(cb, identity)));
  }

  @Test
  void threeBitsPerCoordinate() throws IOException {
    Codebook trained =
        CodebookTrainer.builder()
            .rate(3)
            .staged()
            .seed(4)
            .maxSteps(60)
            .build()
            .train(VectorSource.of(train, D));
    double nmse = TestData.nmse(trained, test);
    assertTrue(nmse <= 0.055, "r = 3 staged NMSE " + nmse);
    Codebook dataFree = CodebookTrainer.builder().rate(3).staged().seed(4).build().isotropic(D);
    assertArrayEquals(new int[] {D, D, D}, dataFree.stageBits());
    double free = TestData.nmse(dataFree, test);
    assertTrue(free <= 0.055, "r = 3 data-free staged NMSE " + free);
  }

  @Test
  void defaultSplitsAndExplicitOnes() {
    assertArrayEquals(new int[] {100}, CodebookTrainer.builder().rate(1).build().stageBitsFor(100));
    assertArrayEquals(
        new int[] {100, 50}, CodebookTrainer.builder().rate(1.5).build().stageBitsFor(100));
    assertArrayEquals(
        new int[] {100, 100, 50}, CodebookTrainer.builder().rate(2.5).build().stageBitsFor(100));
    assertArrayEquals(
        new int[] {150}, CodebookTrainer.builder().rate(1.5).shallow().build().stageBitsFor(100));
    assertArrayEquals(
        new int[] {50, 150, 25},
        CodebookTrainer.builder().stages(0.5, 1.5, 0.25).build().stageBitsFor(100));
    assertArrayEquals(
        new int[] {100, 30}, CodebookTrainer.builder().bits(130).build().stageBitsFor(100));
    assertEquals(230, CodebookTrainer.builder().bits(230).build().bitsFor(100));
    assertThrows(
        IllegalStateException.class,
        () -> CodebookTrainer.builder().stages(1, 1).shallow().build());
  }

  /** A small three-stage codebook with uneven stages, for the exact checks. */
  static Codebook small() throws IOException {
    int d = 20;
    float[] x = TestData.powerLaw(3_000, d, 1, 61);
    return CodebookTrainer.builder()
        .stages(0.45, 1, 0.3)
        .seed(2)
        .maxSteps(40)
        .build()
        .train(VectorSource.of(x, d));
  }

  @Test
  void encodingFollowsTheDefinitionStageByStage() throws IOException {
    Codebook cb = small();
    int d = cb.dimension();
    assertArrayEquals(new int[] {9, 20, 6}, cb.stageBits());
    float[] x = TestData.powerLaw(200, d, 1, 62);
    byte[] codes = TestData.encode(cb, x, 200);
    float[] mu = cb.mean();
    float[] b = cb.encoder();
    float[] a = cb.decoder();
    int n = cb.bits();
    int flips = 0;
    for (int v = 0; v < 200; v++) {
      double[] r = new double[d];
      for (int k = 0; k < d; k++) {
        r[k] = x[v * d + k] - mu[k];
      }
      int first = 0;
      for (int bits : cb.stageBits()) {
        for (int i = first; i < first + bits; i++) {
          double p = 0;
          double scale = 0;
          for (int k = 0; k < d; k++) {
            p += b[i * d + k] * r[k];
            scale += Math.abs(b[i * d + k] * r[k]);
          }
          int z = SignCodes.sign(codes, v * cb.codeBytes(), i);
          if ((p >= 0 ? 1 : -1) != z) {
            flips++;
            assertEquals(0, p, 1e-4 * scale, "vector " + v + " bit " + i);
          }
        }
        for (int i = first; i < first + bits; i++) {
          int z = SignCodes.sign(codes, v * cb.codeBytes(), i);
          for (int k = 0; k < d; k++) {
            r[k] -= a[k * n + i] * z;
          }
        }
        first += bits;
      }
    }
    assertEquals(0, flips);
    // Decoding is the one linear map of the concatenated code.
    float[] decoded = TestData.decode(cb, codes, 200);
    for (int k = 0; k < d; k++) {
      double expected = mu[k];
      for (int i = 0; i < n; i++) {
        expected += a[k * n + i] * SignCodes.sign(codes, 0, i);
      }
      assertEquals(expected, decoded[k], 1e-4);
    }
  }

  @Test
  void singleAndBatchEncodingAgreeAndTheFormatRoundTrips() throws IOException {
    Codebook cb = small();
    int d = cb.dimension();
    float[] x = TestData.powerLaw(300, d, 1, 63);
    TestData.assertBatchesEqualOneAtATime(cb, x, 300);

    byte[] bytes = cb.toByteArray();
    assertEquals(4, bytes[8]);
    assertEquals(3, bytes[10]);
    Codebook back = Codebook.read(new ByteArrayInputStream(bytes));
    assertEquals(cb, back);
    assertArrayEquals(cb.stageBits(), back.stageBits());
    assertEquals(CodebookInfo.Method.TRAINED, back.info().method());
    // Every truncation and every flipped bit of a staged codebook is caught too.
    checkDamageIsCaught(bytes);
  }

  private static void checkDamageIsCaught(byte[] bytes) {
    for (int len = 0; len < bytes.length; len += 7) {
      byte[] cut = java.util.Arrays.copyOf(bytes, len);
      assertThrows(
          io.signcodec.core.TruncatedInputException.class,
          () -> Codebook.read(new ByteArrayInputStream(cut)));
    }
    Random random = new Random(1);
    for (int trial = 0; trial < 200; trial++) {
      byte[] bad = bytes.clone();
      bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
      assertThrows(
          io.signcodec.core.MalformedInputException.class,
          () -> Codebook.read(new ByteArrayInputStream(bad)));
    }
  }

  @Test
  void aSingleStageHasOneStageInTheFormat() throws IOException {
    Codebook cb = CodebookTrainer.builder().rate(1).staged().build().isotropic(8);
    assertEquals(1, cb.stageCount());
    assertEquals(1, cb.toByteArray()[10]);
    assertEquals(cb, Codebook.read(new ByteArrayInputStream(cb.toByteArray())));
  }
}
