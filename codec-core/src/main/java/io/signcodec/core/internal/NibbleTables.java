package io.signcodec.core.internal;

/**
 * A query's bit weights as 8-bit tables of 16 entries per code nibble, for codes packed in blocks
 * ({@link FloatKernels#nibbleScan}): the look-ups of 32 codes' nibbles take one register shuffle.
 * Immutable.
 *
 * <p>Nibble t of a code (its byte {@code t/2}, low half for even t) holds bits {@code 4t .. 4t+3}
 * with weights {@code v_j = 2 w_j} (what a set bit adds to {@code Σ_j w_j z_j} over a clear one).
 * Its exact table is {@code T_t[x] = Σ_{j in x} v_j}, from {@code m_t = Σ min(v_j, 0)} to {@code
 * m_t + Σ |v_j|}. One step {@code Δ = max_t Σ|v_j| / 255} for the query makes every table fit a
 * byte: entry {@code e_t[x] = round((T_t[x] − m_t)/Δ)} in [0, 255]. Then {@code Σ_{j set} v_j = Σ_t
 * m_t + Δ·Σ_t e_t[x_t]} to within {@link #maxError} {@code = Δ/2} per nibble, and the sum of the
 * entries is a whole number, the same on every backend.
 *
 * <p>The step is the widest nibble's: the principal directions' nibbles set it, and the others,
 * whose weights are smaller, round on that step too. Per code byte the error is at most {@code Δ},
 * {@code 1/255} of the widest nibble's span; the errors of a code's nibbles are independent and of
 * either sign, so their sum is typically {@code Δ·√(codeBytes/6)}.
 */
public final class NibbleTables {
  /** The highest set bit of each nibble value (0 for 0). */
  private static final int[] TOP_BIT = {0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3};

  private final byte[] tables;
  private final int codeBytes;
  private final double step;
  private final double offset;
  private final double maxError;

  private NibbleTables(byte[] tables, int codeBytes, double step, double offset, double maxError) {
    this.tables = tables;
    this.codeBytes = codeBytes;
    this.step = step;
    this.offset = offset;
    this.maxError = maxError;
  }

  /**
   * The tables of bit weights {@code 2 w_j} for codes of {@code codeBytes} bytes; the bits past
   * {@code w.length} (a gain's, padding) weigh nothing.
   *
   * @param w finite, at most {@code 8·codeBytes} of them
   */
  public static NibbleTables of(double[] w, int codeBytes) {
    int n = w.length;
    if (n > 8L * codeBytes) {
      throw new IllegalArgumentException(n + " weights for " + codeBytes + " code bytes");
    }
    int nibbles = 2 * codeBytes;
    // each nibble's four weights, its least sum and its span
    double[] v = new double[4 * nibbles];
    double[] low = new double[nibbles];
    double widest = 0;
    for (int t = 0; t < nibbles; t++) {
      double span = 0;
      for (int bit = 0; bit < 4; bit++) {
        int j = 4 * t + bit;
        double x = j < n ? 2 * w[j] : 0;
        v[4 * t + bit] = x;
        low[t] += Math.min(x, 0);
        span += Math.abs(x);
      }
      widest = Math.max(widest, span); // NaN and infinities carry through: checked once, below
    }
    if (!Double.isFinite(widest)) {
      for (int j = 0; j < n; j++) {
        if (!Double.isFinite(2 * w[j])) {
          throw new IllegalArgumentException("bit weight " + j + " is not finite: " + w[j]);
        }
      }
    }
    byte[] tables = new byte[16 * nibbles];
    double offset = 0;
    for (double m : low) {
      offset += m;
    }
    if (widest == 0) {
      return new NibbleTables(tables, codeBytes, 0, offset, 0);
    }
    double step = widest / 255;
    double perStep = 1 / step;
    double maxError = 0;
    double[] exact = new double[16];
    for (int t = 0; t < nibbles; t++) {
      // nibble t's table (byte t/2's low half at 32·(t/2), its high half 16 further): each sum
      // extends that of x without its highest bit, from the least sum up
      exact[0] = -low[t];
      for (int x = 1; x < 16; x++) {
        exact[x] = exact[x & ~(1 << TOP_BIT[x])] + v[4 * t + TOP_BIT[x]];
      }
      double least = Double.POSITIVE_INFINITY;
      double most = Double.NEGATIVE_INFINITY;
      for (int x = 0; x < 16; x++) {
        long e = Math.max(0, Math.min(255, (long) Math.rint(exact[x] * perStep)));
        tables[16 * t + x] = (byte) e;
        double residual = exact[x] - step * e;
        least = Math.min(least, residual);
        most = Math.max(most, residual);
      }
      // the residuals' midrange joins the offset: the error is centred, at most half their range
      offset += (least + most) / 2;
      maxError += (most - least) / 2;
    }
    return new NibbleTables(tables, codeBytes, step, offset, maxError);
  }

  /** Code bytes of the codes the tables score. */
  public int codeBytes() {
    return codeBytes;
  }

  /**
   * The whole-number sums of {@code blocks} packed blocks at {@code packed[off ..]} into {@code
   * sums[sumsOff ..]}, 32 per block ({@link FloatKernels#nibbleScan}); no range check.
   */
  public void scan(byte[] packed, int off, int blocks, int[] sums, int sumsOff) {
    FloatKernels.nibbleScan(packed, off, blocks, codeBytes, tables, sums, sumsOff);
  }

  /** {@code Σ_{j set} 2 w_j}, to within {@link #maxError}, of a code whose entries sum to sum. */
  public double estimate(int sum) {
    return offset + step * sum;
  }

  /** A bound on the error of {@link #estimate} over every code: half a step per nibble. */
  public double maxError() {
    return maxError;
  }
}
