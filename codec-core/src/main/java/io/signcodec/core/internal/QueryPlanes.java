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
 * round(v_j / Δ_k)} in [−127, 127], whose 8-bit two's complements go to planes 0 to 7 (the sign's
 * plane counts −128). A power-of-two step per word keeps the sum a whole number, {@code Σ_k (Σ_{j
 * set} u_j) << (SHIFT_RANGE − s_k)}, counted exactly on every backend, and still gives each word
 * nearly 8 bits of its own range: the principal directions' bits and the last ones' differ in
 * weight by orders of magnitude.
 *
 * <p>A word's step is its largest weight's, and in the stage-major layout each stage's first bytes
 * hold the principal directions' bits, whose weights can fall by a factor of 100 or more within the
 * word (Fashion-MNIST), which would round the rest of the word to a few levels and rank codes
 * visibly worse. So the {@link #HEAD_BYTES} code bytes with the largest weights are left out of the
 * planes and read from exact tables of 256 sums each, as {@code CodeScorer.Query} reads every byte.
 * Then {@code Σ_{j set} v_j = }{@link #sum}{@code ± maxError}, where {@link #maxError} {@code = Σ_j
 * Δ_{k(j)}/2} over the planes' weights bounds the rounding of every weight at once (typical errors
 * are far smaller: they are independent, of either sign).
 *
 * <p>Costs: preparing, a pass over the n weights and the head bytes' tables; scoring, eight 64-bit
 * ANDs and population counts per 64 code bits (against eight table look-ups) and a look-up per head
 * byte.
 */
public final class QueryPlanes {
  /** The most halvings of the query's step for a word: weights below {@code 2^−24} of it vanish. */
  public static final int SHIFT_RANGE = 24;

  /**
   * Code bytes read from exact tables rather than counted in the planes: those of the largest
   * weights.
   */
  public static final int HEAD_BYTES = 16;

  private final long[] planes;
  private final long[] shifts;
  private final int stride;
  private final int codeBytes;
  private final double unit;
  private final double maxError;

  /** The head bytes, ascending, and their tables: entry v of head h at {@code 256·h + v}. */
  private final int[] heads;

  private final float[] headTables;

  private QueryPlanes(
      long[] planes,
      long[] shifts,
      int stride,
      int codeBytes,
      double unit,
      double maxError,
      int[] heads,
      float[] headTables) {
    this.planes = planes;
    this.shifts = shifts;
    this.stride = stride;
    this.codeBytes = codeBytes;
    this.unit = unit;
    this.maxError = maxError;
    this.heads = heads;
    this.headTables = headTables;
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
    // each code byte's largest |w_j|, in one pass that also finds a weight that is not finite
    double[] size = new double[codeBytes];
    for (int b = 0, end = (n + 7) >>> 3; b < end; b++) {
      size[b] = magnitude(w, 8 * b, Math.min(n, 8 * b + 8));
      if (size[b] > Double.MAX_VALUE || size[b] != size[b]) {
        for (int j = 8 * b; ; j++) {
          if (!Double.isFinite(w[j])) {
            throw new IllegalArgumentException("bit weight " + j + " is not finite: " + w[j]);
          }
        }
      }
    }
    int[] heads = heads(size);
    boolean[] head = new boolean[codeBytes];
    for (int h : heads) {
      head[h] = true;
    }
    float[] headTables = new float[256 * heads.length];
    double[] low = new double[16];
    double[] high = new double[16];
    float[] lowSums = new float[16];
    for (int h = 0; h < heads.length; h++) {
      int from = 8 * heads[h];
      for (int t = 0; t < 4; t++) { // the sums with bit t as highest: those below, plus its weight
        double lowWeight = from + t < n ? 2 * w[from + t] : 0;
        double highWeight = from + 4 + t < n ? 2 * w[from + 4 + t] : 0;
        for (int v = 0, half = 1 << t; v < half; v++) {
          low[half + v] = low[v] + lowWeight;
          high[half + v] = high[v] + highWeight;
        }
      }
      for (int v = 0; v < 16; v++) {
        lowSums[v] = (float) low[v];
      }
      // entry lo + 16 hi: the nibbles' sums rounded to float, then added in float (three float
      // roundings where there was one, each of at most 2^−24 of a half or of the entry), 16
      // contiguous entries per high nibble
      for (int hi = 0; hi < 16; hi++) {
        int at = 256 * h + 16 * hi;
        float add = (float) high[hi];
        for (int lo = 0; lo < 16; lo++) {
          headTables[at + lo] = lowSums[lo] + add;
        }
      }
    }
    // the largest |2 w_j| of each word and of the query, head bytes left out
    double[] largest = new double[words];
    double top = 0;
    for (int b = 0; b < codeBytes; b++) {
      if (!head[b]) {
        largest[b >>> 3] = Math.max(largest[b >>> 3], 2 * size[b]);
        top = Math.max(top, 2 * size[b]);
      }
    }
    long[] planes = new long[FloatKernels.PLANES * stride];
    long[] shifts = new long[stride];
    if (top == 0) {
      return new QueryPlanes(planes, shifts, stride, codeBytes, 0, 0, heads, headTables);
    }
    double delta = top / 127;
    double maxError = 0;
    // every weight's byte first, word by word on the word's step, in loops without branches (the
    // head bytes' too, left out below): a fifth less time than rounding them in the loop below
    byte[] rounded = new byte[64 * words];
    double[] steps = new double[words];
    for (int k = 0; k < words; k++) {
      int s = halvings(largest[k], top);
      shifts[k] = SHIFT_RANGE - s;
      steps[k] = Math.scalb(delta, -s);
      double perStep = 2 / steps[k];
      for (int j = 64 * k, end = Math.min(n, 64 * k + 64); j < end; j++) {
        rounded[j] = weightByte(w[j] * perStep);
      }
    }
    long[] word = new long[FloatKernels.PLANES];
    for (int k = 0; k < words; k++) {
      java.util.Arrays.fill(word, 0);
      // eight weights at a time: their bytes in a long, transposed so that byte b holds bit b of
      // each, which is plane b's byte of the word
      for (int g = 0; g < 8; g++) {
        int at = 8 * k + g; // the code byte
        if (at >= codeBytes || head[at]) {
          continue;
        }
        int weights = Math.min(8, n - 8 * at);
        if (weights > 0) {
          maxError += weights * (steps[k] / 2);
        }
        long columns = transpose8((long) LITTLE_ENDIAN_LONGS.get(rounded, 8 * at));
        for (int plane = 0; plane < FloatKernels.PLANES; plane++) {
          word[plane] |= (columns >>> (8 * plane) & 0xFF) << (8 * g);
        }
      }
      for (int plane = 0; plane < FloatKernels.PLANES; plane++) {
        planes[plane * stride + k] = word[plane];
      }
    }
    return new QueryPlanes(
        planes,
        shifts,
        stride,
        codeBytes,
        Math.scalb(delta, -SHIFT_RANGE),
        maxError,
        heads,
        headTables);
  }

  /**
   * The most halvings {@code s ≤} {@link #SHIFT_RANGE} with {@code largest ≤ top·2^−s}, for {@code
   * 0 ≤ largest ≤ top}, {@code top} positive: from the exponents and one comparison (subnormal
   * values by the loop of halvings), rather than up to 24 calls of {@code Math.scalb} per word.
   */
  static int halvings(double largest, double top) {
    if (largest < Double.MIN_NORMAL || top < Double.MIN_NORMAL) {
      int s = 0;
      while (s < SHIFT_RANGE && largest <= Math.scalb(top, -(s + 1))) {
        s++;
      }
      return s;
    }
    int e = Math.getExponent(top) - Math.getExponent(largest); // top < 2^(e+1) largest
    if (e > SHIFT_RANGE) {
      return SHIFT_RANGE;
    }
    // s = e if largest·2^e ≤ top (exact: a power of two, no overflow as e ≤ 24), else e − 1
    return Math.min(SHIFT_RANGE, Math.scalb(largest, e) <= top ? e : e - 1);
  }

  /**
   * {@code x} rounded to the nearest whole number, ties to even ({@link Math#rint}), within [−127,
   * 127] (clamped before rounding, which gives the same).
   */
  private static byte weightByte(double x) {
    return (byte) (int) Math.rint(Math.max(-127.0, Math.min(127.0, x)));
  }

  private static final java.lang.invoke.VarHandle LITTLE_ENDIAN_LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * The largest {@code |w_j|}, {@code from ≤ j < to}, 0 if there are none, and infinite or NaN if
   * one is: the largest of their magnitudes' bits, which order as the magnitudes do (long
   * comparisons, without branches, where {@code Math.max} on doubles costs blends for NaN and
   * signed zeros).
   */
  private static double magnitude(double[] w, int from, int to) {
    long m = 0;
    for (int j = from; j < to; j++) {
      m = Math.max(m, Double.doubleToRawLongBits(w[j]) & Long.MAX_VALUE);
    }
    return Double.longBitsToDouble(m);
  }

  /**
   * The 8×8 bit matrix whose byte r holds row r, transposed: bit c of byte r moves to bit r of byte
   * c (three exchanges of off-diagonal blocks).
   */
  static long transpose8(long x) {
    long t = (x ^ (x >>> 7)) & 0x00AA00AA00AA00AAL;
    x = x ^ t ^ (t << 7);
    t = (x ^ (x >>> 14)) & 0x0000CCCC0000CCCCL;
    x = x ^ t ^ (t << 14);
    t = (x ^ (x >>> 28)) & 0x00000000F0F0F0F0L;
    return x ^ t ^ (t << 28);
  }

  /**
   * The {@link #HEAD_BYTES} code bytes (all, if there are no more) whose {@code size}, their
   * largest weight {@code |w_j|}, is largest, ties to the lower byte, in ascending order.
   */
  private static int[] heads(double[] size) {
    int codeBytes = size.length;
    int count = Math.min(HEAD_BYTES, codeBytes);
    // the largest sizes by insertion into a list of count, largest first; ties to the lower byte
    int[] heads = new int[count];
    int held = 0;
    for (int b = 0; b < codeBytes; b++) {
      if (held == count && size[b] <= size[heads[count - 1]]) {
        continue;
      }
      int at = Math.min(held, count - 1);
      while (at > 0 && size[heads[at - 1]] < size[b]) {
        heads[at] = heads[at - 1];
        at--;
      }
      heads[at] = b;
      held = Math.min(count, held + 1);
    }
    java.util.Arrays.sort(heads);
    return heads;
  }

  /** The whole-number inner product with the code at {@code codes[offset ..]}; no range check. */
  public long dot(byte[] codes, int offset) {
    return FloatKernels.planeDot(planes, shifts, stride, codes, offset, codeBytes);
  }

  /**
   * {@code Σ_{j set} 2 w_j} for the code at {@code codes[offset ..]} to within {@link #maxError}:
   * the planes' count times its unit, plus the head bytes' entries (head h into the h mod 4-th of
   * four sums, added in pairs), in this order.
   */
  public double sum(byte[] codes, int offset) {
    // four sums side by side, head h into sum h mod 4: one chain of dependent additions would
    // cost its latency per head
    double e0 = 0;
    double e1 = 0;
    double e2 = 0;
    double e3 = 0;
    int h = 0;
    for (; h + 4 <= heads.length; h += 4) {
      e0 += headTables[(h << 8) | (codes[offset + heads[h]] & 0xFF)];
      e1 += headTables[((h + 1) << 8) | (codes[offset + heads[h + 1]] & 0xFF)];
      e2 += headTables[((h + 2) << 8) | (codes[offset + heads[h + 2]] & 0xFF)];
      e3 += headTables[((h + 3) << 8) | (codes[offset + heads[h + 3]] & 0xFF)];
    }
    for (; h < heads.length; h++) {
      e0 += headTables[(h << 8) | (codes[offset + heads[h]] & 0xFF)];
    }
    return unit * dot(codes, offset) + ((e0 + e1) + (e2 + e3));
  }

  /** What one count of {@link #dot} weighs. */
  public double unit() {
    return unit;
  }

  /** The number of head bytes, read from exact tables. */
  public int heads() {
    return heads.length;
  }

  /** A bound on {@code |Σ_{j set} 2 w_j − }{@link #sum}{@code |} for every code. */
  public double maxError() {
    return maxError;
  }
}
