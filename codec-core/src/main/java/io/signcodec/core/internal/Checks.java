package io.signcodec.core.internal;

/** Argument checks shared by the batch APIs, with messages that name what and where. */
public final class Checks {
  private Checks() {}

  /**
   * Checks that {@code value}, the argument {@code name}, is at least 1.
   *
   * @throws IllegalArgumentException as {@code "dimension must be positive: 0"}
   */
  public static void checkPositive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }

  /**
   * Checks that {@code value}, the argument {@code name}, is at least {@code min}.
   *
   * @throws IllegalArgumentException as {@code "k must be >= 1: 0"}
   */
  public static void checkAtLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ": " + value);
    }
  }

  /**
   * Checks that {@code count} items of {@code stride} elements fit in an array of {@code length}
   * from {@code off}.
   */
  public static void checkRange(String name, int length, int off, int count, int stride) {
    checkAtLeast("count", count, 0);
    long end = off + (long) count * stride;
    if (off < 0 || end > length) {
      throw new IllegalArgumentException(
          String.format(
              "%s: %d vectors of %d values from offset %d need %d elements, array has %d",
              name, count, stride, off, end, length));
    }
  }

  /**
   * The bounds check of a vector reader's {@code read} ({@code reading}) or a writer's {@code
   * write}: {@code count} vectors of {@code dimension} floats from {@code offset} in an array of
   * {@code length}.
   *
   * @throws IndexOutOfBoundsException as the reader and writer interfaces promise
   */
  public static void checkTransfer(
      boolean reading, int length, int offset, int count, int dimension) {
    if (count < 0 || offset < 0 || offset + (long) count * dimension > length) {
      throw new IndexOutOfBoundsException(
          (reading ? "cannot read " : "cannot take ")
              + count
              + " vectors of dimension "
              + dimension
              + (reading ? " into" : " from")
              + " an array of length "
              + length
              + " at offset "
              + offset);
    }
  }

  /**
   * Checks that every component of {@code count} vectors from {@code off} is finite; the message
   * numbers vectors from 0 at {@code off}.
   */
  public static void checkFinite(float[] src, int off, int count, int dimension) {
    checkFinite(src, off, count, dimension, 0);
  }

  /**
   * As {@link #checkFinite(float[], int, int, int)}, numbering the vectors from {@code firstIndex}:
   * their position in a longer sequence.
   */
  public static void checkFinite(float[] src, int off, int count, int dimension, long firstIndex) {
    // A SIMD pass finds whether anything is wrong; only then the loop below says where.
    if (count == 0 || Backends.ACTIVE.allFinite(src, off, count * dimension)) {
      return;
    }
    for (int i = 0; i < count; i++) {
      int base = off + i * dimension;
      for (int k = 0; k < dimension; k++) {
        float v = src[base + k];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException(
              "vector " + (firstIndex + i) + ", component " + k + " is " + v + " (not finite)");
        }
      }
    }
  }
}
