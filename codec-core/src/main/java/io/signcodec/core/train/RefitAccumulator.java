package io.signcodec.core.train;

import io.signcodec.core.Codebook;
import io.signcodec.core.SignCodes;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.internal.FloatKernels;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Sufficient statistics of the decoder's least-squares problem, {@code Xcᵀ Z} (d×n) and {@code Zᵀ
 * Z} (n×n), kept separately for the fitting vectors and for every {@code holdoutEvery}-th vector of
 * each part, which is held out. The codes Z are those of the provisional codebook of the pass;
 * blocks of up to {@value #BLOCK} vectors are multiplied in float (exact for {@code Zᵀ Z}, whose
 * entries are small integers) and summed in double.
 */
final class RefitAccumulator implements PassAccumulator<RefitAccumulator> {
  private static final long serialVersionUID = 1L;
  static final int BLOCK = 256;

  private final int d;
  private final int n;
  private final float[] center;
  private final int holdoutEvery;
  private final Part train;
  private final Part holdout;
  private long seen;

  // Scratch of the part that adds; absent in an accumulator that has travelled.
  private final transient Codebook provisional;
  private transient SignEncoder encoder;
  private transient byte[] codes;
  private transient float[][] gramScratch;
  private transient float[][] crossScratch;

  RefitAccumulator(Codebook provisional, float[] center, int holdoutEvery) {
    this.provisional = provisional;
    this.d = provisional.dimension();
    this.n = provisional.bits();
    this.center = center;
    this.holdoutEvery = holdoutEvery;
    this.train = new Part(d, n);
    this.holdout = new Part(d, n);
  }

  /**
   * The statistics of one of the two sets of vectors: their count, {@code Σ‖x‖²}, {@code X Zᵀ} and
   * {@code Z Zᵀ}; and its open block.
   */
  static final class Part implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    long count;
    double squaredNorm;
    final DMatrixRMaj cross;
    final DMatrixRMaj gram;
    transient float[][] x;
    transient float[][] z;
    transient int rows;

    Part(int d, int n) {
      cross = new DMatrixRMaj(d, n);
      gram = new DMatrixRMaj(n, n);
    }

    void merge(Part other) {
      count += other.count;
      squaredNorm += other.squaredNorm;
      CommonOps_DDRM.addEquals(cross, other.cross);
      CommonOps_DDRM.addEquals(gram, other.gram);
    }
  }

  @Override
  public void add(float[] vectors, int offset, int count) {
    if (provisional == null) {
      throw new IllegalStateException("a refit accumulator that was serialized only merges");
    }
    io.signcodec.core.internal.Checks.checkRange("vectors", vectors.length, offset, count, d);
    int codeBytes = SignCodes.codeBytes(n);
    if (encoder == null) {
      encoder = SignEncoder.of(provisional);
      gramScratch = new float[n][n];
      crossScratch = new float[d][n];
    }
    if (codes == null || codes.length < count * codeBytes) {
      codes = new byte[count * codeBytes];
    }
    encoder.encode(vectors, offset, codes, 0, count);
    for (int i = 0; i < count; i++) {
      Part part = ++seen % holdoutEvery == 0 ? holdout : train;
      addRow(part, vectors, offset + i * d, i * codeBytes);
    }
  }

  private void addRow(Part part, float[] batch, int off, int codeOff) {
    if (part.x == null) {
      part.x = new float[BLOCK][d];
      part.z = new float[BLOCK][n];
    }
    float[] xr = part.x[part.rows];
    double sq = 0;
    for (int k = 0; k < d; k++) {
      float c = batch[off + k] - center[k];
      xr[k] = c;
      sq += (double) c * c;
    }
    part.squaredNorm += sq;
    SignCodes.unpack(codes, codeOff, n, part.z[part.rows], 0);
    part.rows++;
    part.count++;
    if (part.rows == BLOCK) {
      flush(part);
    }
  }

  private void flush(Part part) {
    if (part.rows == 0) {
      return;
    }
    FloatKernels.clear(gramScratch, n, n);
    FloatKernels.addGram(part.z, n, part.rows, gramScratch, true);
    FloatKernels.clear(crossScratch, d, n);
    FloatKernels.addTransposeProduct(part.x, d, part.z, n, part.rows, crossScratch, true);
    addInto(part.gram, gramScratch);
    addInto(part.cross, crossScratch);
    part.rows = 0;
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

  private void flush() {
    flush(train);
    flush(holdout);
  }

  @Override
  public void merge(RefitAccumulator other) {
    if (other.d != d || other.n != n) {
      throw new IllegalArgumentException(
          "cannot merge a refit of "
              + other.n
              + " bits in "
              + "dimension "
              + other.d
              + " into one of "
              + n
              + " bits in dimension "
              + d);
    }
    flush();
    other.flush();
    train.merge(other.train);
    holdout.merge(other.holdout);
    seen += other.seen;
  }

  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    flush();
    out.defaultWriteObject();
  }

  @Override
  public long count() {
    return seen;
  }

  /** The sums over the vectors the decoder is fitted on, their open block flushed. */
  Part train() {
    flush();
    return train;
  }

  /** The sums over the held-out vectors that choose the shrinkage, their open block flushed. */
  Part holdout() {
    flush();
    return holdout;
  }

  DMatrixRMaj crossAll() {
    DMatrixRMaj all = train().cross.copy();
    CommonOps_DDRM.addEquals(all, holdout.cross);
    return all;
  }

  DMatrixRMaj gramAll() {
    DMatrixRMaj all = train().gram.copy();
    CommonOps_DDRM.addEquals(all, holdout.gram);
    return all;
  }
}
