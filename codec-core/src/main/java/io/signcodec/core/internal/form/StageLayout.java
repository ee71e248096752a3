package io.signcodec.core.internal.form;

import java.util.Arrays;

/**
 * What the dense and structured forms hold besides their maps: the code bits of each stage and the
 * mean, with the dimension and total bits they imply. {@link DenseForm} and {@link StructuredForm}
 * extend it; {@link AllocatedForm}, whose stages are bit depths over its directions, keeps its own.
 */
abstract class StageLayout {
  final int dimension;
  final int bits;
  final int[] stageBits;
  final float[] mean;

  StageLayout(int[] stageBits, float[] mean) {
    this.dimension = mean.length;
    this.bits = Arrays.stream(stageBits).sum();
    this.stageBits = stageBits;
    this.mean = mean;
  }

  /** n_0..n_{K−1}, the code bits of each stage (not copied). */
  public final int[] stageBits() {
    return stageBits;
  }

  /** μ, d floats (not copied). */
  public final float[] mean() {
    return mean;
  }

  /** Whether {@code other} has the same stages and, to the bit, the same mean. */
  final boolean sameLayout(StageLayout other) {
    return Arrays.equals(stageBits, other.stageBits) && Arrays.equals(mean, other.mean);
  }
}
