package io.signcodec.core;

import io.signcodec.core.internal.Checks;
import java.util.Objects;

/**
 * How a codebook was made, carried inside it so that a file found later still says what it is.
 *
 * @param method how the encoder was chosen
 * @param seed the random seed the trainer used
 * @param trainVectors number of vectors the codebook was trained on (0 if none)
 * @param trainNmse NMSE on the training vectors, or NaN if not measured
 * @param predictedNmse NMSE predicted for Gaussian data with the training covariance, or NaN
 */
public record CodebookInfo(
    Method method, long seed, long trainVectors, double trainNmse, double predictedNmse) {

  /** How the encoder was chosen. The ordinal is not the wire code: see {@link #code()}. */
  public enum Method {
    /** Gradient ascent on the Gaussian surrogate objective from the data's covariance. */
    TRAINED(0),
    /** The data-free optimal form for isotropic data (orthogonal rows or a tight frame). */
    ISOTROPIC(1),
    /** Matrices supplied by the caller. */
    EXTERNAL(2);

    private final int code;

    Method(int code) {
      this.code = code;
    }

    /** The byte that stands for this method in the codebook format. */
    public int code() {
      return code;
    }

    /** The method for a format byte, or null if unknown. */
    public static Method fromCode(int code) {
      for (Method m : values()) {
        if (m.code == code) {
          return m;
        }
      }
      return null;
    }
  }

  public CodebookInfo {
    Objects.requireNonNull(method, "method");
    Checks.checkAtLeast("trainVectors", trainVectors, 0);
  }
}
