package io.signcodec.spark;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;

/**
 * The one class that touches spark-mllib-local's {@code Vector}: only ML vector columns load it, so
 * an application without them needs no MLlib jar.
 */
final class MlVectors {
  private MlVectors() {}

  /** Whether {@code value} is an ML vector. Callers check that MLlib is present first. */
  static boolean isVector(Object value) {
    return value instanceof org.apache.spark.ml.linalg.Vector;
  }

  /**
   * Copies vector {@code value} into {@code dst[offset..offset + dimension)}, narrowed to float.
   *
   * @return null, or its defect if it is null or of another size
   */
  static String copy(Object value, float[] dst, int offset, int dimension) {
    String defect = Defects.vector(size(value), dimension);
    if (defect == null) {
      narrow(value, dst, offset);
    }
    return defect;
  }

  /** Copies the components of vector {@code value}, not null, into {@code dst} at offset. */
  static void narrow(Object value, float[] dst, int offset) {
    if (value instanceof DenseVector) {
      VectorColumn.copyNarrowed(((DenseVector) value).values(), dst, offset);
      return;
    }
    SparseVector sparse = (SparseVector) value;
    java.util.Arrays.fill(dst, offset, offset + sparse.size(), 0f);
    int[] indices = sparse.indices();
    double[] values = sparse.values();
    for (int j = 0; j < indices.length; j++) {
      dst[offset + indices[j]] = (float) values[j];
    }
  }

  /** The size of vector {@code value}, or -1 if it is null. */
  static int size(Object value) {
    return value == null ? -1 : ((org.apache.spark.ml.linalg.Vector) value).size();
  }

  /** The first stored component of vector {@code value} that does not narrow to a finite float. */
  static String nonFinite(Object value) {
    if (value instanceof DenseVector) {
      return Defects.nonFinite(((DenseVector) value).values(), null);
    }
    SparseVector sparse = (SparseVector) value;
    return Defects.nonFinite(sparse.values(), sparse.indices());
  }
}
