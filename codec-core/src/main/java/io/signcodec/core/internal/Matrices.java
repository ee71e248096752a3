package io.signcodec.core.internal;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/** Conversions between the float32 arrays codebooks store and EJML's double matrices. */
public final class Matrices {
  private Matrices() {}

  /** A rows×cols double matrix from a row-major float array. */
  public static DMatrixRMaj toDouble(float[] m, int rows, int cols) {
    DMatrixRMaj out = new DMatrixRMaj(rows, cols);
    for (int i = 0; i < m.length; i++) {
      out.data[i] = m[i];
    }
    return out;
  }

  /** Each value rounded to float. */
  public static float[] toFloat(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }

  /** k orthonormal rows in R^d, Haar-distributed: Q of a Gaussian matrix, signs fixed by R. */
  public static DMatrixRMaj randomOrthonormalRows(int k, int d, Random random) {
    DMatrixRMaj x = new DMatrixRMaj(d, k);
    for (int i = 0; i < x.data.length; i++) {
      x.data[i] = random.nextGaussian();
    }
    QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(d, k);
    if (!qr.decompose(x)) {
      throw new IllegalStateException("QR decomposition failed");
    }
    DMatrixRMaj q = qr.getQ(null, true);
    DMatrixRMaj rr = qr.getR(null, true);
    DMatrixRMaj rows = new DMatrixRMaj(k, d);
    for (int i = 0; i < k; i++) {
      double sign = rr.get(i, i) < 0 ? -1 : 1;
      for (int c = 0; c < d; c++) {
        rows.set(i, c, sign * q.get(c, i));
      }
    }
    return rows;
  }
}
