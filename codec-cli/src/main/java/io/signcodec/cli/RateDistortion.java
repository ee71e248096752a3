package io.signcodec.cli;

/**
 * Shannon's distortion-rate function of a Gaussian source with independent components of variances
 * {@code λ_k} (reverse water-filling): the NMSE no code of {@code r·d} bits can beat.
 */
final class RateDistortion {
  private RateDistortion() {}

  /**
   * The least NMSE {@code Σ min(θ, λ_k) / Σ λ_k} at {@code rate} bits per coordinate, where the
   * water level θ spends the bits: {@code Σ_{λ_k > θ} ½ log2(λ_k / θ) = rate · d}. For equal
   * variances this is {@code 2^(−2r)}.
   */
  static double gaussianNmse(double[] variances, double rate) {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("rate must be finite and >= 0: " + rate);
    }
    double total = 0;
    double max = 0;
    for (double v : variances) {
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("variances must be finite and positive: " + v);
      }
      total += v;
      max = Math.max(max, v);
    }
    double bits = rate * variances.length;
    // bits(θ) decreases from +∞ (θ → 0) to 0 (θ = max); bisect on log θ.
    double lo = Math.log(max) - 2 * bits * Math.log(2) - 1;
    double hi = Math.log(max);
    for (int i = 0; i < 200; i++) {
      double mid = 0.5 * (lo + hi);
      if (bitsAt(variances, Math.exp(mid)) > bits) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double theta = Math.exp(0.5 * (lo + hi));
    double distortion = 0;
    for (double v : variances) {
      distortion += Math.min(theta, v);
    }
    return distortion / total;
  }

  private static double bitsAt(double[] variances, double theta) {
    double b = 0;
    for (double v : variances) {
      if (v > theta) {
        b += 0.5 * Math.log(v / theta) / Math.log(2);
      }
    }
    return b;
  }
}
