package io.signcodec.core.train;

import java.io.Serializable;

/**
 * A vector's scale for the jointly searched gain's training (docs/THEORY.md §7): the root mean
 * square of its centred coordinates off the first direction, against the data's, {@code e = √((‖x −
 * μ‖² − ⟨u_0, x − μ⟩²) / (tr Σ − λ_0))} (without a first direction, {@code √(‖x − μ‖² / tr Σ)}).
 * The gain's levels are fitted to it, and the directions' levels to the projections divided by the
 * level nearest to it: that is, to vectors scaled to a common norm, which is what the encoder then
 * codes. The mean direction is left out because its projection does not grow with the rest of a
 * vector.
 *
 * @param mean μ, the data's mean
 * @param first {@code u_0}, or null
 * @param variance {@code tr Σ − λ_0} (or {@code tr Σ}), positive
 */
record NormScale(float[] mean, float[] first, double variance) implements Serializable {
  /** The scale of the vector at {@code x[off ..]}. */
  double of(float[] x, int off) {
    int d = mean.length;
    double norm = 0;
    double along = 0;
    for (int t = 0; t < d; t++) {
      double c = (double) x[off + t] - mean[t];
      norm += c * c;
      if (first != null) {
        along += c * first[t];
      }
    }
    return Math.sqrt(Math.max(norm - along * along, 0) / variance);
  }
}
