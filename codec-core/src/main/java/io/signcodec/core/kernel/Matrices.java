package io.signcodec.core.kernel;

import org.ejml.data.DMatrixRMaj;

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
}
