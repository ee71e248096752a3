package io.signcodec.core.vectors;

import java.io.IOException;
import java.util.Objects;

/**
 * A sequence of float vectors of one dimension that can be read more than once, batch by batch.
 *
 * <p>Training reads its source twice (moments, then the decoder refit), so a source is a recipe for
 * opening readers rather than a reader itself. A source may be far larger than memory: nothing
 * here requires it to be materialised.
 */
public interface VectorSource {

  /** Dimension of every vector this source yields. */
  int dimension();

  /** Opens a new pass over the vectors from the first one. The caller closes the reader. */
  VectorReader open() throws IOException;

  /**
   * A source over {@code count} vectors stored row-major in {@code vectors} (not copied: the caller
   * must not change the array while the source is in use).
   */
  static VectorSource of(float[] vectors, int dimension) {
    Objects.requireNonNull(vectors, "vectors");
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be positive: " + dimension);
    }
    if (vectors.length % dimension != 0) {
      throw new IllegalArgumentException("array length " + vectors.length
          + " is not a multiple of the dimension " + dimension);
    }
    return new ArrayVectorSource(vectors, 0, vectors.length / dimension, dimension);
  }
}
