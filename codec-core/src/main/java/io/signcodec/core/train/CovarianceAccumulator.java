package io.signcodec.core.train;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.FloatKernels;
import java.util.Objects;

/**
 * One pass of mean and covariance over float vectors, in bounded memory, mergeable.
 *
 * <p>Vectors are gathered into blocks of {@value #BLOCK}; each block is centred on its own mean,
 * its scatter matrix is formed with a symmetric blocked kernel, and the block is folded into the
 * running totals with the pairwise update of Chan, Golub and LeVeque. Because block boundaries
 * depend only on the order of the vectors, not on how the caller batches them, the same sequence
 * always gives the same bits. Two accumulators over two halves {@link #merge merge} into the
 * statistics of the whole (equal up to floating-point rounding).
 *
 * <p>Not thread-safe: give each thread its own and merge them.
 */
public final class CovarianceAccumulator implements PassAccumulator<CovarianceAccumulator> {
  private static final long serialVersionUID = 1L;
  static final int BLOCK = 256;

  private final int dimension;
  private long count;
  private final double[] mean;
  private final double[] comoment;

  // The open block: flushed before serialization, so it never travels.
  private transient float[][] block;
  private transient int blockCount;
  private transient float[][] blockScatter;
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

  /** Adds {@code count} vectors stored row-major from {@code offset}. */
  @Override
  public void add(float[] vectors, int offset, int count) {
    Objects.requireNonNull(vectors, "vectors");
    Checks.checkRange("vectors", vectors.length, offset, count, dimension);
    Checks.checkFinite(vectors, offset, count, dimension);
    if (block == null) {
      block = new float[BLOCK][dimension];
    }
    for (int i = 0; i < count; i++) {
      System.arraycopy(vectors, offset + i * dimension, block[blockCount++], 0, dimension);
      if (blockCount == BLOCK) {
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
    java.util.Arrays.fill(blockMean, 0);
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
    FloatKernels.clear(blockScatter, dimension, dimension);
    FloatKernels.addGram(block, dimension, m, blockScatter, true);
    combine(m, blockMean, blockScatter, null);
    blockCount = 0;
  }

  /** Folds in a group of {@code m} vectors with mean {@code mb} and co-moment (float or double). */
  private void combine(long m, double[] mb, float[][] scatterF, double[] scatterD) {
    long total = count + m;
    double weight = (double) count * m / total;
    int d = dimension;
    for (int a = 0; a < d; a++) {
      double da = mb[a] - mean[a];
      int row = a * d;
      for (int b = 0; b < d; b++) {
        double s = scatterF != null ? scatterF[a][b] : scatterD[row + b];
        comoment[row + b] += s + weight * da * (mb[b] - mean[b]);
      }
    }
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
