package io.signcodec.core;

import io.signcodec.core.internal.Checks;
import java.util.Objects;

/**
 * The checks the encoder, decoder, scorer, trainer and stream writer apply to what they are given
 * (a vector's dimension, a code's length, finiteness), for callers that stage vectors or codes
 * themselves and want the same refusal, worded the same, before they hand them on.
 */
public final class VectorChecks {
  private VectorChecks() {}

  /**
   * Checks that {@code vector}, named {@code what} in the message, has the codebook's
   * {@code dimension}.
   *
   * @throws NullPointerException if {@code vector} is null
   * @throws IllegalArgumentException as {@code "query has dimension 3, codebook expects 4"}
   */
  public static void checkDimension(String what, float[] vector, int dimension) {
    Objects.requireNonNull(vector, what);
    checkDimension(what, vector.length, dimension);
  }

  /**
   * Checks that a batch or source named {@code what}, of vectors of {@code actual} floats, matches
   * the codebook's {@code dimension}.
   *
   * @throws IllegalArgumentException as {@code "database has dimension 8, codebook expects 16"}
   */
  public static void checkDimension(String what, int actual, int dimension) {
    if (actual != dimension) {
      throw new IllegalArgumentException(what + " has dimension " + actual
          + ", codebook expects " + dimension);
    }
  }

  /**
   * Checks that {@code code}, named {@code what} in the message, is {@code codeBytes} long.
   *
   * @throws NullPointerException if {@code code} is null
   * @throws IllegalArgumentException as {@code "code has 2 bytes, codebook expects 1"}
   */
  public static void checkCodeLength(String what, byte[] code, int codeBytes) {
    Objects.requireNonNull(code, what);
    if (code.length != codeBytes) {
      throw new IllegalArgumentException(what + " has " + code.length
          + " bytes, codebook expects " + codeBytes);
    }
  }

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
