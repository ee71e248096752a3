package io.signcodec.core;

import io.signcodec.core.internal.GaussianSignModel;
import io.signcodec.core.internal.Matrices;
import io.signcodec.core.internal.form.AllocatedForm;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Bounds on distortion (docs/THEORY.md §2): the sign-autoencoder limit, Shannon's bound, and the
 * Gaussian prediction for a particular codebook. The size caps are {@link Caps}. Distortions are
 * NMSE: squared error over the data's total variance.
 */
public final class DistortionBounds {
  private DistortionBounds() {}

  /**
   * The best NMSE any sign autoencoder {@code x̂ = A sign(B x)} reaches on isotropic Gaussian data
   * at {@code rate} bits per coordinate, as d → ∞: {@code 1 − 2r/π} for r ≤ 1, and {@code (π/2 −
   * 1)/(r + π/2 − 1)} above.
   */
  public static double signAutoencoderLimit(double rate) {
    checkRate(rate);
    if (rate <= 1) {
      return 1 - 2 * rate / Math.PI;
    }
    double c = Math.PI / 2 - 1;
    return c / (rate + c);
  }

  /** Shannon's distortion-rate bound {@code 2^(−2r)} for a Gaussian source: no code does better. */
  public static double shannonBound(double rate) {
    checkRate(rate);
    return Math.pow(2, -2 * rate);
  }

  private static void checkRate(double rate) {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("rate must be finite and >= 0: " + rate);
    }
  }

  /**
   * The NMSE {@code codebook} is expected to reach on Gaussian data with covariance {@code
   * covariance} (d×d row-major) centred at the codebook's mean, with the codebook's own decoder.
   * For an allocated codebook it is exact (each direction's Gaussian projection through its
   * levels); NaN for a multi-stage sign codebook: its later stages code residuals that are not
   * Gaussian, and no closed form is known; measure it instead.
   */
  public static double predictedNmse(Codebook codebook, double[] covariance) {
    Objects.requireNonNull(codebook, "codebook");
    int d = codebook.dimension();
    if (covariance.length != (long) d * d) {
      throw new IllegalArgumentException(
          "covariance has " + covariance.length + " entries, expected " + d + "×" + d);
    }
    if (codebook.isAllocated()) {
      double trace = trace(covariance, d);
      return ((AllocatedForm) codebook.form()).gaussianSquaredError(covariance) / trace;
    }
    if (codebook.stageCount() > 1) {
      return Double.NaN;
    }
    DMatrixRMaj sigma = DMatrixRMaj.wrap(d, d, covariance);
    double trace = trace(covariance, d);
    DMatrixRMaj b = Matrices.toDouble(codebook.encoder(), codebook.bits(), d);
    DMatrixRMaj a = Matrices.toDouble(codebook.decoder(), d, codebook.bits());
    return GaussianSignModel.of(b, sigma).risk(a, trace) / trace;
  }

  private static double trace(double[] covariance, int d) {
    double trace = 0;
    for (int k = 0; k < d; k++) {
      trace += covariance[k * d + k];
    }
    if (!(trace > 0)) {
      throw new IllegalArgumentException("covariance has no variance (trace " + trace + ")");
    }
    return trace;
  }
}
