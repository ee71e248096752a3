package io.signcodec.core.train;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.FloatKernels;
import io.signcodec.core.internal.Parallel;
import java.util.Arrays;
import java.util.Objects;

/**
 * One pass of mean and covariance over float vectors, in bounded memory, mergeable.
 *
 * <p>Vectors are gathered into blocks of {@value #BLOCK} ({@value #LARGE_BLOCK} from dimension
 * {@value #LARGE_DIMENSION} on); each block is centred on its own mean, the upper triangle of its
 * scatter matrix is formed in float by the register-blocked product kernel of {@link
 * FloatKernels#multiplyAdd} (row blocks in parallel), and the block is folded into the double
 * running totals with the pairwise update of Chan, Golub and LeVeque (rows in parallel). Because
 * block boundaries depend only on the order of the vectors, not on how the caller batches them, the
 * same sequence always gives the same bits. Two accumulators over two halves {@link #merge merge}
 * into the statistics of the whole (equal up to floating-point rounding).
 *
 * <p>Not thread-safe: give each thread its own and merge them.
 */
public final class CovarianceAccumulator implements PassAccumulator<CovarianceAccumulator> {
  private static final long serialVersionUID = 1L;
  static final int BLOCK = 256;

  /**
   * From this dimension on, blocks are {@value #LARGE_BLOCK} vectors: folding a block into the
   * double co-moment reads and writes all d² entries, which at d = 3072 took longer than forming
   * the scatter of 256 vectors; a float sum over 1 024 centred vectors still rounds far below the
   * sampling error of the covariance.
   */
  static final int LARGE_DIMENSION = 1024;

  static final int LARGE_BLOCK = 1024;

  /** Vectors per call of the kernel from dimension {@value #LARGE_DIMENSION} on (all below). */
  private static final int SLICE = 128;

  /** Rows of the scatter matrix per task. */
  private static final int ROWS = 32;

  private final int dimension;
  private long count;
  private final double[] mean;
  private final double[] comoment;

  // The open block: flushed before serialization, so it never travels.
  private transient float[][] block;
  private transient int blockCount;
  private transient float[][] blockScatter;
  private transient float[] transposed;
  private transient double[] blockMean;

  public CovarianceAccumulator(int dimension) {
    Checks.checkPositive("dimension", dimension);
    this.dimension = dimension;
    this.mean = new double[dimension];
    this.comoment = new double[Math.multiplyExact(dimension, dimension)];
  }

  public int dimension() {
    return dimension;
  }

  /** Vectors per block: fixed by the dimension, so that the same vectors give the same bits. */
  int blockSize() {
    return dimension >= LARGE_DIMENSION ? LARGE_BLOCK : BLOCK;
  }

  /** Adds {@code count} vectors stored row-major from {@code offset}. */
  @Override
  public void add(float[] vectors, int offset, int count) {
    Objects.requireNonNull(vectors, "vectors");
    Checks.checkRange("vectors", vectors.length, offset, count, dimension);
    Checks.checkFinite(vectors, offset, count, dimension);
    if (block == null) {
      block = new float[blockSize()][dimension];
    }
    for (int i = 0; i < count; i++) {
      System.arraycopy(vectors, offset + i * dimension, block[blockCount++], 0, dimension);
      if (blockCount == block.length) {
        flush();
      }
    }
  }

  /** Adds one vector. */
  public void add(float[] vector) {
    if (vector.length != dimension) {
      throw new IllegalArgumentException(
          "vector has dimension " + vector.length + ", expected " + dimension);
    }
    add(vector, 0, 1);
  }

  private void flush() {
    int m = blockCount;
    if (m == 0) {
      return;
    }
    if (blockMean == null) {
      blockMean = new double[dimension];
      blockScatter = new float[dimension][dimension];
    }
    Arrays.fill(blockMean, 0);
    for (int i = 0; i < m; i++) {
      for (int k = 0; k < dimension; k++) {
        blockMean[k] += block[i][k];
      }
    }
    for (int k = 0; k < dimension; k++) {
      blockMean[k] /= m;
    }
    for (int i = 0; i < m; i++) {
      for (int k = 0; k < dimension; k++) {
        block[i][k] = (float) (block[i][k] - blockMean[k]);
      }
    }
    scatter(m);
    combine(m, blockMean, blockScatter, null);
    blockCount = 0;
  }

  /**
   * The centred block's scatter matrix into {@code blockScatter}, its upper triangle in row blocks
   * of {@value #ROWS} as products of the block's transpose with the block, by {@link
   * FloatKernels#multiplyAdd}'s register-blocked kernel, in parallel. Every entry is the fused
   * multiply-add chain over the block's vectors in order, as {@link FloatKernels#addGram} forms it:
   * the same bits. The lower triangle is then copied from the upper.
   */
  private void scatter(int m) {
    int d = dimension;
    if (transposed == null) {
      transposed = new float[d * block.length];
    }
    for (int i = 0; i < m; i++) {
      float[] row = block[i];
      for (int k = 0; k < d; k++) {
        transposed[k * m + i] = row[k];
      }
    }
    int blocks = (d + ROWS - 1) / ROWS;
    // Top row blocks own more columns than bottom ones: interleave them so that each thread's
    // contiguous share of blocks carries a similar load.
    Parallel.forRange(
        blocks,
        1,
        (long) d * d * m > 1 << 23,
        (from, to) -> {
          for (int b = from; b < to; b++) {
            int i0 = (b % 2 == 0 ? b / 2 : blocks - 1 - b / 2) * ROWS;
            int i1 = Math.min(d, i0 + ROWS);
            float[][] rows = Arrays.copyOfRange(blockScatter, i0, i1);
            for (float[] row : rows) {
              Arrays.fill(row, i0, d, 0f);
            }
            // A slice of the block's vectors at a time, whose columns stay in L1 while the rows of
            // the row block go over them; every entry still sums over the vectors in order.
            int slice = d >= LARGE_DIMENSION ? SLICE : m;
            for (int k0 = 0; k0 < m; k0 += slice) {
              int k = Math.min(slice, m - k0);
              FloatKernels.multiplyAdd(
                  transposed, i0 * m + k0, m, null, block, k0, k, i0, d, rows, i1 - i0);
            }
          }
        });
    // The lower triangle from the upper, a tile at a time, so that the fold reads whole rows.
    Parallel.forRange(
        blocks,
        1,
        (long) d * d > 1 << 16,
        (from, to) -> {
          for (int b = from; b < to; b++) {
            int a0 = b * ROWS;
            int a1 = Math.min(d, a0 + ROWS);
            for (int c = 0; c < a1; c++) {
              float[] source = blockScatter[c];
              for (int a = Math.max(a0, c + 1); a < a1; a++) {
                blockScatter[a][c] = source[a];
              }
            }
          }
        });
  }

  /** Folds in a group of {@code m} vectors with mean {@code mb} and co-moment (float or double). */
  private void combine(long m, double[] mb, float[][] scatterF, double[] scatterD) {
    long total = count + m;
    double weight = (double) count * m / total;
    int d = dimension;
    double[] delta = new double[d];
    for (int b = 0; b < d; b++) {
      delta[b] = mb[b] - mean[b];
    }
    // Rows are independent.
    Parallel.forRange(
        d,
        ROWS,
        (long) d * d > 1 << 16,
        (from, to) -> {
          for (int a = from; a < to; a++) {
            double wa = weight * delta[a];
            int row = a * d;
            if (scatterF != null) {
              float[] s = scatterF[a];
              for (int b = 0; b < d; b++) {
                comoment[row + b] += s[b] + wa * delta[b];
              }
            } else {
              for (int b = 0; b < d; b++) {
                comoment[row + b] += scatterD[row + b] + wa * delta[b];
              }
            }
          }
        });
    for (int a = 0; a < d; a++) {
      mean[a] += (mb[a] - mean[a]) * m / total;
    }
    count = total;
  }

  /**
   * Adds everything {@code other} has seen, as if its vectors had been added here. Merged into an
   * empty accumulator, the statistics are copied exactly.
   */
  @Override
  public void merge(CovarianceAccumulator other) {
    if (other.dimension != dimension) {
      throw new IllegalArgumentException(
          "cannot merge dimension " + other.dimension + " into " + dimension);
    }
    flush();
    other.flush();
    if (other.count == 0) {
      return;
    }
    if (count == 0) {
      count = other.count;
      System.arraycopy(other.mean, 0, mean, 0, dimension);
      System.arraycopy(other.comoment, 0, comoment, 0, comoment.length);
      return;
    }
    combine(other.count, other.mean, null, other.comoment);
  }

  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    flush();
    out.defaultWriteObject();
  }

  /** Number of vectors added. */
  @Override
  public long count() {
    flush();
    return count;
  }

  /** The mean of the vectors added. */
  public double[] mean() {
    flush();
    return mean.clone();
  }

  /**
   * The covariance {@code Σ = (1/N) Σ_i (x_i − x̄)(x_i − x̄)ᵀ}, d×d row-major: normalised by N, so
   * that {@code N · tr Σ} is the NMSE denominator of the same vectors.
   */
  public double[] covariance() {
    flush();
    double[] c = comoment.clone();
    if (count > 0) {
      for (int i = 0; i < c.length; i++) {
        c[i] /= count;
      }
    }
    return c;
  }

  /** {@code tr Σ}, the mean squared distance of the vectors from their mean. */
  public double totalVariance() {
    flush();
    if (count == 0) {
      return 0;
    }
    double t = 0;
    for (int k = 0; k < dimension; k++) {
      t += comoment[k * dimension + k];
    }
    return t / count;
  }
}
