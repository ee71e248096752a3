package io.signcodec.core.internal;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;

/**
 * Closed-form moments of a sign code on Gaussian data {@code x ~ N(μ, Σ)} (docs/THEORY.md §3).
 *
 * <p>With {@code b_i} the encoder rows and {@code s_i = sqrt(b_iᵀ Σ b_i)}:
 *
 * <ul>
 *   <li>{@code C = E[(x − μ) zᵀ]}, column i = {@code sqrt(2/π) Σ b_i / s_i};
 *   <li>{@code K = E[z zᵀ] = (2/π) arcsin(G)}, {@code G_ij = b_iᵀ Σ b_j / (s_i s_j)}.
 * </ul>
 *
 * A row with {@code s_i = 0} sees no variance: its bit is constant, so its column of C is zero and
 * it is uncorrelated with the others.
 */
public final class GaussianSignModel {
  /** Correlations are clipped to {@code ±(1 − CLIP)} before arcsin. */
  public static final double CLIP = 1e-7;

  /** C, d×n. */
  public final DMatrixRMaj crossCovariance;

  /** K, n×n. */
  public final DMatrixRMaj codeCorrelation;

  private GaussianSignModel(DMatrixRMaj c, DMatrixRMaj k) {
    this.crossCovariance = c;
    this.codeCorrelation = k;
  }

  /** The moments for encoder {@code b} (n×d) and covariance {@code sigma} (d×d). */
  public static GaussianSignModel of(DMatrixRMaj b, DMatrixRMaj sigma) {
    int n = b.numRows;
    int d = b.numCols;
    DMatrixRMaj sb = new DMatrixRMaj(d, n);
    CommonOps_MT_DDRM.multTransB(sigma, b, sb); // Σ Bᵀ, d×n
    DMatrixRMaj g = new DMatrixRMaj(n, n);
    CommonOps_MT_DDRM.mult(b, sb, g); // B Σ Bᵀ
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      double v = g.get(i, i);
      s[i] = v > 0 ? Math.sqrt(v) : 0;
    }
    double c0 = Math.sqrt(2 / Math.PI);
    for (int k = 0; k < d; k++) {
      for (int i = 0; i < n; i++) {
        sb.set(k, i, s[i] > 0 ? c0 * sb.get(k, i) / s[i] : 0);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double kij;
        if (i == j) {
          kij = 1;
        } else if (s[i] == 0 || s[j] == 0) {
          kij = 0;
        } else {
          double gij = g.get(i, j) / (s[i] * s[j]);
          gij = Math.max(-1 + CLIP, Math.min(1 - CLIP, gij));
          kij = 2 / Math.PI * Math.asin(gij);
        }
        g.set(i, j, kij);
      }
    }
    return new GaussianSignModel(sb, g);
  }

  /** {@code E||x − μ − A z||² = tr Σ − 2⟨A, C⟩ + ⟨A K, A⟩} for decoder {@code a} (d×n). */
  public double risk(DMatrixRMaj a, double traceSigma) {
    DMatrixRMaj ak = new DMatrixRMaj(a.numRows, a.numCols);
    CommonOps_MT_DDRM.mult(a, codeCorrelation, ak);
    return traceSigma
        - 2 * CommonOps_DDRM.elementSum(elementMult(a, crossCovariance))
        + CommonOps_DDRM.elementSum(elementMult(ak, a));
  }

  private static DMatrixRMaj elementMult(DMatrixRMaj x, DMatrixRMaj y) {
    DMatrixRMaj out = new DMatrixRMaj(x.numRows, x.numCols);
    CommonOps_DDRM.elementMult(x, y, out);
    return out;
  }
}
