package io.signcodec.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.signcodec.core.TestData;
import org.junit.jupiter.api.Test;

class CovarianceAccumulatorTest {

  @Test
  void matchesATwoPassComputationInDouble() {
    int d = 37;
    int n = 1_000;
    float[] x = TestData.powerLaw(n, d, 1, 5);
    CovarianceAccumulator acc = new CovarianceAccumulator(d);
    acc.add(x, 0, n);
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        mean[k] += x[i * d + k] / (double) n;
      }
    }
    double[] cov = new double[d * d];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          cov[a * d + b] += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]) / n;
        }
      }
    }
    assertEquals(n, acc.count());
    assertArrayEquals(mean, acc.mean(), 1e-6);
    assertArrayEquals(cov, acc.covariance(), 1e-6);
    double trace = 0;
    for (int k = 0; k < d; k++) {
      trace += cov[k * d + k];
    }
    assertEquals(trace, acc.totalVariance(), 1e-6);
  }

  @Test
  void mergingHalvesEqualsOnePass() {
    int d = 20;
    float[] x = TestData.powerLaw(1_537, d, 1, 6);
    for (int cut : new int[] {0, 1, 255, 256, 700, 1_536}) {
      CovarianceAccumulator whole = new CovarianceAccumulator(d);
      whole.add(x, 0, 1_537);
      CovarianceAccumulator left = new CovarianceAccumulator(d);
      CovarianceAccumulator right = new CovarianceAccumulator(d);
      left.add(x, 0, cut);
      right.add(x, cut * d, 1_537 - cut);
      left.merge(right);
      assertEquals(whole.count(), left.count());
      assertArrayEquals(whole.mean(), left.mean(), 1e-9, "cut " + cut);
      assertArrayEquals(whole.covariance(), left.covariance(), 1e-7, "cut " + cut);
    }
  }

  @Test
  void batchingDoesNotChangeABit() {
    int d = 9;
    float[] x = TestData.isotropic(2_000, d, 7);
    CovarianceAccumulator all = new CovarianceAccumulator(d);
    all.add(x, 0, 2_000);
    CovarianceAccumulator pieces = new CovarianceAccumulator(d);
    int i = 0;
    int step = 1;
    while (i < 2_000) {
      int m = Math.min(step, 2_000 - i);
      pieces.add(x, i * d, m);
      i += m;
      step = step % 300 + 7;
    }
    assertArrayEquals(all.covariance(), pieces.covariance(), 0);
    assertArrayEquals(all.mean(), pieces.mean(), 0);
  }

  @Test
  void largeMeansDoNotDestroyTheVariance() {
    CovarianceAccumulator acc = new CovarianceAccumulator(1);
    for (int i = 0; i < 10_000; i++) {
      acc.add(new float[] {1e4f + (i % 2 == 0 ? 1 : -1)});
    }
    assertEquals(1, acc.covariance()[0], 1e-9);
  }

  @Test
  void badInputIsRejected() {
    CovarianceAccumulator acc = new CovarianceAccumulator(3);
    assertEquals(
        "vector has dimension 2, expected 3",
        assertThrows(IllegalArgumentException.class, () -> acc.add(new float[2])).getMessage());
    assertEquals(
        "vector 1, component 0 is Infinity (not finite)",
        assertThrows(
                IllegalArgumentException.class,
                () -> acc.add(new float[] {0, 0, 0, Float.POSITIVE_INFINITY, 0, 0}, 0, 2))
            .getMessage());
    assertEquals(0, acc.count());
    assertThrows(IllegalArgumentException.class, () -> acc.merge(new CovarianceAccumulator(4)));
    assertThrows(IllegalArgumentException.class, () -> new CovarianceAccumulator(0));
  }
}
