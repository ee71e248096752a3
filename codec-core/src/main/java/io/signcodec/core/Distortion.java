package io.signcodec.core;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.RunningMoments;

/**
 * Measures how well reconstructions match originals, over any number of batches: {@code NMSE = Σ‖x
 * − x̂‖² / Σ‖x − x̄‖²} (x̄ the mean of the originals seen) and the mean cosine similarity between x
 * and x̂. Sums are kept in double; the mean uses Welford's update, so the denominator does not
 * suffer from cancellation.
 *
 * <p>Not thread-safe. Two measurements over two parts of the data {@link #merge} into the
 * measurement of the whole; serializable, so that the parts may be measured apart.
 */
public final class Distortion implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final int dimension;
  private final RunningMoments originals;
  private long count;
  private double squaredError;
  private double cosineSum;

  public Distortion(int dimension) {
    Checks.checkPositive("dimension", dimension);
    this.dimension = dimension;
    this.originals = new RunningMoments(dimension);
  }

  /**
   * The distortion of {@code codebook} on {@code vectors} (row-major, finite): each is encoded and
   * decoded, and the pairs are measured.
   */
  public static Distortion of(Codebook codebook, float[] vectors) {
    int d = codebook.dimension();
    if (vectors.length % d != 0) {
      throw new IllegalArgumentException(
          vectors.length + " floats are not whole vectors of " + "dimension " + d);
    }
    int count = vectors.length / d;
    byte[] codes = new byte[Math.multiplyExact(count, codebook.codeBytes())];
    float[] decoded = new float[vectors.length];
    SignEncoder.of(codebook).encode(vectors, 0, codes, 0, count);
    LinearDecoder.of(codebook).decode(codes, 0, decoded, 0, count);
    Distortion distortion = new Distortion(d);
    distortion.add(vectors, 0, decoded, 0, count);
    return distortion;
  }

  /** Adds {@code count} pairs of row-major vectors. */
  public void add(
      float[] original, int originalOff, float[] reconstructed, int reconstructedOff, int count) {
    Checks.checkRange("original", original.length, originalOff, count, dimension);
    Checks.checkRange("reconstructed", reconstructed.length, reconstructedOff, count, dimension);
    for (int i = 0; i < count; i++) {
      int o = originalOff + i * dimension;
      int r = reconstructedOff + i * dimension;
      this.count++;
      originals.add(original, o);
      double err = 0;
      double dot = 0;
      double nx = 0;
      double ny = 0;
      for (int k = 0; k < dimension; k++) {
        double x = original[o + k];
        double y = reconstructed[r + k];
        double e = x - y;
        err += e * e;
        dot += x * y;
        nx += x * x;
        ny += y * y;
      }
      squaredError += err;
      if (nx > 0 && ny > 0) {
        cosineSum += dot / Math.sqrt(nx * ny);
      } else if (nx == 0 && ny == 0) {
        cosineSum += 1;
      }
    }
  }

  /** Adds the pairs {@code other} has measured, as if they had followed these. */
  public void merge(Distortion other) {
    if (other.dimension != dimension) {
      throw new IllegalArgumentException(
          "cannot merge dimension " + other.dimension + " into " + dimension);
    }
    originals.merge(other.originals);
    count += other.count;
    squaredError += other.squaredError;
    cosineSum += other.cosineSum;
  }

  /** Pairs added. */
  public long count() {
    return count;
  }

  /** {@code Σ‖x − x̂‖²}. */
  public double squaredError() {
    return squaredError;
  }

  /** {@code Σ‖x − x̄‖²}. */
  public double totalVariation() {
    return originals.totalVariation();
  }

  /** Normalised mean squared error; NaN if the originals have no variance. */
  public double nmse() {
    double t = totalVariation();
    return t > 0 ? squaredError / t : Double.NaN;
  }

  /** Mean cosine similarity between originals and reconstructions (1 for two zero vectors). */
  public double meanCosine() {
    return count == 0 ? Double.NaN : cosineSum / count;
  }
}
