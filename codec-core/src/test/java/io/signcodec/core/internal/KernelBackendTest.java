package io.signcodec.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scalar and Vector API backends give bit-identical results. The test JVM is started with
 * {@code --add-modules jdk.incubator.vector} (see the pom): the vector backend must be there, not
 * skipped.
 */
@org.junit.jupiter.api.Tag("kernels")
class KernelBackendTest {
  private static final KernelBackend SCALAR = ScalarBackend.INSTANCE;
  private static final KernelBackend VECTOR = Backends.vector();

  @Test
  void theVectorBackendIsAvailableHere() {
    assertNotNull(VECTOR, "jdk.incubator.vector missing from the test JVM");
    boolean scalar = "scalar".equals(System.getProperty(Backends.PROPERTY));
    assertEquals(scalar ? SCALAR.name() : VECTOR.name(), FloatKernels.backend());
  }

  /**
   * The executions of the build that run the kernel tests again at other widths (-XX:MaxVectorSize,
   * the scalar kernels) name the backend they expect: a JVM that ignored the flag fails here.
   */
  @Test
  void theBackendIsTheOneThisRunAsksFor() {
    String expected = System.getProperty("signcodec.test.backend");
    org.junit.jupiter.api.Assumptions.assumeTrue(expected != null, "the default run");
    assertEquals(expected, FloatKernels.backend());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 63, 64, 65, 1021})
  void bothFormsAgreeBitForBit(int q) {
    Random random = new Random(q);
    for (int m : new int[] {1, 3, 4, 5, 9, 32, 37, 70}) {
      for (int k : new int[] {1, 7, 64}) {
        float[] l = randomArray(random, 3 + m * (k + 2));
        float[] shift = random.nextBoolean() ? randomArray(random, k) : null;
        float[][] r = new float[k + 2][];
        for (int t = 0; t < r.length; t++) {
          r[t] = randomArray(random, q + 5);
        }
        int from = q > 2 ? random.nextInt(q / 2) : 0;
        int to = q;
        float[][] c1 = randomRows(random, m, q + 5);
        float[][] c2 = copy(c1);
        SCALAR.multiplyAdd(l, 3, k + 2, shift, r, 2, k, from, to, c1, m);
        VECTOR.multiplyAdd(l, 3, k + 2, shift, r, 2, k, from, to, c2, m);
        assertRowsEqual(c1, c2, "flat m=" + m + " k=" + k + " q=" + q);

        float[][] rowsL = randomRows(random, m, k);
        float[][] c3 = randomRows(random, m, q + 5);
        float[][] c4 = copy(c3);
        SCALAR.multiplyAdd(rowsL, r, 1, k, from, to, c3, m);
        VECTOR.multiplyAdd(rowsL, r, 1, k, from, to, c4, m);
        assertRowsEqual(c3, c4, "rows m=" + m + " k=" + k + " q=" + q);
      }
    }
  }

  /**
   * One vector's product from the panels is, on both backends, the floats of the row product into a
   * cleared row, at widths that fill no panel, one, and a panel and a part of a vector.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 5, 16, 127, 128, 129, 300, 735})
  void projectionsFromPanelsAreTheRowProductsFloats(int columns) {
    Random random = new Random(columns);
    for (int k : new int[] {1, 9, 784}) {
      float[][] r = randomRows(random, k, columns);
      float[] panels = FloatKernels.panels(r, k, columns);
      assertEquals(
          (columns + FloatKernels.PANEL - 1) / FloatKernels.PANEL * k * FloatKernels.PANEL,
          panels.length);
      for (float[] shift : new float[][] {null, randomArray(random, k)}) {
        float[] x = randomArray(random, 3 + k);
        float[][] expected = new float[1][columns];
        SCALAR.multiplyAdd(x, 3, k, shift, r, 0, k, 0, columns, expected, 1);
        for (KernelBackend backend : new KernelBackend[] {SCALAR, VECTOR}) {
          float[] out = new float[columns + 4];
          java.util.Arrays.fill(out, 7f);
          backend.project(x, 3, shift, panels, k, columns, out);
          assertProjection(
              expected[0], out, backend.name() + ", k=" + k + (shift == null ? "" : ", shifted"));
        }
      }
    }
  }

  /**
   * The bfloat16 panels' product is, on both backends, the row product over the entries rounded to
   * bfloat16, and each entry is within 2^−8 of its float.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 5, 16, 17, 31, 33, 127, 128, 129, 300, 735})
  void projectionsFromHalfPanelsAreTheRoundedRowProductsFloats(int columns) {
    Random random = new Random(columns);
    for (int k : new int[] {1, 9, 784}) {
      float[][] r = randomRows(random, k, columns);
      float[][] rounded = new float[k][columns];
      for (int t = 0; t < k; t++) {
        for (int j = 0; j < columns; j++) {
          rounded[t][j] = Float.intBitsToFloat(FloatKernels.bfloat16(r[t][j]) << 16);
          assertTrue(Math.abs(rounded[t][j] - r[t][j]) <= 0x1p-8 * Math.abs(r[t][j]));
        }
      }
      int[] panels = FloatKernels.halfPanels(r, k, columns);
      float[] x = randomArray(random, 3 + k);
      float[][] expected = new float[1][columns];
      SCALAR.multiplyAdd(x, 3, k, null, rounded, 0, k, 0, columns, expected, 1);
      for (KernelBackend backend : new KernelBackend[] {SCALAR, VECTOR}) {
        float[] out = new float[columns + 4];
        java.util.Arrays.fill(out, 7f);
        backend.projectHalf(x, 3, panels, k, columns, out);
        assertProjection(expected[0], out, backend.name() + ", k=" + k);
      }
    }
  }

  /**
   * {@code out} holds {@code expected} in its first columns and, past them, the four 7s it was
   * filled with: nothing written past the columns.
   */
  private static void assertProjection(float[] expected, float[] out, String where) {
    int columns = expected.length;
    assertArrayEquals(expected, java.util.Arrays.copyOf(out, columns), where);
    assertArrayEquals(
        new float[] {7f, 7f, 7f, 7f},
        java.util.Arrays.copyOfRange(out, columns, columns + 4),
        where);
  }

  @Test
  void bfloat16RoundsToTheNearestTiesToEven() {
    assertEquals(0x3F80, FloatKernels.bfloat16(1f));
    // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: to the even, 1
    assertEquals(0x3F80, FloatKernels.bfloat16(1f + 0x1p-8f));
    // 1 + 3·2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: to the even, 1 + 2^-6
    assertEquals(0x3F82, FloatKernels.bfloat16(1f + 0x3p-8f));
    assertEquals(0x3F81, FloatKernels.bfloat16(1f + 0x1p-8f + 0x1p-20f));
    assertEquals(0xBF80, FloatKernels.bfloat16(-1f));
    assertEquals(0, FloatKernels.bfloat16(0f));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8, 16, 20, 32, 64, 512, 768})
  void butterfliesAgreeBitForBitAndFusedLevelsEqualSingleLevels(int span) {
    Random random = new Random(span);
    int len = 8 * span;
    // spans beyond 256 floats: the scaled radix-8 goes a chunk of columns at a time, the last
    // chunk short when the stride (48) does not divide 256
    for (int stride : new int[] {1, span, 16, 32, 48}) {
      if (span % stride != 0) {
        continue;
      }
      // per-run factors as the structured transform has them: ±norm, and no scale at all
      float[] factors = new float[len / stride];
      for (int i = 0; i < factors.length; i++) {
        factors[i] = (random.nextBoolean() ? 1 : -1) * (i % 3 == 0 ? 0.125f : 0.70710677f);
      }
      for (float[] scale : new float[][] {null, factors}) {
        String where = "span " + span + ", stride " + stride + (scale == null ? "" : ", scaled");
        float[] w = randomArray(random, 5 + len + 3);
        float[] a = w.clone();
        float[] b = w.clone();
        SCALAR.butterflies(a, 5, 5 + len, span, scale, stride);
        VECTOR.butterflies(b, 5, 5 + len, span, scale, stride);
        assertArrayEquals(a, b, "radix 2, " + where);
        float[] byHand = w.clone();
        for (int lo = 5; lo < 5 + len; lo += 2 * span) {
          for (int q = lo; q < lo + span; q++) {
            float x = byHand[q];
            float y = byHand[q + span];
            byHand[q] = scale == null ? x + y : (x + y) * scale[(q - 5) / stride];
            byHand[q + span] = scale == null ? x - y : (x - y) * scale[(q + span - 5) / stride];
          }
        }
        assertArrayEquals(byHand, a, "radix 2 against its definition, " + where);

        for (int radix : new int[] {4, 8}) {
          float[] byLevels = w.clone();
          for (int s = span; s < radix * span; s *= 2) {
            SCALAR.butterflies(
                byLevels, 5, 5 + len, s, 2 * s == radix * span ? scale : null, stride);
          }
          float[] scalar = w.clone();
          float[] vector = w.clone();
          butterflies(SCALAR, radix, scalar, 5, 5 + len, span, scale, stride);
          butterflies(VECTOR, radix, vector, 5, 5 + len, span, scale, stride);
          assertArrayEquals(
              byLevels, scalar, "radix " + radix + " against its radix-2 levels, " + where);
          assertArrayEquals(byLevels, vector, "vector radix " + radix + ", " + where);
          assertEquals(w[2], scalar[2], "entries before from are not touched");
          assertEquals(w[5 + len], scalar[5 + len], "entries from end on are not touched");
        }
      }
    }
  }

  @Test
  void aScaleMustCoverWholeRunsOfItsStride() {
    float[] w = new float[64];
    float[] scale = new float[64];
    assertThrows(
        IllegalArgumentException.class, () -> FloatKernels.butterflies8(w, 0, 48, 6, scale, 4));
    assertThrows(
        IllegalArgumentException.class, () -> FloatKernels.butterflies(w, 0, 64, 8, scale, 0));
    FloatKernels.butterflies(w, 0, 64, 8, null, 0);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 15, 16, 17, 100, 768})
  void interleavingAgreesWithItsDefinitionAndIsUndone(int dimension) {
    Random random = new Random(dimension);
    int lanes = FloatKernels.LANES;
    for (int count : new int[] {1, 15, 16}) {
      float[] x = randomArray(random, 3 + count * dimension);
      float[] shift = randomArray(random, dimension);
      float[] scale = new float[dimension];
      for (int k = 0; k < dimension; k++) {
        scale[k] = random.nextBoolean() ? 1f : -1f;
      }
      for (float[] sc : new float[][] {null, scale}) {
        String where = "d " + dimension + ", count " + count + (sc == null ? "" : ", scaled");
        float[] expected = new float[dimension * lanes];
        for (int k = 0; k < dimension; k++) {
          for (int l = 0; l < count; l++) {
            float v = x[3 + l * dimension + k] - shift[k];
            expected[k * lanes + l] = sc == null ? v : v * sc[k];
          }
        }
        float[] a = randomArray(random, dimension * lanes); // stale lanes must be cleared
        float[] b = a.clone();
        SCALAR.interleave(x, 3, count, dimension, shift, sc, a);
        VECTOR.interleave(x, 3, count, dimension, shift, sc, b);
        assertArrayEquals(expected, a, "scalar interleave, " + where);
        assertArrayEquals(expected, b, "vector interleave, " + where);

        // out of the layout, with and without adding a shift back
        float[] add = sc == null ? null : shift;
        float[] back = randomArray(random, 5 + count * dimension + 2);
        float[] backVector = back.clone();
        float[] untouched = back.clone();
        SCALAR.deinterleave(expected, count, dimension, add, back, 5);
        VECTOR.deinterleave(expected, count, dimension, add, backVector, 5);
        assertArrayEquals(back, backVector, "deinterleave, " + where);
        for (int l = 0; l < count; l++) {
          for (int k = 0; k < dimension; k++) {
            float v = expected[k * lanes + l];
            assertEquals(add == null ? v : v + add[k], back[5 + l * dimension + k], where);
          }
        }
        assertEquals(untouched[4], back[4], "before outOff");
        assertEquals(untouched[5 + count * dimension], back[5 + count * dimension], "after");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 31, 32, 33, 64, 70, 100})
  void packedSignsFollowTheSignRuleAndBitOrder(int n) {
    Random random = new Random(n);
    int lanes = FloatKernels.LANES;
    for (int count : new int[] {1, 7, 15, 16}) {
      for (int first : new int[] {0, 3, 8, 13}) {
        float[] w = randomArray(random, n * lanes);
        for (int q = 0; q < w.length; q += 7) {
          w[q] = q % 2 == 0 ? -0f : 0f; // both zeros code as +1
        }
        // and the rule holds past the finite: ±∞ by their sign, NaN (of either sign) as −1
        float[] odd = {
          Float.POSITIVE_INFINITY,
          Float.NEGATIVE_INFINITY,
          Float.NaN,
          Float.intBitsToFloat(0xffc00000),
          Float.intBitsToFloat(0x7f800001)
        };
        for (int q = 3; q < w.length; q += 11) {
          w[q] = odd[q % odd.length];
        }
        int codeBytes = (first + n + 7) / 8 + 2;
        byte[] a = new byte[4 + count * codeBytes];
        byte[] b = new byte[a.length];
        SCALAR.packSigns(w, n, first, count, a, 4, codeBytes);
        VECTOR.packSigns(w, n, first, count, b, 4, codeBytes);
        String where = "n " + n + ", count " + count + ", first " + first;
        assertArrayEquals(a, b, "vector against scalar, " + where);
        for (int l = 0; l < count; l++) {
          for (int bit = 0; bit < 8 * codeBytes; bit++) {
            int code = 4 + l * codeBytes;
            boolean set = ((a[code + bit / 8] >>> (bit % 8)) & 1) != 0;
            int j = bit - first;
            boolean expected = j >= 0 && j < n && w[j * lanes + l] >= 0f;
            assertEquals(expected, set, "lane " + l + " bit " + bit + ", " + where);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 31, 32, 33, 64, 70, 100})
  void unpackedSignsAreThePackedOnesTimesTheMagnitude(int n) {
    Random random = new Random(n);
    int lanes = FloatKernels.LANES;
    float magnitude = 0.37f;
    for (int count : new int[] {1, 15, 16}) {
      for (int first : new int[] {0, 3, 8, 13}) {
        int codeBytes = (first + n + 7) / 8 + 1;
        byte[] codes = new byte[2 + count * codeBytes];
        random.nextBytes(codes);
        float[] a = randomArray(random, n * lanes + 3);
        float[] b = a.clone();
        SCALAR.unpackSigns(codes, 2, codeBytes, count, first, n, magnitude, a);
        VECTOR.unpackSigns(codes, 2, codeBytes, count, first, n, magnitude, b);
        String where = "n " + n + ", count " + count + ", first " + first;
        assertArrayEquals(a, b, "vector against scalar, " + where);
        for (int j = 0; j < n; j++) {
          for (int l = 0; l < lanes; l++) {
            int bit = first + j;
            boolean set =
                l < count && ((codes[2 + l * codeBytes + bit / 8] >>> (bit % 8)) & 1) != 0;
            assertEquals(
                set ? magnitude : -magnitude,
                a[j * lanes + l],
                "lane " + l + " bit " + bit + ", " + where);
          }
        }
        assertEquals(b[n * lanes], a[n * lanes], "nothing written past n");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 7, 15, 40})
  void levelBitsFlipOncePerThresholdAtOrBelowEachLane(int flipCount) {
    Random random = new Random(flipCount);
    int lanes = FloatKernels.LANES;
    float[] flips = randomArray(random, flipCount);
    java.util.Arrays.sort(flips);
    float[] w = randomArray(random, 3 * lanes);
    // ties, NaN and both zeros in some lanes
    if (flipCount > 0) {
      w[lanes + 1] = flips[flipCount / 2];
      w[lanes + 2] = Math.nextDown(flips[0]);
    }
    w[lanes + 3] = Float.NaN;
    w[lanes + 4] = -0f;
    w[lanes + 5] = 0f;
    for (float first : new float[] {1f, -1f}) {
      float[] a = new float[4 * lanes];
      float[] b = new float[4 * lanes];
      SCALAR.levelBits(w, lanes, flips, first, a, 2 * lanes);
      VECTOR.levelBits(w, lanes, flips, first, b, 2 * lanes);
      for (int l = 0; l < lanes; l++) {
        float y = w[lanes + l];
        int atOrAbove = 0;
        for (float t : flips) {
          atOrAbove += y >= t ? 1 : 0;
        }
        float expected = atOrAbove % 2 == 0 ? first : -first;
        assertEquals(expected, a[2 * lanes + l], "scalar, lane " + l + ", y " + y);
        assertEquals(expected, b[2 * lanes + l], "vector, lane " + l + ", y " + y);
      }
      assertEquals(0f, b[2 * lanes - 1], "before");
      assertEquals(0f, b[3 * lanes], "after");
      // in place
      float[] c = w.clone();
      VECTOR.levelBits(c, lanes, flips, first, c, lanes);
      for (int l = 0; l < lanes; l++) {
        assertEquals(a[2 * lanes + l], c[lanes + l], "in place, lane " + l);
      }
    }
  }

  @Test
  void allFiniteFindsEveryNonFiniteValueAnywhere() {
    Random random = new Random(9);
    for (int len : new int[] {0, 1, 15, 16, 17, 100}) {
      float[] x = randomArray(random, len + 3);
      x[0] = Float.NaN; // outside the range checked
      x[len + 2] = Float.POSITIVE_INFINITY;
      x[1] = Float.MAX_VALUE;
      assertEquals(true, SCALAR.allFinite(x, 1, len), "len " + len);
      assertEquals(true, VECTOR.allFinite(x, 1, len), "len " + len);
      for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
        for (int at = 1; at < len + 1; at++) {
          float[] y = x.clone();
          y[at] = bad;
          assertEquals(false, SCALAR.allFinite(y, 1, len), bad + " at " + at);
          assertEquals(false, VECTOR.allFinite(y, 1, len), bad + " at " + at);
        }
      }
    }
  }

  /**
   * Whether every value is within ±bound: the definition on both backends, with the values outside
   * the range ignored, for bounds below, at and above the values, at 0, at the largest float and
   * below 0 (nothing is within), with zeros of both signs, subnormals, ±∞ and NaNs of either sign
   * (never within) placed at every position.
   */
  @Test
  void allWithinComparesEveryMagnitudeWithTheBound() {
    Random random = new Random(10);
    float[] odd = {
      -0f,
      0f,
      Float.MIN_VALUE,
      -Float.MIN_NORMAL,
      -2.5f,
      2.5f,
      -Float.MAX_VALUE,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.NaN,
      Float.intBitsToFloat(0xffc00001)
    };
    float[] bounds = {0f, 1f, 2.5f, 3f, 1e30f, Float.MAX_VALUE};
    for (int len : new int[] {0, 1, 15, 16, 17, 33, 100}) {
      float[] x = randomArray(random, len + 3);
      x[0] = Float.NaN; // outside the range
      x[len + 2] = Float.NEGATIVE_INFINITY;
      for (float v : odd) {
        for (int at = 1; at < len + 1; at += Math.max(1, len / 7)) {
          float[] y = x.clone();
          y[at] = v;
          for (float bound : bounds) {
            boolean expected = true;
            for (int q = 1; q < len + 1; q++) {
              expected &= Math.abs(y[q]) <= bound;
            }
            int bits = Float.floatToRawIntBits(bound);
            String where = v + " at " + at + ", bound " + bound + ", length " + len;
            assertEquals(expected, SCALAR.allWithin(y, 1, len, bits), where);
            assertEquals(expected, VECTOR.allWithin(y, 1, len, bits), where);
          }
          assertEquals(false, SCALAR.allWithin(y, 1, len, -1), "no bound");
          assertEquals(false, VECTOR.allWithin(y, 1, len, -1), "no bound");
        }
      }
    }
    for (KernelBackend backend : new KernelBackend[] {SCALAR, VECTOR}) {
      assertEquals(true, backend.allWithin(new float[] {Float.NaN}, 1, 0, 0), "empty");
      assertEquals(false, backend.allWithin(new float[] {Float.NaN}, 1, 0, -1), "empty, no bound");
    }
  }

  @Test
  void theChoiceCanBeForcedAndIsChecked() {
    assertEquals("scalar", Backends.choose("scalar").name());
    assertEquals(VECTOR.name(), Backends.choose("Vector").name());
    // auto: scalar until the vector kernels are warm, then those (WarmingBackendTest)
    assertInstanceOf(WarmingBackend.class, Backends.choose("auto"));
    assertEquals(
        "signcodec.kernels must be auto, scalar or vector, not \"gpu\"",
        assertThrows(IllegalArgumentException.class, () -> Backends.choose("gpu")).getMessage());
  }

  private static void assertRowsEqual(float[][] a, float[][] b, String what) {
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], 0f, what + " row " + i);
      for (int j = 0; j < a[i].length; j++) {
        assertEquals(
            Float.floatToRawIntBits(a[i][j]),
            Float.floatToRawIntBits(b[i][j]),
            what + " [" + i + "][" + j + "]");
      }
    }
  }

  private static float[] randomArray(Random random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) random.nextGaussian();
    }
    return a;
  }

  private static float[][] randomRows(Random random, int rows, int n) {
    float[][] a = new float[rows][];
    for (int i = 0; i < rows; i++) {
      a[i] = randomArray(random, n);
    }
    return a;
  }

  private static float[][] copy(float[][] a) {
    float[][] b = new float[a.length][];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i].clone();
    }
    return b;
  }

  /**
   * The plane counts agree on both backends and with their definition, weight by weight, at every
   * code length from 1 to 200 bytes, with shifts up to {@link QueryPlanes#SHIFT_RANGE}: whether the
   * array ends with the code (a masked last register, a partial last word) or goes on with bytes
   * that, the planes holding no bits there, weigh nothing.
   */
  @Test
  void planeCountsAgreeWithTheirDefinition() {
    Random random = new Random(11);
    for (int len = 1; len <= 200; len++) {
      int words = (len + 7) / 8;
      int stride = (words + 7) / 8 * 8;
      long[] planes = new long[FloatKernels.PLANES * stride];
      long[] shifts = new long[stride];
      for (int b = 0; b < FloatKernels.PLANES; b++) {
        for (int k = 0; k < words; k++) {
          long bits = random.nextLong();
          int past = 8 * len - 64 * k; // the planes' bits stop at the code's last bit
          planes[b * stride + k] = past >= 64 ? bits : bits & ((1L << past) - 1);
        }
      }
      for (int k = 0; k < stride; k++) {
        shifts[k] = random.nextInt(QueryPlanes.SHIFT_RANGE + 1);
      }
      int off = random.nextInt(5);
      byte[] codes = new byte[off + len + (len % 2 == 0 ? 0 : random.nextInt(70))];
      random.nextBytes(codes);
      long expected = 0;
      for (int j = 0; j < 8 * len; j++) {
        if ((codes[off + j / 8] >>> (j % 8) & 1) == 0) {
          continue;
        }
        int k = j / 64;
        long bit = 1L << (j % 64);
        long weight = 0;
        for (int b = 0; b < 7; b++) {
          weight += (planes[b * stride + k] & bit) != 0 ? 1L << b : 0;
        }
        weight -= (planes[7 * stride + k] & bit) != 0 ? 128 : 0;
        expected += weight << shifts[k];
      }
      assertEquals(expected, SCALAR.planeDot(planes, shifts, stride, codes, off, len), "scalar");
      assertEquals(
          expected, VECTOR.planeDot(planes, shifts, stride, codes, off, len), "len " + len);
    }
  }

  /**
   * Both backends sum packed codes' nibble entries as defined, for code lengths 1 to 300 bytes
   * (past 128, the vector backend's 16-bit lanes are emptied into the sums mid-block), one to three
   * blocks at an offset, with random entries and with every entry 255 (the largest sums).
   */
  @Test
  void nibbleSumsAgreeWithTheirDefinition() {
    Random random = new Random(12);
    int block = FloatKernels.NIBBLE_BLOCK;
    for (int codeBytes = 1; codeBytes <= 300; codeBytes += codeBytes < 40 ? 1 : 37) {
      for (boolean full : new boolean[] {false, true}) {
        int blocks = 1 + random.nextInt(3);
        int off = random.nextInt(9);
        byte[] packed = new byte[off + blocks * block * codeBytes + random.nextInt(5)];
        random.nextBytes(packed);
        byte[] tables = new byte[32 * codeBytes];
        if (full) {
          Arrays.fill(tables, (byte) -1);
        } else {
          random.nextBytes(tables);
        }
        int sumsOff = random.nextInt(4);
        int[] expected = new int[sumsOff + blocks * block];
        for (int i = 0; i < blocks; i++) {
          for (int c = 0; c < block; c++) {
            int sum = 0;
            for (int p = 0; p < codeBytes; p++) {
              int x = packed[off + i * block * codeBytes + block * p + c] & 0xFF;
              sum += (tables[32 * p + (x & 15)] & 0xFF) + (tables[32 * p + 16 + (x >>> 4)] & 0xFF);
            }
            expected[sumsOff + i * block + c] = sum;
          }
        }
        for (KernelBackend backend : new KernelBackend[] {SCALAR, VECTOR}) {
          int[] sums = new int[expected.length];
          Arrays.fill(sums, 7); // overwritten, not added to
          Arrays.fill(expected, 0, sumsOff, 7);
          backend.nibbleScan(packed, off, blocks, codeBytes, tables, sums, sumsOff);
          assertArrayEquals(
              expected, sums, backend.name() + ", " + codeBytes + " bytes, full " + full);
        }
      }
    }
  }

  /** From JDK 19 on, the vector backend counts bits on vectors rather than the scalar way. */
  @Test
  void vectorPlaneCountsRunFromJdk19() throws ReflectiveOperationException {
    java.lang.reflect.Field f = VectorBackend.class.getDeclaredField("BIT_COUNT");
    f.setAccessible(true);
    assertEquals(Runtime.version().feature() >= 19, f.get(null) != null);
  }

  /** Two (radix 4) or three (radix 8) Walsh–Hadamard levels at once on {@code backend}. */
  private static void butterflies(
      KernelBackend backend,
      int radix,
      float[] w,
      int from,
      int end,
      int span,
      float[] scale,
      int stride) {
    if (radix == 4) {
      backend.butterflies4(w, from, end, span, scale, stride);
    } else {
      backend.butterflies8(w, from, end, span, scale, stride);
    }
  }
}
