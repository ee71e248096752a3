package io.signcodec.core.internal.form;

import io.signcodec.core.internal.FloatKernels;
import io.signcodec.core.internal.form.CodebookForm.TileDecoder;

/**
 * {@code x̂ = μ + Σ_j w_j a_j} for the forms that keep their decoder as a dense matrix: a tile of
 * codes becomes a tile of coefficient rows, which one kernel product with the columns {@code a_j}
 * (held as the rows of {@code columns}) adds onto rows that start at μ. The forms differ only in
 * what a code's coefficients are — its signs for a sign code, each direction's level for an
 * allocated code — so that is all they supply.
 */
final class DenseTileDecoder implements TileDecoder {
  /** Writes the coefficients of the code at {@code src[off..]} to {@code into[at..]}. */
  @FunctionalInterface
  interface Coefficients {
    void unpack(byte[] src, int off, float[] into, int at);
  }

  private final float[] mean;
  private final float[][] columns;
  private final int width;
  private final int codeBytes;
  private final Coefficients coefficients;
  private final float[] tile;
  private final float[][] rows;

  /**
   * @param columns the decoder's columns as {@code width} rows of d (not copied)
   * @param codeBytes the bytes of one code
   */
  DenseTileDecoder(
      float[] mean, float[][] columns, int width, int codeBytes, Coefficients coefficients) {
    this.mean = mean;
    this.columns = columns;
    this.width = width;
    this.codeBytes = codeBytes;
    this.coefficients = coefficients;
    this.tile = new float[DenseForm.TILE * width];
    this.rows = new float[DenseForm.TILE][mean.length];
  }

  @Override
  public void decode(byte[] src, int srcOff, float[] dst, int dstOff, int count) {
    int dimension = mean.length;
    for (int t = 0; t < count; t += DenseForm.TILE) {
      int m = Math.min(DenseForm.TILE, count - t);
      for (int v = 0; v < m; v++) {
        coefficients.unpack(src, srcOff + (t + v) * codeBytes, tile, v * width);
        System.arraycopy(mean, 0, rows[v], 0, dimension);
      }
      FloatKernels.multiplyAdd(tile, 0, width, null, columns, 0, width, 0, dimension, rows, m);
      for (int v = 0; v < m; v++) {
        System.arraycopy(rows[v], 0, dst, dstOff + (t + v) * dimension, dimension);
      }
    }
  }
}
