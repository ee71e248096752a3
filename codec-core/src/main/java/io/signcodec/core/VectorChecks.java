package io.signcodec.core;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.FloatKernels;
import io.signcodec.core.internal.form.CodebookForm;
import java.util.Objects;

/**
 * The checks the encoder, decoder, scorer, trainer and stream writer apply to what they are given
 * (a vector's dimension, a code's length, finiteness, projections that do not overflow), for
 * callers that stage vectors or codes themselves and want the same refusal, worded the same, before
 * they hand them on.
 */
public final class VectorChecks {
  private VectorChecks() {}

  /**
   * Checks that {@code vector}, named {@code what} in the message, has the codebook's {@code
   * dimension}.
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
      throw new IllegalArgumentException(
          what + " has dimension " + actual + ", codebook expects " + dimension);
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
      throw new IllegalArgumentException(
          what + " has " + code.length + " bytes, codebook expects " + codeBytes);
    }
  }

  /**
   * Checks that every component of {@code count} vectors of {@code dimension} floats, row-major
   * from {@code offset}, is finite.
   *
   * @param firstIndex the number messages give the first of these vectors: its position in the
   *     caller's longer sequence
   * @throws IllegalArgumentException naming the first vector and component that is NaN or infinite
   */
  public static void checkFinite(
      float[] vectors, int offset, int count, int dimension, long firstIndex) {
    Checks.checkFinite(vectors, offset, count, dimension, firstIndex);
  }

  /**
   * Checks that {@code count} vectors of the codebook's dimension, row-major from {@code offset},
   * can be encoded with {@code codebook}: as {@link #checkFinite}, and every projection the encoder
   * computes is finite (docs/FORMAT.md §1). Finite components near the end of the float range can
   * overflow the codebook's float32 arithmetic, and the code of a NaN or infinite projection would
   * mean nothing. {@link SignEncoder} applies this check to every batch before it writes any code;
   * callers that encode a batch in parts use it to refuse the whole batch first.
   *
   * <p>One pass over the vectors compares their magnitudes with a bound under which the codebook's
   * arithmetic cannot overflow; only the vectors above it have their projections computed here.
   *
   * @param firstIndex the number messages give the first of these vectors
   * @throws IllegalArgumentException as {@code "vector 2, component 3 is NaN (not finite)"}, or
   *     {@code "vector 2, projection 5 is Infinity (not finite: the vector overflows float32 in
   *     this codebook's arithmetic)"}, naming the first such vector and, in it, the first component
   *     or projection (a projection's index is that of its code bit, or for an allocated codebook
   *     that of its direction)
   */
  public static void checkEncodable(
      Codebook codebook, float[] vectors, int offset, int count, long firstIndex) {
    int dimension = codebook.dimension();
    CodebookForm form = codebook.form();
    int safe = magnitudeBits(form.safeMagnitude());
    if (FloatKernels.allWithin(vectors, offset, count * dimension, safe)) {
      return;
    }
    Checks.checkFinite(vectors, offset, count, dimension, firstIndex);
    for (int i = 0; i < count; i++) {
      int at = offset + i * dimension;
      if (FloatKernels.allWithin(vectors, at, dimension, safe)) {
        continue;
      }
      float[] p = form.projections(vectors, at);
      for (int j = 0; j < p.length; j++) {
        if (!Float.isFinite(p[j])) {
          throw new IllegalArgumentException(
              "vector "
                  + (firstIndex + i)
                  + ", projection "
                  + j
                  + " is "
                  + p[j]
                  + " (not finite: the vector overflows float32 in this codebook's"
                  + " arithmetic)");
        }
      }
    }
  }

  /** The bits of the largest float at most {@code bound}, or −1 if {@code bound < 0}. */
  private static int magnitudeBits(double bound) {
    if (!(bound >= 0)) {
      return -1;
    }
    float f = (float) Math.min(bound, Float.MAX_VALUE);
    return Float.floatToRawIntBits(f > bound ? Math.nextDown(f) : f);
  }
}
