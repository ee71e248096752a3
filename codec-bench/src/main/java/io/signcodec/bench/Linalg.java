package io.signcodec.bench;

import io.signcodec.core.internal.FloatKernels;
import io.signcodec.core.internal.Parallel;
import io.signcodec.core.train.CovarianceAccumulator;
import java.util.Arrays;
import java.util.function.Supplier;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/** The few dense-matrix helpers the bench needs, on top of codec-core's float kernels. */
final class Linalg {
  private static final int TILE = 32;

  private Linalg() {}

  /**
   * {@code (X − shift) · Mᵀ} for {@code count} rows of X (d wide) and M given as q rows of d,
   * row-major float result (count × q). Runs on the common pool.
   */
  static float[] multiplyTransposed(float[] x, int count, int d, float[] shift, double[] m, int q) {
    float[][] mt = new float[d][q];
    for (int j = 0; j < q; j++) {
      for (int k = 0; k < d; k++) {
        mt[k][j] = (float) m[j * d + k];
      }
    }
    float[] out = new float[count * q];
    productTiles(
        x,
        count,
        d,
        shift,
        mt,
        q,
        4,
        () ->
            (first, rows, c) -> {
              for (int i = 0; i < rows; i++) {
                System.arraycopy(c[i], 0, out, (first + i) * q, q);
              }
            });
    return out;
  }

  /** What is done with rows {@code [first, first + rows)} of a product, row i in {@code c[i]}. */
  @FunctionalInterface
  interface ProductTile {
    void accept(int first, int rows, float[][] c);
  }

  /**
   * {@code (X − shift) · Mᵀ} for {@code count} rows of X (d wide), M given transposed as d rows of
   * q, in tiles of {@value #TILE} rows on the common pool, each tile handed to a consumer; every
   * chunk of {@code grain} tiles gets a consumer of its own from {@code consumers}, so that a
   * consumer may keep scratch. {@code shift} may be null.
   */
  static void productTiles(
      float[] x,
      int count,
      int d,
      float[] shift,
      float[][] mt,
      int q,
      int grain,
      Supplier<ProductTile> consumers) {
    int tiles = (count + TILE - 1) / TILE;
    Parallel.forRange(
        tiles,
        grain,
        true,
        (from, to) -> {
          float[][] c = new float[TILE][q];
          ProductTile consumer = consumers.get();
          for (int t = from; t < to; t++) {
            int first = t * TILE;
            int rows = Math.min(TILE, count - first);
            FloatKernels.clear(c, rows, q);
            FloatKernels.multiplyAdd(x, first * d, d, shift, mt, 0, d, 0, q, c, rows);
            consumer.accept(first, rows, c);
          }
        });
  }

  /** Mean and covariance (d×d row-major, divided by the count) of row-major vectors. */
  static CovarianceAccumulator moments(float[] x, int d) {
    CovarianceAccumulator acc = new CovarianceAccumulator(d);
    acc.add(x, 0, x.length / d);
    return acc;
  }

  /** Eigen-decomposition of a symmetric matrix, eigenvalues in descending order. */
  record Eigen(double[] values, double[] vectorsAsRows) {}

  static Eigen symmetricEigen(double[] symmetric, int d) {
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(DMatrixRMaj.wrap(d, d, symmetric.clone()))) {
      throw new IllegalStateException("eigendecomposition failed");
    }
    Integer[] order = new Integer[d];
    for (int k = 0; k < d; k++) {
      order[k] = k;
    }
    Arrays.sort(
        order,
        (a, b) -> {
          int c = Double.compare(eig.getEigenvalue(b).real, eig.getEigenvalue(a).real);
          return c != 0 ? c : Integer.compare(a, b);
        });
    double[] values = new double[d];
    double[] rows = new double[d * d];
    for (int k = 0; k < d; k++) {
      values[k] = eig.getEigenvalue(order[k]).real;
      DMatrixRMaj v = eig.getEigenVector(order[k]);
      double norm = 0;
      for (int c = 0; c < d; c++) {
        norm += v.get(c) * v.get(c);
      }
      norm = Math.sqrt(norm);
      for (int c = 0; c < d; c++) {
        rows[k * d + c] = v.get(c) / norm;
      }
    }
    return new Eigen(values, rows);
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
