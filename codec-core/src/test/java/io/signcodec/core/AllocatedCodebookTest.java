package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.internal.FloatKernels;
import io.signcodec.core.internal.form.AllocatedForm;
import io.signcodec.core.internal.form.StructuredTransform;
import io.signcodec.core.internal.form.TiedLevels;
import io.signcodec.core.train.CodebookTrainer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Allocated codebooks (docs/THEORY.md §7): the distortions they promise on Gaussian data, the
 * structure they reduce to on isotropic data, one linear decoder, and their file format.
 */
@org.junit.jupiter.api.Tag("kernels")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AllocatedCodebookTest {
  private static final int D = 256;
  private final float[] isoTrain = TestData.isotropic(20_000, D, 1);
  private final float[] isoTest = TestData.isotropic(5_000, D, 2);
  private final float[] powTrain = TestData.powerLaw(20_000, D, 1, 3);
  private final float[] powTest = TestData.powerLaw(5_000, D, 1, 4);

  private static Codebook trained(double rate, float[] x) throws IOException {
    return CodebookTrainer.builder().rate(rate).seed(5).build().train(VectorSource.of(x, D));
  }

  @ParameterizedTest(name = "r = {0}")
  @CsvSource({"0.25", "0.5", "1"})
  void upToOneBitPerCoordinateItReachesTheSignAutoencoderLimit(double rate) throws IOException {
    double limit = DistortionBounds.signAutoencoderLimit(rate);
    Codebook cb = trained(rate, isoTrain);
    assertTrue(cb.isAllocated());
    double nmse = TestData.nmse(cb, isoTest);
    assertTrue(nmse <= 1.02 * limit, "trained NMSE " + nmse + ", limit " + limit);
    for (boolean structured : new boolean[] {false, true}) {
      CodebookTrainer.Builder b = CodebookTrainer.builder().rate(rate).seed(5);
      Codebook free =
          (structured ? b.structured() : b).build().trainIsotropic(VectorSource.of(isoTrain, D));
      assertEquals(structured, free.isStructured());
      double freeNmse = TestData.nmse(free, isoTest);
      assertTrue(freeNmse <= 1.02 * limit, "data-free NMSE " + freeNmse + ", limit " + limit);
    }
  }

  /** The targets of tied multi-bit levels on N(0, I): near Lloyd–Max, far below stages. */
  @ParameterizedTest(name = "r = {0}")
  @CsvSource({"2, 0.120", "3, 0.037", "4, 0.0105"})
  void aboveOneBitPerCoordinateTiedLevelsReachTheirTargets(double rate, double target)
      throws IOException {
    double nmse = TestData.nmse(trained(rate, isoTrain), isoTest);
    assertTrue(nmse <= target, "trained NMSE " + nmse + " > " + target);
    Codebook free =
        CodebookTrainer.builder()
            .rate(rate)
            .structured()
            .seed(5)
            .build()
            .trainIsotropic(VectorSource.of(isoTrain, D));
    double freeNmse = TestData.nmse(free, isoTest);
    assertTrue(freeNmse <= target, "data-free NMSE " + freeNmse + " > " + target);
    assertTrue(free.isStructured());
    // One stage per bit of depth, every direction as deep as the rate.
    int[] expected = new int[(int) rate];
    java.util.Arrays.fill(expected, D);
    assertArrayEquals(expected, free.stageBits());
  }

  /** Bits follow the variance: reverse water-filling over the principal directions. */
  @ParameterizedTest(name = "r = {0}")
  @CsvSource({"0.5, 0.28", "1, 0.165", "2, 0.056", "4, 0.0055"})
  void onAnisotropicDataTheBitsGoWhereTheVarianceIs(double rate, double target) throws IOException {
    Codebook cb =
        CodebookTrainer.builder()
            .rate(rate)
            .seed(5)
            .gainBits(0)
            .build()
            .train(VectorSource.of(powTrain, D));
    double nmse = TestData.nmse(cb, powTest);
    assertTrue(nmse <= target, "NMSE " + nmse + " > " + target);
    int[] stages = cb.stageBits();
    assertTrue(stages.length > 1, "the largest directions get several bits");
    for (int k = 1; k < stages.length; k++) {
      assertTrue(stages[k] <= stages[k - 1]);
    }
    // The Gaussian prediction from the codebook and Σ tells what fresh data will see.
    assertEquals(nmse, cb.info().predictedNmse(), 0.05 * nmse);
  }

  @Test
  void itBeatsTheStagedSignCodeItReplaces() throws IOException {
    for (double rate : new double[] {1, 2, 4}) {
      Codebook staged =
          CodebookTrainer.builder()
              .rate(rate)
              .staged()
              .maxSteps(60)
              .seed(5)
              .build()
              .train(VectorSource.of(powTrain, D));
      double allocated = TestData.nmse(trained(rate, powTrain), powTest);
      double sign = TestData.nmse(staged, powTest);
      assertTrue(
          allocated < 0.85 * sign,
          "r = " + rate + ": allocated " + allocated + ", staged sign code " + sign);
    }
  }

  /** The mean's direction, coded finely, is what inner-product search on non-centred data needs. */
  @Test
  void theMeanDirectionGetsItsBitsAndBuysRecall() throws IOException {
    int d = 64;
    float[] x = TestData.powerLaw(20_000, d, 1, 11);
    float[] db = TestData.powerLaw(5_000, d, 1, 12);
    float[] queries = TestData.powerLaw(200, d, 1, 13);
    Codebook plain =
        CodebookTrainer.builder()
            .rate(0.5)
            .seed(1)
            .meanDirectionBits(0)
            .build()
            .train(VectorSource.of(x, d));
    Codebook withMean =
        CodebookTrainer.builder()
            .rate(0.5)
            .seed(1)
            .meanDirectionBits(8)
            .build()
            .train(VectorSource.of(x, d));
    assertEquals(plain.bits(), withMean.bits());
    assertEquals(8, withMean.stageCount(), "the mean's direction has 8 bits");
    float[] first = java.util.Arrays.copyOf(withMean.encoder(), d);
    float[] mean = withMean.mean();
    double dot = 0;
    double nm = 0;
    for (int t = 0; t < d; t++) {
      dot += first[t] * (double) mean[t];
      nm += mean[t] * (double) mean[t];
    }
    assertEquals(1, dot / Math.sqrt(nm), 0.01, "the first direction is the mean's");
    double r0 = SearchRecall.measure(plain, queries, 10, VectorSource.of(db, d)).recall();
    double r8 = SearchRecall.measure(withMean, queries, 10, VectorSource.of(db, d)).recall();
    assertTrue(
        r8 > r0 + 0.05, "recall@10 " + r8 + " with the mean's direction, " + r0 + " without");
  }

  /** By default the mean's direction gets 8 bits where the data are far from centred only. */
  @Test
  void theMeanDirectionIsCodedFirstWhenTheDataAreNotCentred() throws IOException {
    int d = 64;
    float[] centred = TestData.isotropic(5_000, d, 21);
    float[] offset = centred.clone();
    for (int i = 0; i < offset.length; i++) {
      offset[i] += 0.6f; // ‖μ‖² = 0.36 d ≥ tr Σ / 4 = d / 4
    }
    for (double rate : new double[] {0.5, 2}) {
      CodebookTrainer.Builder b = CodebookTrainer.builder().rate(rate);
      assertEquals(
          b.meanDirectionBits(8).build().train(VectorSource.of(offset, d)),
          b.meanDirectionBits(CodebookTrainer.MEAN_DIRECTION_AUTO)
              .build()
              .train(VectorSource.of(offset, d)),
          "r = " + rate);
      assertEquals(
          b.meanDirectionBits(0).build().train(VectorSource.of(centred, d)),
          CodebookTrainer.builder().rate(rate).build().train(VectorSource.of(centred, d)),
          "r = " + rate);
    }
    float[] slightly = centred.clone();
    for (int i = 0; i < slightly.length; i++) {
      slightly[i] += 0.4f; // ‖μ‖² = 0.16 d < d / 4
    }
    assertEquals(
        CodebookTrainer.builder()
            .rate(1)
            .meanDirectionBits(0)
            .build()
            .train(VectorSource.of(slightly, d)),
        CodebookTrainer.builder().rate(1).build().train(VectorSource.of(slightly, d)));
  }

  @Test
  void atOneBitOnIsotropicDataItIsThePapersOptimum() {
    Codebook cb = CodebookTrainer.builder().rate(0.5).seed(2).build().isotropic(64);
    assertArrayEquals(new int[] {32}, cb.stageBits());
    float[] b = cb.encoder();
    float[] a = cb.decoder();
    double c = Math.sqrt(2 / Math.PI);
    for (int i = 0; i < 32; i++) {
      for (int j = 0; j < 32; j++) {
        double dot = 0;
        for (int k = 0; k < 64; k++) {
          dot += (double) b[i * 64 + k] * b[j * 64 + k];
        }
        assertEquals(i == j ? 1 : 0, dot, 1e-5, "orthonormal rows");
      }
      for (int k = 0; k < 64; k++) {
        assertEquals(c * b[i * 64 + k], a[k * 32 + i], 1e-5, "A = sqrt(2/pi) Bᵀ");
      }
    }
    assertEquals(DistortionBounds.signAutoencoderLimit(0.5), cb.info().predictedNmse(), 1e-6);
  }

  @OnBothBases
  void decodingIsOneLinearMapAndScoringUsesIt(boolean structured) throws IOException {
    int d = 40;
    float[] x = TestData.powerLaw(2_000, d, 1, 7);
    Codebook cb = allocated(structured, 2.5, 9, x, d);
    int count = 50;
    byte[] codes = TestData.encode(cb, x, count);
    float[] decoded = TestData.decode(cb, codes, count);
    float[] a = cb.decoder();
    float[] mu = cb.mean();
    int n = cb.bits();
    CodeScorer.Query q = CodeScorer.of(cb).prepare(java.util.Arrays.copyOfRange(x, 3 * d, 4 * d));
    for (int v = 0; v < count; v++) {
      double dot = 0;
      for (int t = 0; t < d; t++) {
        double s = mu[t];
        for (int j = 0; j < n; j++) {
          s += a[t * n + j] * SignCodes.sign(codes, v * cb.codeBytes(), j);
        }
        assertEquals(s, decoded[v * d + t], 1e-4 * (1 + Math.abs(s)), "x̂ = μ + A z");
        dot += (double) x[3 * d + t] * decoded[v * d + t];
      }
      assertEquals(dot, q.score(codes, v * cb.codeBytes()), 1e-3 * (1 + Math.abs(dot)));
    }
  }

  /**
   * The tile encoders (the structured one packs every direction's sign from the transform's lanes,
   * then overwrites the deeper directions' bits) give the codes of the plain rule, one direction at
   * a time, for both searches, at rates with and without deep directions, and for vectors whose
   * projections are exactly zero; the tile decoders (the structured one sums each depth's signs for
   * sixteen codes at once) give its floats, one code at a time, for random codes.
   */
  @ParameterizedTest(name = "structured = {0}, r = {1}")
  @CsvSource({
    "false, 0.5",
    "true, 0.5",
    "false, 1",
    "true, 1",
    "true, 1.5",
    "false, 2.5",
    "true, 2.5",
    "true, 4"
  })
  void tileCodersGiveTheCodesAndVectorsOfThePlainRule(boolean structured, double rate)
      throws IOException {
    int d = 40;
    float[] x = TestData.powerLaw(300, d, 1, 14);
    Codebook cb = allocated(structured, rate, 3, x, d);
    // A few vectors at the mean: every projection is ±0.
    for (int i = 0; i < 5; i++) {
      System.arraycopy(cb.mean(), 0, x, (7 * i + 3) * d, d);
    }
    AllocatedForm form = (AllocatedForm) cb.form();
    int k = cb.codeBytes();
    for (LevelSearch search : LevelSearch.values()) {
      byte[] codes = new byte[300 * k];
      SignEncoder.builder(cb).levelSearch(search).build().encode(x, 0, codes, 0, 300);
      for (int i = 0; i < 300; i++) {
        assertArrayEquals(
            encodeOne(form, x, i * d, search),
            java.util.Arrays.copyOfRange(codes, i * k, (i + 1) * k),
            search + ", vector " + i);
      }
    }

    int count = 37; // two full groups of lanes and a partial one
    byte[] random = new byte[count * k];
    new Random(16).nextBytes(random);
    float[] decoded = TestData.decode(cb, random, count);
    for (int i = 0; i < count; i++) {
      assertArrayEquals(
          decodeOne(form, random, i * k),
          java.util.Arrays.copyOfRange(decoded, i * d, (i + 1) * d),
          "code " + i);
    }
  }

  /**
   * The code of one vector by the plain rule, one direction at a time: the sign of the projection
   * for a direction with one bit, the level search for the others; bit k of direction i is code bit
   * {@code f_k + i}. The reference the tile encoders are tested against, bit for bit.
   */
  private static byte[] encodeOne(AllocatedForm form, float[] x, int off, LevelSearch search) {
    float[] y = form.projections(x, off);
    int[] stageBits = form.stageBits();
    byte[] code = new byte[SignCodes.codeBytes(java.util.Arrays.stream(stageBits).sum())];
    for (int i = 0; i < form.directions(); i++) {
      TiedLevels levels = form.levels(i);
      int pattern;
      if (levels.depth() == 1) {
        pattern = y[i] >= 0f ? 1 : 0;
      } else {
        pattern = search == LevelSearch.GREEDY ? levels.greedy(y[i]) : levels.nearest(y[i]);
      }
      for (int k = 0, first = 0; k < levels.depth(); first += stageBits[k], k++) {
        int bit = first + i;
        code[bit >>> 3] |= (byte) (((pattern >>> k) & 1) << (bit & 7));
      }
    }
    return code;
  }

  /**
   * The vector of one code by the plain rule, {@code μ + Σ_i level_i u_i}, each level {@code Σ_k
   * ±c_{i,k}} summed in float32 in order k = 0, 1, …: the reference the tile decoders are tested
   * against, bit for bit.
   */
  private static float[] decodeOne(AllocatedForm form, byte[] code, int off) {
    int[] stageBits = form.stageBits();
    int m = form.directions();
    float[] mean = form.mean();
    int d = mean.length;
    float[] levels = new float[m];
    for (int i = 0; i < m; i++) {
      TiedLevels tied = form.levels(i);
      float v = 0f;
      for (int k = 0, first = 0; k < tied.depth(); first += stageBits[k], k++) {
        int bit = first + i;
        v += ((code[off + (bit >>> 3)] >>> (bit & 7)) & 1) != 0 ? tied.scale(k) : -tied.scale(k);
      }
      levels[i] = v;
    }
    if (form.structuredBasis()) {
      int lanes = StructuredTransform.LANES;
      float[] w = new float[d * lanes];
      for (int i = 0; i < m; i++) {
        w[i * lanes] = levels[i];
      }
      float[] out = new float[d];
      form.transform().reconstructLanes(w, 1, mean, out, 0);
      return out;
    }
    float[][] row = {mean.clone()};
    FloatKernels.multiplyAdd(levels, 0, m, null, form.rows(), 0, m, 0, d, row, 1);
    return row[0];
  }

  @OnBothBases
  void batchesParallelOrNotEqualOneVectorAtATime(boolean structured) throws IOException {
    int d = 37;
    float[] x = TestData.powerLaw(1_000, d, 1, 8);
    Codebook cb = allocated(structured, 3.3, 9, x, d);
    TestData.assertBatchesEqualOneAtATime(cb, x, 1_000);
  }

  @Test
  void theNearestLevelIsNeverWorseThanGreedyBits() throws IOException {
    Codebook cb = trained(3, isoTrain);
    int count = 2_000;
    double[] errors = new double[2];
    for (LevelSearch search : LevelSearch.values()) {
      byte[] codes = new byte[count * cb.codeBytes()];
      SignEncoder.builder(cb).levelSearch(search).build().encode(isoTest, 0, codes, 0, count);
      float[] out = TestData.decode(cb, codes, count);
      double e = 0;
      for (int i = 0; i < out.length; i++) {
        e += (out[i] - isoTest[i]) * (double) (out[i] - isoTest[i]);
      }
      errors[search.ordinal()] = e;
    }
    // At 3 bits the best tied levels are not superincreasing: greedy bits lose a lot.
    assertTrue(errors[0] < 0.8 * errors[1], "nearest " + errors[0] + ", greedy " + errors[1]);
  }

  @Test
  void trainingIsDeterministicWhateverTheBatching() throws IOException {
    int d = 24;
    float[] x = TestData.powerLaw(3_000, d, 1, 31);
    CodebookTrainer trainer = CodebookTrainer.builder().rate(1.7).seed(77).build();
    Codebook a = trainer.train(VectorSource.of(x, d));
    VectorSource odd =
        new VectorSource() {
          @Override
          public int dimension() {
            return d;
          }

          @Override
          public io.signcodec.core.VectorReader open() throws IOException {
            io.signcodec.core.VectorReader in = VectorSource.of(x, d).open();
            Random random = new Random(3);
            return new io.signcodec.core.VectorReader() {
              @Override
              public int dimension() {
                return d;
              }

              @Override
              public int read(float[] dst, int off, int max) throws IOException {
                return in.read(dst, off, Math.min(max, 1 + random.nextInt(50)));
              }

              @Override
              public void close() throws IOException {
                in.close();
              }
            };
          }
        };
    assertArrayEquals(a.toByteArray(), trainer.train(odd).toByteArray());
  }

  @OnBothBases
  void theFileRoundTripsAndEveryDamageIsCaught(boolean structured) throws IOException {
    int d = 12;
    float[] x = TestData.powerLaw(500, d, 1, 5);
    Codebook cb = allocated(structured, 2, 4, x, d);
    byte[] bytes = cb.toByteArray();
    assertEquals(cb.serializedSize(), bytes.length);
    assertEquals(4, bytes[8]);
    assertEquals(2, bytes[21], "form byte: allocated");
    Codebook back = Codebook.read(new ByteArrayInputStream(bytes));
    assertEquals(cb, back);
    assertEquals(cb.fingerprint(), back.fingerprint());
    assertTrue(back.isAllocated());
    assertEquals(structured, back.isStructured());
    assertArrayEquals(TestData.encode(cb, x, 500), TestData.encode(back, x, 500));
    for (int len = 0; len < bytes.length; len++) {
      byte[] cut = java.util.Arrays.copyOf(bytes, len);
      assertThrows(
          TruncatedInputException.class,
          () -> Codebook.read(new ByteArrayInputStream(cut)),
          "prefix " + len);
    }
    for (int i = 10; i < bytes.length; i++) {
      byte[] bad = bytes.clone();
      bad[i] ^= (byte) (1 << (i % 8));
      // The header's checksum, then the file's; only what sizes the body (s_0, the number of
      // directions, and the basis byte) is checked before the file's checksum can be.
      int basisByte = 60 + 4 * cb.stageCount();
      Class<? extends MalformedInputException> expected =
          (i >= 60 && i < 64) || i == basisByte
              ? MalformedInputException.class
              : ChecksumMismatchException.class;
      assertThrows(expected, () -> Codebook.read(new ByteArrayInputStream(bad)), "byte " + i);
    }
  }

  @Test
  void badShapesAreRefused() {
    CodebookInfo info =
        new CodebookInfo(CodebookInfo.Method.EXTERNAL, 1, 0, Double.NaN, Double.NaN);
    float[] basis = new float[2 * 3];
    basis[0] = 1;
    basis[4] = 1;
    IllegalArgumentException rising =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Codebook.allocated(
                    3, new int[] {1, 2}, new float[3], new float[] {1, 1, 1}, basis, info));
    assertEquals(
        "stage bits must be non-increasing and at most d = 3: [1, 2]", rising.getMessage());
    IllegalArgumentException scale =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Codebook.allocated(
                    3, new int[] {2}, new float[3], new float[] {1, 0}, basis, info));
    assertEquals("scales[1] is not positive: 0.0", scale.getMessage());
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Codebook.allocated(
                    3, new int[] {2}, new float[3], new float[] {1, 1}, new float[6], info));
    assertEquals("basis row 0 is all zeros", zero.getMessage());
  }

  /**
   * The default allocation at {@code rate}: trained on {@code x} on a dense basis, or, if {@code
   * structured}, data-free on a randomized Hadamard basis.
   */
  private static Codebook allocated(boolean structured, double rate, long seed, float[] x, int d)
      throws IOException {
    CodebookTrainer.Builder b = CodebookTrainer.builder().rate(rate).seed(seed);
    VectorSource source = VectorSource.of(x, d);
    return structured
        ? b.structured().build().trainIsotropic(source)
        : b.gainBits(0).build().train(source);
  }

  /** A test run with a dense (trained) basis, then with a structured (data-free) one. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @ParameterizedTest(name = "structured = {0}")
  @ValueSource(booleans = {false, true})
  @interface OnBothBases {}
}
