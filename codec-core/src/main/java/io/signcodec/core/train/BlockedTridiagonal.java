package io.signcodec.core.train;

import io.signcodec.core.internal.Parallel;

/**
 * Householder reduction of a symmetric matrix to tridiagonal form, {@code A = Q T Qᵀ}, blocked as
 * LAPACK's {@code DSYTRD} (lower form, {@code DLATRD} panels): the reflectors of a panel of {@value
 * #PANEL} columns are found with the panel's updates applied on the fly, and the trailing matrix
 * then takes them all at once as a rank-2·{@value #PANEL} update, {@code A −= V Wᵀ + W Vᵀ}, split
 * by rows across the cores. The matrix-vector product of each reflector, which reads the whole
 * trailing matrix, is split by columns across the cores. {@link #transposedQ} then forms {@code Qᵀ}
 * from the reflectors by blocks of {@value #PANEL} in compact WY form ({@code DLARFT}, {@code
 * DORGTR}).
 *
 * <p>Plain Java on arrays of rows, every inner loop an axpy over one row that HotSpot compiles to
 * SIMD (no reductions in the inner loops, so nothing is reordered by the compiler).
 */
final class BlockedTridiagonal {
  /** Columns per panel. */
  static final int PANEL = 32;

  final int n;

  /** The diagonal of T. */
  final double[] diagonal;

  /** The off-diagonal of T, {@code off[i] = T[i][i+1]}. */
  final double[] off;

  /** The reduced matrix: row i holds reflector i's vector from i + 1 on ({@code v[i+1] = 1}). */
  private final double[][] a;

  private final double[] tau;

  /** Reduces the symmetric n×n matrix {@code matrix} (row-major, not modified). */
  BlockedTridiagonal(double[] matrix, int n) {
    this.n = n;
    this.diagonal = new double[n];
    this.off = new double[Math.max(0, n - 1)];
    this.tau = new double[Math.max(0, n - 1)];
    this.a = new double[n][];
    for (int r = 0; r < n; r++) {
      a[r] = java.util.Arrays.copyOfRange(matrix, r * n, (r + 1) * n);
    }
    for (int k = 0; k < n - 1; k += PANEL) {
      int nb = Math.min(PANEL, n - 1 - k);
      panel(k, nb);
    }
    if (n > 0) {
      diagonal[n - 1] = a[n - 1][n - 1];
    }
  }

  /** The panel of columns {@code [k, k + nb)}, then the update of the trailing matrix. */
  private void panel(int k, int nb) {
    double[][] v = new double[nb][n];
    double[][] w = new double[nb][n];
    for (int j = 0; j < nb; j++) {
      int i = k + j;
      double[] row = a[i];
      // Column i (row i, by symmetry) with the panel's earlier reflectors applied.
      for (int p = 0; p < j; p++) {
        double wi = w[p][i];
        double vi = v[p][i];
        double[] vp = v[p];
        double[] wp = w[p];
        for (int r = i; r < n; r++) {
          row[r] -= vp[r] * wi + wp[r] * vi;
        }
      }
      diagonal[i] = row[i];
      // The reflector that zeroes row[i+2..n): beta e_1 = H x, H = I − tau u uᵀ, u[i+1] = 1.
      double alpha = row[i + 1];
      double xnorm = 0;
      for (int r = i + 2; r < n; r++) {
        xnorm += row[r] * row[r];
      }
      xnorm = Math.sqrt(xnorm);
      double[] u = v[j];
      double t;
      if (xnorm == 0) {
        t = 0;
        off[i] = alpha;
        u[i + 1] = 1;
      } else {
        double beta = -Math.copySign(Math.hypot(alpha, xnorm), alpha);
        t = (beta - alpha) / beta;
        double scale = 1 / (alpha - beta);
        off[i] = beta;
        u[i + 1] = 1;
        for (int r = i + 2; r < n; r++) {
          u[r] = row[r] * scale;
        }
      }
      tau[i] = t;
      System.arraycopy(u, i + 1, row, i + 1, n - i - 1);
      double[] y = w[j];
      if (t == 0) {
        continue;
      }
      // y = A u over the trailing rows and columns as they were at the start of the panel.
      int from = i + 1;
      Parallel.forRange(
          n - from,
          256,
          true,
          (lo, hi) -> {
            for (int c = from; c < n; c++) {
              double uc = u[c];
              double[] ac = a[c];
              for (int r = from + lo; r < from + hi; r++) {
                y[r] += ac[r] * uc;
              }
            }
          });
      // − V (Wᵀ u) − W (Vᵀ u) for the panel's earlier reflectors.
      for (int p = 0; p < j; p++) {
        double[] vp = v[p];
        double[] wp = w[p];
        double wu = 0;
        double vu = 0;
        for (int r = from; r < n; r++) {
          wu += wp[r] * u[r];
          vu += vp[r] * u[r];
        }
        for (int r = from; r < n; r++) {
          y[r] -= vp[r] * wu + wp[r] * vu;
        }
      }
      double yu = 0;
      for (int r = from; r < n; r++) {
        y[r] *= t;
        yu += y[r] * u[r];
      }
      double half = -0.5 * t * yu;
      for (int r = from; r < n; r++) {
        y[r] += half * u[r];
      }
    }
    int s = k + nb;
    if (s >= n) {
      return;
    }
    Parallel.forRange(
        n - s,
        8,
        true,
        (lo, hi) -> {
          for (int r = s + lo; r < s + hi; r++) {
            double[] row = a[r];
            for (int p = 0; p < nb; p++) {
              double vr = v[p][r];
              double wr = w[p][r];
              double[] vp = v[p];
              double[] wp = w[p];
              for (int c = s; c < n; c++) {
                row[c] -= vr * wp[c] + wr * vp[c];
              }
            }
          }
        });
  }

  /**
   * {@code Qᵀ = H_{n−2} ⋯ H_0} as rows, accumulated from the last block of reflectors to the first:
   * {@code Y ← Y − (Y V) Tᵀ Vᵀ} with {@code H_k ⋯ H_{k+b−1} = I − V T Vᵀ}.
   */
  double[][] transposedQ() {
    double[][] y = new double[n][n];
    for (int r = 0; r < n; r++) {
      y[r][r] = 1;
    }
    int last = ((n - 2) / PANEL) * PANEL;
    for (int k = last; k >= 0 && n > 1; k -= PANEL) {
      int b = Math.min(PANEL, n - 1 - k);
      // V transposed: vt[c][p] = v_{k+p}[c] for c > k.
      double[][] vt = new double[n][b];
      for (int p = 0; p < b; p++) {
        double[] row = a[k + p];
        for (int c = k + p + 1; c < n; c++) {
          vt[c][p] = row[c];
        }
      }
      // T, upper triangular: T[0:p, p] = −tau_p T[0:p, 0:p] (Vᵀ v_p)[0:p].
      double[][] tt = new double[b][b];
      for (int p = 0; p < b; p++) {
        double tp = tau[k + p];
        tt[p][p] = tp;
        double[] z = new double[p];
        for (int q = 0; q < p; q++) {
          double dot = 0;
          for (int c = k + p + 1; c < n; c++) {
            dot += vt[c][q] * vt[c][p];
          }
          z[q] = dot;
        }
        for (int q = 0; q < p; q++) {
          double sum = 0;
          for (int l = q; l < p; l++) {
            sum += tt[q][l] * z[l];
          }
          tt[q][p] = -tp * sum;
        }
      }
      int from = k + 1;
      int k0 = k;
      Parallel.forRange(
          n - from,
          8,
          true,
          (lo, hi) -> {
            double[] s = new double[b];
            double[] u = new double[b];
            for (int r = from + lo; r < from + hi; r++) {
              double[] yr = y[r];
              java.util.Arrays.fill(s, 0);
              for (int c = from; c < n; c++) {
                double ycv = yr[c];
                double[] vc = vt[c];
                for (int p = 0; p < b; p++) {
                  s[p] += ycv * vc[p];
                }
              }
              for (int q = 0; q < b; q++) {
                double sum = 0;
                for (int p = q; p < b; p++) {
                  sum += s[p] * tt[q][p];
                }
                u[q] = sum;
              }
              for (int q = 0; q < b; q++) {
                double uq = u[q];
                double[] vq = a[k0 + q];
                for (int c = k0 + q + 1; c < n; c++) {
                  yr[c] -= uq * vq[c];
                }
              }
            }
          });
    }
    return y;
  }
}
