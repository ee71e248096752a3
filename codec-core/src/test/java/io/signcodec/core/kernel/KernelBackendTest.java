package io.signcodec.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scalar and Vector API backends give bit-identical results. The test JVM is started with
 * {@code --add-modules jdk.incubator.vector} (see the pom): the vector backend must be there, not
 * skipped.
 */
class KernelBackendTest {
  private static final KernelBackend SCALAR = ScalarBackend.INSTANCE;
  private static final KernelBackend VECTOR = Backends.vector();

  @Test
  void theVectorBackendIsAvailableHere() {
    assertNotNull(VECTOR, "jdk.incubator.vector missing from the test JVM");
    assertEquals(VECTOR.name(), FloatKernels.backend());
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

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8, 16, 20, 64})
  void butterfliesAgreeBitForBitAndFusedLevelsEqualSingleLevels(int span) {
    Random random = new Random(span);
    for (float scale : new float[] {1f, 0.125f, (float) (1 / Math.sqrt(3))}) {
      float[] w = randomArray(random, 5 + 8 * span + 3);
      float[] a = w.clone();
      float[] b = w.clone();
      SCALAR.butterflies(a, 5, 5 + 8 * span, span, scale);
      VECTOR.butterflies(b, 5, 5 + 8 * span, span, scale);
      assertArrayEquals(a, b, "radix 2, span " + span + ", scale " + scale);

      float[] two = w.clone();
      SCALAR.butterflies(two, 5, 5 + 8 * span, span, 1f);
      SCALAR.butterflies(two, 5, 5 + 8 * span, 2 * span, scale);
      float[] c = w.clone();
      float[] d = w.clone();
      SCALAR.butterflies4(c, 5, 5 + 8 * span, span, scale);
      VECTOR.butterflies4(d, 5, 5 + 8 * span, span, scale);
      assertArrayEquals(two, c, "radix 4 against two radix-2 levels, span " + span);
      assertArrayEquals(two, d, "vector radix 4, span " + span);

      float[] three = w.clone();
      SCALAR.butterflies(three, 5, 5 + 8 * span, span, 1f);
      SCALAR.butterflies(three, 5, 5 + 8 * span, 2 * span, 1f);
      SCALAR.butterflies(three, 5, 5 + 8 * span, 4 * span, scale);
      float[] e = w.clone();
      float[] f = w.clone();
      SCALAR.butterflies8(e, 5, 5 + 8 * span, span, scale);
      VECTOR.butterflies8(f, 5, 5 + 8 * span, span, scale);
      assertArrayEquals(three, e, "radix 8 against three radix-2 levels, span " + span);
      assertArrayEquals(three, f, "vector radix 8, span " + span);
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

  @Test
  void theChoiceCanBeForcedAndIsChecked() {
    assertEquals("scalar", Backends.choose("scalar").name());
    assertEquals(VECTOR.name(), Backends.choose("Vector").name());
    assertEquals(VECTOR.name(), Backends.choose("auto").name());
    assertEquals("signcodec.kernels must be auto, scalar or vector, not \"gpu\"",
        assertThrows(IllegalArgumentException.class, () -> Backends.choose("gpu")).getMessage());
  }

  private static void assertRowsEqual(float[][] a, float[][] b, String what) {
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], 0f, what + " row " + i);
      for (int j = 0; j < a[i].length; j++) {
        assertEquals(Float.floatToRawIntBits(a[i][j]), Float.floatToRawIntBits(b[i][j]),
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
}
