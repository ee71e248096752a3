package io.signcodec.core;

import io.signcodec.core.internal.Checks;

/**
 * The finiteness check the encoder, the trainer and the stream writer apply, for callers that
 * stage vectors themselves and want the same refusal, worded the same, before they hand them on.
 */
public final class VectorChecks {
  private VectorChecks() {}

  /**
   * Checks that every component of {@code count} vectors of {@code dimension} floats, row-major
   * from {@code offset}, is finite.
   *
   * @param firstIndex the number messages give the first of these vectors: its position in the
   *     caller's longer sequence
   * @throws IllegalArgumentException naming the first vector and component that is NaN or
   *     infinite
   */
  public static void checkFinite(float[] vectors, int offset, int count, int dimension,
      long firstIndex) {
    Checks.checkFinite(vectors, offset, count, dimension, firstIndex);
  }
}
