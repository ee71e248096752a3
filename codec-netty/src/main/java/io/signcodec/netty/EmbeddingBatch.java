package io.signcodec.netty;

import java.util.Objects;

/**
 * A batch of embeddings: {@code count} vectors of dimension {@code d}, row-major in one float
 * array. This is what {@link SignFrameEncoder} takes and {@link SignFrameDecoder} produces.
 *
 * <p>The array is not copied: a batch handed to a channel belongs to the pipeline until written,
 * and a decoded batch belongs to whoever receives it. Ids or other metadata travel in the
 * application's own messages; the frames carry vectors only.
 */
public final class EmbeddingBatch {
  private final int dimension;
  private final int count;
  private final float[] vectors;

  /**
   * @param vectors at least {@code count × dimension} floats; the first that many are the batch
   */
  public EmbeddingBatch(int dimension, int count, float[] vectors) {
    Objects.requireNonNull(vectors, "vectors");
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive: " + dimension);
    }
    if (count < 0 || (long) count * dimension > vectors.length) {
      throw new IllegalArgumentException(
          "count "
              + count
              + " of dimension "
              + dimension
              + " needs "
              + (long) count * dimension
              + " floats, array has "
              + vectors.length);
    }
    this.dimension = dimension;
    this.count = count;
    this.vectors = vectors;
  }

  /** A batch of all the vectors in {@code vectors}. */
  public static EmbeddingBatch of(int dimension, float[] vectors) {
    if (dimension < 1 || vectors.length % dimension != 0) {
      throw new IllegalArgumentException(
          "array length " + vectors.length + " is not a multiple of the dimension " + dimension);
    }
    return new EmbeddingBatch(dimension, vectors.length / dimension, vectors);
  }

  public int dimension() {
    return dimension;
  }

  public int count() {
    return count;
  }

  /** The backing array, row-major; vector i starts at {@code i × dimension}. */
  public float[] vectors() {
    return vectors;
  }

  @Override
  public String toString() {
    return "EmbeddingBatch[d=" + dimension + ", count=" + count + "]";
  }
}
