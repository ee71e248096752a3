package io.signcodec.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.signcodec.core.TestData;
import io.signcodec.core.internal.FloatKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /**
   * The blocked scatter and the parallel fold give the bits of the original flush, which formed
   * each block's scatter with {@link FloatKernels#addGram} and folded it in row by row: d = 300 has
   * a partial row block, 1 100 vectors a partial vector block; d = 1030 takes blocks of 1 024
   * vectors and the kernel in slices of vectors.
   */
  @ParameterizedTest
  @ValueSource(ints = {300, 1030})
  void matchesTheGramKernelBitForBit(int d) {
    int n = 1_100;
    float[] x = TestData.powerLaw(n, d, 0.5, 9);
    CovarianceAccumulator acc = new CovarianceAccumulator(d);
    acc.add(x, 0, n);
    long count = 0;
    double[] mean = new double[d];
    double[] comoment = new double[d * d];
    int block = acc.blockSize();
    assertEquals(d >= CovarianceAccumulator.LARGE_DIMENSION ? 1024 : 256, block);
    for (int start = 0; start < n; start += block) {
      int m = Math.min(block, n - start);
      float[][] rows = new float[m][d];
      double[] mb = new double[d];
      for (int i = 0; i < m; i++) {
        for (int k = 0; k < d; k++) {
          mb[k] += x[(start + i) * d + k];
        }
      }
      for (int k = 0; k < d; k++) {
        mb[k] /= m;
      }
      for (int i = 0; i < m; i++) {
        for (int k = 0; k < d; k++) {
          rows[i][k] = (float) (x[(start + i) * d + k] - mb[k]);
        }
      }
      float[][] scatter = new float[d][d];
      FloatKernels.addGram(rows, d, m, scatter, false);
      long total = count + m;
      double weight = (double) count * m / total;
      for (int a = 0; a < d; a++) {
        double da = mb[a] - mean[a];
        for (int b = 0; b < d; b++) {
          comoment[a * d + b] += scatter[a][b] + weight * da * (mb[b] - mean[b]);
        }
      }
      for (int a = 0; a < d; a++) {
        mean[a] += (mb[a] - mean[a]) * m / total;
      }
      count = total;
    }
    double[] covariance = acc.covariance();
    for (int i = 0; i < d * d; i++) {
      assertEquals(
          Double.doubleToLongBits(comoment[i] / count),
          Double.doubleToLongBits(covariance[i]),
          "entry " + i);
    }
    assertArrayEquals(mean, acc.mean(), 0);
  }
}
