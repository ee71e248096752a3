package io.signcodec.core.internal;

/**
 * Per-coordinate mean and sum of squared deviations of a sequence of vectors, by Welford's update
 * (no cancellation in the variance), mergeable with the pairwise rule of Chan, Golub and LeVeque.
 * Merged into an empty instance, the statistics are copied exactly. Not thread-safe.
 */
public final class RunningMoments implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] mean;
  private final double[] m2;
  private long count;

  public RunningMoments(int dimension) {
    this.mean = new double[dimension];
    this.m2 = new double[dimension];
  }

  /** Adds the vector at {@code v[offset .. offset + d)}. */
  public void add(float[] v, int offset) {
    long c = ++count;
    for (int k = 0; k < mean.length; k++) {
      double x = v[offset + k];
      double delta = x - mean[k];
      mean[k] += delta / c;
      m2[k] += delta * (x - mean[k]);
    }
  }

  /** Appends what {@code other} has seen. */
  public void merge(RunningMoments other) {
    if (other.mean.length != mean.length) {
      throw new IllegalArgumentException(
          "cannot merge dimension " + other.mean.length + " into " + mean.length);
    }
    if (other.count == 0) {
      return;
    }
    if (count == 0) {
      System.arraycopy(other.mean, 0, mean, 0, mean.length);
      System.arraycopy(other.m2, 0, m2, 0, m2.length);
      count = other.count;
      return;
    }
    long total = count + other.count;
    double weight = (double) count * other.count / total;
    for (int k = 0; k < mean.length; k++) {
      double delta = other.mean[k] - mean[k];
      m2[k] += other.m2[k] + weight * delta * delta;
      mean[k] += delta * other.count / total;
    }
    count = total;
  }

  public long count() {
    return count;
  }

  /** The mean of the vectors added (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** {@code Σ_i ‖x_i − x̄‖²}. */
  public double totalVariation() {
    double t = 0;
    for (double v : m2) {
      t += v;
    }
    return t;
  }
}
