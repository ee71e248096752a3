package io.signcodec.core.internal;

/**
 * A query's bit weights rounded to 8 bits and laid out as bit planes, so that a code's score is
 * counted with AND and population counts ({@link FloatKernels#planeDot}) rather than read from
 * tables. Immutable.
 *
 * <p>The weight of code bit j is {@code v_j = 2 w_j} (what a set bit adds to {@code Σ_j w_j z_j}
 * over a clear one). Each 64-bit word k of the code gets a step {@code Δ_k = Δ·2^−s_k}: {@code Δ =
 * max_j |v_j| / 127} for the whole query, and {@code s_k ≤} {@link #SHIFT_RANGE} the most halvings
 * that keep the word's largest {@code |v_j|} within {@code 127 Δ_k}. Weights become {@code u_j =
 * round(v_j / Δ_k)} in [−127, 127], whose offsets {@code u_j + 128} go to planes 0 to 7 and whose
 * presence goes to plane 8. A power-of-two step per word keeps the sum a whole number, {@code Σ_k
 * (Σ_{j set} u_j) << (SHIFT_RANGE − s_k)}, counted exactly on every backend, and still gives each
 * word nearly 8 bits of its own range: the principal directions' bits and the last ones' differ in
 * weight by orders of magnitude. Then {@code Σ_{j set} v_j = unit · dot ± maxError}, {@code unit =
 * Δ·2^−SHIFT_RANGE}, where {@link #maxError} {@code = Σ_j Δ_{k(j)}/2} bounds the rounding of every
 * weight at once (typical errors are far smaller: they are independent, of either sign).
 *
 * <p>Costs: preparing, a pass over the n weights; scoring, nine 64-bit ANDs and population counts
 * per 64 code bits (against eight table look-ups).
 */
public final class QueryPlanes {
  /** The most halvings of the query's step for a word: weights below {@code 2^−24} of it vanish. */
  public static final int SHIFT_RANGE = 24;

  private final long[] planes;
  private final long[] shifts;
  private final int stride;
  private final int codeBytes;
  private final double unit;
  private final double maxError;

  private QueryPlanes(
      long[] planes, long[] shifts, int stride, int codeBytes, double unit, double maxError) {
    this.planes = planes;
    this.shifts = shifts;
    this.stride = stride;
    this.codeBytes = codeBytes;
    this.unit = unit;
    this.maxError = maxError;
  }

  /**
   * The planes of bit weights {@code 2 w_j} for codes of {@code codeBytes} bytes; the bits past
   * {@code w.length} (a gain's, padding) weigh nothing.
   *
   * @param w finite, at most {@code 8·codeBytes} of them
   */
  public static QueryPlanes of(double[] w, int codeBytes) {
    int n = w.length;
    if (n > 8L * codeBytes) {
      throw new IllegalArgumentException(n + " weights for " + codeBytes + " code bytes");
    }
    int words = (codeBytes + 7) >>> 3;
    int step = FloatKernels.PLANE_STRIDE_STEP;
    int stride = (words + step - 1) / step * step;
    double[] largest = new double[words];
    double top = 0;
    for (int j = 0; j < n; j++) {
      double a = Math.abs(2 * w[j]);
      largest[j >>> 6] = Math.max(largest[j >>> 6], a);
      top = Math.max(top, a);
    }
    long[] planes = new long[FloatKernels.PLANES * stride];
    long[] shifts = new long[stride];
    if (top == 0 || !Double.isFinite(top)) {
      if (!(top == 0)) {
        throw new IllegalArgumentException("bit weights are not finite");
      }
      return new QueryPlanes(planes, shifts, stride, codeBytes, 0, 0);
    }
    double delta = top / 127;
    double maxError = 0;
    for (int k = 0; k < words; k++) {
      int s = 0;
      while (s < SHIFT_RANGE && largest[k] <= Math.scalb(top, -(s + 1))) {
        s++;
      }
      shifts[k] = SHIFT_RANGE - s;
      double wordStep = Math.scalb(delta, -s);
      int end = Math.min(n, 64 * k + 64);
      for (int j = 64 * k; j < end; j++) {
        long u = Math.round(2 * w[j] / wordStep);
        int offset = (int) Math.max(-127, Math.min(127, u)) + 128;
        long bit = 1L << (j & 63);
        for (int b = 0; b < FloatKernels.PLANES - 1; b++) {
          if ((offset >>> b & 1) != 0) {
            planes[b * stride + k] |= bit;
          }
        }
        planes[(FloatKernels.PLANES - 1) * stride + k] |= bit;
      }
      maxError += Math.max(0, end - 64 * k) * wordStep / 2;
    }
    return new QueryPlanes(
        planes, shifts, stride, codeBytes, Math.scalb(delta, -SHIFT_RANGE), maxError);
  }

  /** The whole-number inner product with the code at {@code codes[offset ..]}; no range check. */
  public long dot(byte[] codes, int offset) {
    return FloatKernels.planeDot(planes, shifts, stride, codes, offset, codeBytes);
  }

  /** What one count of {@link #dot} weighs: {@code Σ_{j set} 2 w_j ≈ unit · dot}. */
  public double unit() {
    return unit;
  }

  /** A bound on {@code |Σ_{j set} 2 w_j − unit · dot|} for every code. */
  public double maxError() {
    return maxError;
  }
}
