package io.signcodec.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The planes score every code to within their bound, the head bytes exactly, and refuse NaN. */
class QueryPlanesTest {

  /** Weights over five orders of magnitude, falling along the code as principal directions do. */
  private static double[] weights(int n, long seed) {
    Random random = new Random(seed);
    double[] w = new double[n];
    for (int j = 0; j < n; j++) {
      w[j] = random.nextGaussian() * Math.exp(-12.0 * j / n);
    }
    return w;
  }

  private static double[] abs(double[] w) {
    double[] a = new double[w.length];
    for (int j = 0; j < w.length; j++) {
      a[j] = Math.abs(w[j]);
    }
    return a;
  }

  private static double exact(double[] w, byte[] code) {
    double sum = 0;
    for (int j = 0; j < w.length; j++) {
      if ((code[j >>> 3] >>> (j & 7) & 1) != 0) {
        sum += 2 * w[j];
      }
    }
    return sum;
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 64, 100, 784, 1003, 3136})
  void everyCodeScoresWithinTheBound(int n) {
    double[] w = weights(n, 11 + n);
    int codeBytes = (n + 7) / 8;
    QueryPlanes planes = QueryPlanes.of(w, codeBytes);
    assertEquals(Math.min(QueryPlanes.HEAD_BYTES, codeBytes), planes.heads());
    Random random = new Random(7);
    byte[] code = new byte[codeBytes];
    double scale = 0;
    for (double v : w) {
      scale += Math.abs(2 * v);
    }
    for (int t = 0; t < 300; t++) {
      random.nextBytes(code);
      double error = Math.abs(planes.sum(code, 0) - exact(w, code));
      // the bound, plus the float rounding of the head tables' entries and of the sums
      assertTrue(
          error <= planes.maxError() + 1e-6 * scale,
          () -> "error " + error + " past the bound " + planes.maxError());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {784, 3136})
  void codesWithBitsInTheHeadBytesAloneScoreExactly(int n) {
    double[] w = weights(n, 3);
    QueryPlanes planes = QueryPlanes.of(w, n / 8);
    // the head bytes: the sixteen whose largest |w_j| is largest
    Integer[] order = new Integer[n / 8];
    double[] size = new double[n / 8];
    for (int j = 0; j < n; j++) {
      size[j >>> 3] = Math.max(size[j >>> 3], Math.abs(w[j]));
    }
    for (int b = 0; b < order.length; b++) {
      order[b] = b;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(size[b], size[a]));
    byte[] code = new byte[n / 8];
    Random random = new Random(5);
    for (int t = 0; t < 50; t++) {
      for (int h = 0; h < QueryPlanes.HEAD_BYTES; h++) {
        code[order[h]] = (byte) random.nextInt(256);
      }
      // to the float rounding of the tables' entries: none of the planes' rounding
      assertEquals(exact(w, code), planes.sum(code, 0), 1e-6 * exact(abs(w), code));
    }
  }

  /** The halvings from the exponents are the loop's, at and around every power of two. */
  @org.junit.jupiter.api.Test
  void halvingsAreTheMostThatKeepTheLargestWithinTheStep() {
    Random random = new Random(9);
    for (int t = 0; t < 20_000; t++) {
      double top = Math.scalb(1 + random.nextDouble(), random.nextInt(200) - 100);
      double largest;
      switch (t % 4) {
        case 0:
          largest = top * random.nextDouble();
          break;
        case 1: // exactly a power of two below top
          largest = Math.scalb(top, -random.nextInt(30));
          break;
        case 2: // just above one
          largest = Math.nextUp(Math.scalb(top, -random.nextInt(30)));
          break;
        default: // tiny, subnormal or zero
          largest = random.nextBoolean() ? 0 : Math.scalb(top, -random.nextInt(1100));
      }
      largest = Math.min(largest, top);
      int s = 0;
      while (s < QueryPlanes.SHIFT_RANGE && largest <= Math.scalb(top, -(s + 1))) {
        s++;
      }
      assertEquals(s, QueryPlanes.halvings(largest, top), largest + " of " + top);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 7, 8, 130, 3135})
  void aWeightThatIsNotFiniteIsRefusedByIndex(int j) {
    double[] w = weights(3136, 1);
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -Double.MAX_VALUE * 2}) {
      w[j] = bad;
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> QueryPlanes.of(w, 392));
      assertEquals("bit weight " + j + " is not finite: " + bad, e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 9, 100})
  void moreWeightsThanCodeBitsAreRefused(int codeBytes) {
    double[] w = weights(8 * codeBytes + 1, 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QueryPlanes.of(w, codeBytes));
    assertEquals((8 * codeBytes + 1) + " weights for " + codeBytes + " code bytes", e.getMessage());
  }
}
