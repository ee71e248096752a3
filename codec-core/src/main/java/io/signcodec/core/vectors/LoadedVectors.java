package io.signcodec.core.vectors;

import io.signcodec.core.VectorSource;

/**
 * Vectors read fully into memory by {@link VectorFiles#readAll}: {@link #count()} vectors of {@link
 * #dimension()} floats, row-major in {@link #vectors()}.
 */
public final class LoadedVectors {
  private final float[] vectors;
  private final int dimension;

  LoadedVectors(float[] vectors, int dimension) {
    this.vectors = vectors;
    this.dimension = dimension;
  }

  /** The vectors, row-major, exactly {@code count() * dimension()} long; not a copy. */
  public float[] vectors() {
    return vectors;
  }

  public int dimension() {
    return dimension;
  }

  public int count() {
    return vectors.length / dimension;
  }

  /** A source over these vectors (sharing the array). */
  public VectorSource asSource() {
    return VectorSource.of(vectors, dimension);
  }

  @Override
  public String toString() {
    return "LoadedVectors[" + count() + " x " + dimension + "]";
  }
}
