package io.signcodec.core.train;

import io.signcodec.core.internal.Parallel;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.eig.symm.SymmetricQREigenHelper_DDRM;
import org.ejml.dense.row.decomposition.eig.symm.SymmetricQrAlgorithm_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The eigenvalues and eigenvectors of a symmetric matrix: EJML's {@code
 * DecompositionFactory_DDRM.eig(d, true, true)} in small dimensions, a blocked, multi-threaded
 * version of the same algorithm in large ones.
 *
 * <p>EJML's symmetric decomposition reduces the matrix to tridiagonal form (unblocked below 1 800
 * dimensions, blocked above, one thread), forms the orthogonal matrix Q of the reduction, finds the
 * eigenvalues by the implicit QR algorithm, then runs the QR algorithm again with the eigenvalues
 * as shifts and applies each of its plane rotations to Qᵀ at once, two rows of d entries at a time.
 * At d = 3072 (2 cores) that took 19.7 s for the reduction, 10.8 s for Q, 0.3 s for the eigenvalues
 * and 23.4 s for the 6.8 million rotations, each streaming two rows of 24 KiB.
 *
 * <p>Here the reduction and Q are {@link BlockedTridiagonal}'s (LAPACK's blocked Householder
 * algorithm, the trailing updates as rank-64 products split over the cores); the QR iterations are
 * EJML's own {@link SymmetricQrAlgorithm_DDRM} with the same shifts, run in the same two steps, but
 * their rotations are recorded, {@value #BATCH} at a time, and each batch is applied to narrow
 * column strips of Qᵀ, one strip per task across the cores: a strip of {@value #STRIP} columns of
 * every row is copied to rows allocated together, which stay in the L2 cache while all the batch's
 * rotations go over them, chains of three consecutive rotations in one go. Each entry sees the
 * rotations in the same order with the same arithmetic as EJML's ({@code c·a + s·b}, {@code −s·a +
 * c·b}, never fused), so given the same tridiagonal reduction the vectors would be EJML's bit for
 * bit; the blocked reduction rounds differently, so they agree with EJML's to rounding (the tests
 * hold both to the same eigenvalues, orthonormality and residuals). At d = 3072 (2 cores, shared
 * machine): about 4–5 s for the reduction, 2–3 s for Q and 4–5 s for the eigenvalues and rotations.
 *
 * <p>Below {@value #CROSSOVER} dimensions EJML's decomposition runs as it is. A trainer decomposes
 * once per run, usually in a fresh JVM, so the crossover is where the first call wins (2 cores,
 * fresh JVM, one call, shared machine): d = 768, EJML 1.16–1.31 s, this class 1.31–1.47 s (the
 * tridiagonal reduction runs interpreted until it is compiled); d = 1024, 2.0–2.6 s against 1.7–1.8
 * s; d = 1536, 6.1–6.4 s against 2.1–3.7 s. Once compiled, this class is ahead from about d = 384
 * (best of several calls: d = 320, 43 against 42 ms; 384, 73 against 62 ms; 512, 181 against 68 ms;
 * 768, 543 against 194 ms; d = 100, 1.8 against 4.3 ms). Below the crossover the codebooks keep
 * their bits, the pinned golden outputs (d ≤ 100) among them.
 */
final class SymmetricEigen {
  /** Dimensions below this use EJML's decomposition directly. */
  static final int CROSSOVER = 1024;

  /** Rotations recorded before they are applied: 24 MiB of them. */
  static final int BATCH = 1 << 20;

  /** Columns per strip: 32 doubles of each of d rows, 768 KiB at d = 3072. */
  static final int STRIP = 32;

  /** Eigenvalues, in EJML's order (not sorted). */
  final double[] values;

  /** Unit eigenvectors, {@code vectors[k]} that of {@code values[k]}. */
  final double[][] vectors;

  private SymmetricEigen(double[] values, double[][] vectors) {
    this.values = values;
    this.vectors = vectors;
  }

  /**
   * Decomposes the symmetric d×d matrix {@code a} (row-major, not modified): by EJML below {@code
   * crossover} dimensions, in bulk from there on.
   */
  static SymmetricEigen of(double[] a, int d, int crossover) {
    return d < crossover ? ejml(a, d) : recorded(a, d);
  }

  /** EJML's own decomposition. */
  static SymmetricEigen ejml(double[] a, int d) {
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(DMatrixRMaj.wrap(d, d, a.clone()))) {
      throw new IllegalStateException("eigendecomposition of the covariance failed");
    }
    double[] values = new double[d];
    double[][] vectors = new double[d][];
    for (int k = 0; k < d; k++) {
      values[k] = eig.getEigenvalue(k).getReal();
      vectors[k] = eig.getEigenVector(k).data;
    }
    return new SymmetricEigen(values, vectors);
  }

  /**
   * The steps of EJML's {@code SymmetricQRAlgorithmDecomposition_DDRM} (eigenvalues first, then the
   * vectors with the eigenvalues as shifts), with the rotations recorded and applied in batches.
   */
  static SymmetricEigen recorded(double[] a, int d) {
    BlockedTridiagonal tridiagonal = new BlockedTridiagonal(a, d);
    double[] diag = tridiagonal.diagonal.clone();
    double[] off = tridiagonal.off.clone();
    Recorder helper = new Recorder((int) Math.min(BATCH, Math.max(1024, 2L * d * d)));
    SymmetricQrAlgorithm_DDRM qr = new SymmetricQrAlgorithm_DDRM(helper);
    helper.init(diag, off, d);
    double[] diagSaved = helper.copyDiag(null);
    double[] offSaved = helper.copyOff(null);
    qr.setQ(null);
    qr.setFastEigenvalues(true);
    if (!qr.process(-1, null, null)) {
      throw new IllegalStateException("eigenvalues of the covariance did not converge");
    }
    double[] values = helper.copyEigenvalues(null);
    // The same helper, as EJML keeps it: its random state for exceptional shifts carries over.
    helper.reset(d);
    helper.swapDiag(diagSaved);
    helper.swapOff(offSaved);
    double[][] rows = tridiagonal.transposedQ();
    helper.rows = rows;
    // A placeholder: the helper only rotates when it has a matrix, and records instead.
    qr.setQ(new DMatrixRMaj(1, 1));
    if (!qr.process(-1, null, null, values)) {
      throw new IllegalStateException("eigenvectors of the covariance did not converge");
    }
    helper.flush();
    return new SymmetricEigen(helper.copyEigenvalues(values), rows);
  }

  /** EJML's QR helper, with each rotation of the eigenvector matrix recorded, not applied. */
  private static final class Recorder extends SymmetricQREigenHelper_DDRM {
    double[][] rows;
    private final int[] first;
    private final int[] second;
    private final double[] cosine;
    private final double[] sine;
    private int size;

    Recorder(int capacity) {
      first = new int[capacity];
      second = new int[capacity];
      cosine = new double[capacity];
      sine = new double[capacity];
    }

    @Override
    protected void updateQ(int m, int n, double c, double s) {
      if (size == first.length) {
        flush();
      }
      first[size] = m;
      second[size] = n;
      cosine[size] = c;
      sine[size] = s;
      size++;
    }

    /** Applies the recorded rotations, in order, strip by strip of columns. */
    void flush() {
      int n = size;
      if (n == 0) {
        return;
      }
      int d = rows.length;
      int strips = (d + STRIP - 1) / STRIP;
      Parallel.forRange(
          strips,
          1,
          true,
          (from, to) -> {
            // The strip is copied to rows allocated together, so that it spans few pages.
            double[][] strip = new double[d][STRIP];
            for (int s = from; s < to; s++) {
              int c0 = s * STRIP;
              int width = Math.min(d, c0 + STRIP) - c0;
              for (int r = 0; r < d; r++) {
                System.arraycopy(rows[r], c0, strip[r], 0, width);
              }
              // A QR sweep rotates rows (m, m+1), then (m+1, m+2), ...: chains of three are
              // applied in one go, with the shared rows read and written once.
              int at = 0;
              while (at < n) {
                if (at + 2 < n && second[at] == first[at + 1] && second[at + 1] == first[at + 2]) {
                  rotate3(strip, at, width);
                  at += 3;
                } else {
                  rotate(strip[first[at]], strip[second[at]], cosine[at], sine[at], width);
                  at++;
                }
              }
              for (int r = 0; r < d; r++) {
                System.arraycopy(strip[r], 0, rows[r], c0, width);
              }
            }
          });
      size = 0;
    }

    /**
     * Rotations r, r+1, r+2 on the rows (w, x), (x, y), (y, z): each entry sees the same products
     * and sums in the same order as one rotation at a time.
     */
    private void rotate3(double[][] strip, int r, int width) {
      double[] w = strip[first[r]];
      double[] x = strip[second[r]];
      double[] y = strip[second[r + 1]];
      double[] z = strip[second[r + 2]];
      double c0 = cosine[r];
      double s0 = sine[r];
      double c1 = cosine[r + 1];
      double s1 = sine[r + 1];
      double c2 = cosine[r + 2];
      double s2 = sine[r + 2];
      for (int j = 0; j < width; j++) {
        double a = w[j];
        double b = x[j];
        w[j] = c0 * a + s0 * b;
        b = -s0 * a + c0 * b;
        double e = y[j];
        x[j] = c1 * b + s1 * e;
        e = -s1 * b + c1 * e;
        double f = z[j];
        y[j] = c2 * e + s2 * f;
        z[j] = -s2 * e + c2 * f;
      }
    }

    private static void rotate(double[] x, double[] y, double c, double s, int width) {
      for (int j = 0; j < width; j++) {
        double a = x[j];
        double b = y[j];
        x[j] = c * a + s * b;
        y[j] = -s * a + c * b;
      }
    }
  }
}
