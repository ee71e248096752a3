package io.signcodec.core.train;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.RunningMoments;

/** The mean and overall scale of the vectors, all the data-free form is fitted to. */
final class ScaleAccumulator implements PassAccumulator<ScaleAccumulator> {
  private static final long serialVersionUID = 1L;

  private final int dimension;
  private final RunningMoments moments;

  ScaleAccumulator(int dimension) {
    this.dimension = dimension;
    this.moments = new RunningMoments(dimension);
  }

  @Override
  public void add(float[] vectors, int offset, int count) {
    Checks.checkRange("vectors", vectors.length, offset, count, dimension);
    Checks.checkFinite(vectors, offset, count, dimension);
    for (int i = 0; i < count; i++) {
      moments.add(vectors, offset + i * dimension);
    }
  }

  @Override
  public void merge(ScaleAccumulator other) {
    moments.merge(other.moments);
  }

  @Override
  public long count() {
    return moments.count();
  }

  double[] mean() {
    return moments.mean();
  }

  /** {@code tr Σ}, normalised by the count. */
  double totalVariance() {
    return moments.count() == 0 ? 0 : moments.totalVariation() / moments.count();
  }
}
