package io.signcodec.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.internal.Matrices;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bulk eigensolver (blocked tridiagonal reduction, EJML's QR iterations with their rotations
 * applied in batches) against EJML's decomposition and against the spectrum a matrix was built
 * with.
 */
class SymmetricEigenTest {

  /**
   * A spectrum with what trips eigensolvers: an eigenvalue repeated exactly, a cluster a relative
   * 1e-11 wide, a power-law decay with close neighbours, and a null space.
   */
  private static double[] spectrum(int d) {
    double[] lambda = new double[d];
    for (int k = 0; k < d; k++) {
      if (k < 8) {
        lambda[k] = 5; // repeated
      } else if (k < 24) {
        lambda[k] = 2 * (1 + 1e-11 * k); // clustered
      } else if (k < d - 20) {
        lambda[k] = 1.0 / (k - 23);
      } else {
        lambda[k] = 0; // null space
      }
    }
    return lambda;
  }

  /** {@code U diag(λ) Uᵀ} for a random orthogonal U, symmetrized. */
  private static double[] covariance(double[] lambda, long seed) {
    int d = lambda.length;
    DMatrixRMaj u = Matrices.randomOrthonormalRows(d, d, new Random(seed));
    double[] a = new double[d * d];
    for (int r = 0; r < d; r++) {
      for (int c = 0; c <= r; c++) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          s += u.get(k, r) * lambda[k] * u.get(k, c);
        }
        a[r * d + c] = s;
        a[c * d + r] = s;
      }
    }
    return a;
  }

  private static double[] descending(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    for (int i = 0; i < v.length / 2; i++) {
      double t = v[i];
      v[i] = v[v.length - 1 - i];
      v[v.length - 1 - i] = t;
    }
    return v;
  }

  @ParameterizedTest
  @ValueSource(ints = {300, 451, 600})
  void agreesWithEjmlOnRepeatedAndClusteredEigenvalues(int d) {
    double[] lambda = spectrum(d);
    double[] a = covariance(lambda, d);
    SymmetricEigen bulk = SymmetricEigen.recorded(a, d);
    SymmetricEigen ejml = SymmetricEigen.ejml(a, d);
    double[] expected = descending(lambda);
    double[] got = descending(bulk.values);
    double[] reference = descending(ejml.values);
    double scale = expected[0];
    for (int k = 0; k < d; k++) {
      assertEquals(reference[k], got[k], 1e-12 * scale, "eigenvalue " + k + " against EJML");
      assertEquals(expected[k], got[k], 1e-11 * scale, "eigenvalue " + k + " against the truth");
    }
    for (int i = 0; i < d; i++) {
      double[] v = bulk.vectors[i];
      // ‖Σv − λv‖
      double residual = 0;
      for (int r = 0; r < d; r++) {
        double s = -bulk.values[i] * v[r];
        for (int c = 0; c < d; c++) {
          s += a[r * d + c] * v[c];
        }
        residual += s * s;
      }
      assertTrue(Math.sqrt(residual) < 1e-12 * scale * Math.sqrt(d), "residual of vector " + i);
      for (int j = i; j < d; j++) {
        double dot = 0;
        double[] w = bulk.vectors[j];
        for (int t = 0; t < d; t++) {
          dot += v[t] * w[t];
        }
        assertEquals(i == j ? 1 : 0, dot, 1e-12 * d, "⟨v" + i + ", v" + j + "⟩");
      }
    }
  }

  @Test
  void principalDirectionsMatchTheEjmlPathWithItsSignConvention() {
    int d = 320;
    double[] lambda = new double[d];
    for (int k = 0; k < d; k++) {
      lambda[k] = Math.pow(k + 1, -0.7); // well separated: each direction is determined
    }
    double[] a = covariance(lambda, 7);
    double[] bulkValues = new double[d];
    double[] ejmlValues = new double[d];
    double[][] bulk = AllocationTrainer.principalDirections(a, d, bulkValues, 0);
    double[][] ejml = AllocationTrainer.principalDirections(a, d, ejmlValues, Integer.MAX_VALUE);
    for (int i = 0; i < d; i++) {
      assertEquals(ejmlValues[i], bulkValues[i], 1e-13, "eigenvalue " + i);
      if (i > 0) {
        assertTrue(bulkValues[i] <= bulkValues[i - 1], "decreasing");
      }
      int big = 0;
      for (int t = 0; t < d; t++) {
        assertEquals(ejml[i][t], bulk[i][t], 1e-9, "direction " + i + ", coordinate " + t);
        if (Math.abs(bulk[i][t]) > Math.abs(bulk[i][big])) {
          big = t;
        }
      }
      assertTrue(bulk[i][big] > 0, "largest entry positive");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 31, 32, 33, 34, 65, 97})
  void tridiagonalReductionReconstructsTheMatrix(int n) {
    Random random = new Random(n);
    double[] a = new double[n * n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c <= r; c++) {
        double v = random.nextGaussian();
        a[r * n + c] = v;
        a[c * n + r] = v;
      }
    }
    BlockedTridiagonal t = new BlockedTridiagonal(a, n);
    double[][] qt = t.transposedQ();
    // Q T Qᵀ = Σ_k (d_k q_k q_kᵀ + e_k (q_k q_{k+1}ᵀ + q_{k+1} q_kᵀ)), q_k = column k of Q.
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += t.diagonal[k] * qt[k][r] * qt[k][c];
          if (k + 1 < n) {
            s += t.off[k] * (qt[k][r] * qt[k + 1][c] + qt[k + 1][r] * qt[k][c]);
          }
        }
        assertEquals(a[r * n + c], s, 1e-12 * n, "A[" + r + "][" + c + "]");
        double dot = 0;
        for (int k = 0; k < n; k++) {
          dot += qt[r][k] * qt[c][k];
        }
        assertEquals(r == c ? 1 : 0, dot, 1e-13 * n, "QᵀQ[" + r + "][" + c + "]");
      }
    }
  }
}
