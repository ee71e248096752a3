package io.signcodec.core.train;

import io.signcodec.core.SignCodes;
import io.signcodec.core.internal.FloatKernels;
import org.ejml.data.DMatrixRMaj;

/**
 * Sufficient statistics of the decoder's least-squares problem, {@code Xcᵀ Z} (d×n) and
 * {@code Zᵀ Z} (n×n), kept separately for the fitting vectors and for every
 * {@code holdoutEvery}-th vector, which is held out. Blocks of up to {@value #BLOCK} vectors are
 * multiplied in float (exact for {@code Zᵀ Z}, whose entries are small integers) and summed in
 * double.
 */
final class RefitAccumulator {
  static final int BLOCK = 256;

  private final int d;
  private final int n;
  private final float[] mean;
  private final int holdoutEvery;
  private final Part train;
  private final Part holdout;
  private final float[][] gramScratch;
  private final float[][] crossScratch;
  private long seen;

  RefitAccumulator(int d, int n, float[] mean, int holdoutEvery) {
    this.d = d;
    this.n = n;
    this.mean = mean;
    this.holdoutEvery = holdoutEvery;
    this.train = new Part();
    this.holdout = new Part();
    this.gramScratch = new float[n][n];
    this.crossScratch = new float[d][n];
  }

  private final class Part {
    final float[][] x = new float[BLOCK][d];
    final float[][] z = new float[BLOCK][n];
    int rows;
    long count;
    double squaredNorm;
    final DMatrixRMaj cross = new DMatrixRMaj(d, n);
    final DMatrixRMaj gram = new DMatrixRMaj(n, n);

    void add(float[] batch, int off, byte[] codes, int codeOff) {
      float[] xr = x[rows];
      double sq = 0;
      for (int k = 0; k < d; k++) {
        float c = batch[off + k] - mean[k];
        xr[k] = c;
        sq += (double) c * c;
      }
      squaredNorm += sq;
      SignCodes.unpack(codes, codeOff, n, z[rows], 0);
      rows++;
      count++;
      if (rows == BLOCK) {
        flush();
      }
    }

    void flush() {
      if (rows == 0) {
        return;
      }
      FloatKernels.clear(gramScratch, n, n);
      FloatKernels.addGram(z, n, rows, gramScratch, true);
      FloatKernels.clear(crossScratch, d, n);
      FloatKernels.addTransposeProduct(x, d, z, n, rows, crossScratch, true);
      addInto(gram, gramScratch);
      addInto(cross, crossScratch);
      rows = 0;
    }
  }

  private static void addInto(DMatrixRMaj sum, float[][] block) {
    int cols = sum.numCols;
    for (int i = 0; i < block.length; i++) {
      float[] row = block[i];
      for (int j = 0; j < cols; j++) {
        sum.data[i * cols + j] += row[j];
      }
    }
  }

  /** Adds {@code count} vectors and their codes. */
  void add(float[] batch, int off, byte[] codes, int count) {
    int codeBytes = SignCodes.codeBytes(n);
    for (int i = 0; i < count; i++) {
      Part part = ++seen % holdoutEvery == 0 ? holdout : train;
      part.add(batch, off + i * d, codes, i * codeBytes);
    }
  }

  void flush() {
    train.flush();
    holdout.flush();
  }

  long count() {
    return seen;
  }

  long trainCount() {
    return train.count;
  }

  long holdoutCount() {
    return holdout.count;
  }

  DMatrixRMaj crossTrain() {
    return train.cross;
  }

  DMatrixRMaj gramTrain() {
    return train.gram;
  }

  DMatrixRMaj crossHoldout() {
    return holdout.cross;
  }

  DMatrixRMaj gramHoldout() {
    return holdout.gram;
  }

  double holdoutSquaredNorm() {
    return holdout.squaredNorm;
  }

  DMatrixRMaj crossAll() {
    DMatrixRMaj all = train.cross.copy();
    org.ejml.dense.row.CommonOps_DDRM.addEquals(all, holdout.cross);
    return all;
  }

  DMatrixRMaj gramAll() {
    DMatrixRMaj all = train.gram.copy();
    org.ejml.dense.row.CommonOps_DDRM.addEquals(all, holdout.gram);
    return all;
  }
}
