package io.signcodec.core.internal.form;

import java.util.Arrays;

/**
 * The per-vector gain of an allocated codebook (docs/THEORY.md §7, per-vector gain, docs/FORMAT.md
 * §2.4): the last {@code g} bits of a code, after every direction's, hold the index of one of
 * {@code 2^g} levels {@code s_0 < … < s_{2^g − 1}}, and the vector decodes as {@code x̂ = μ + s_idx
 * Σ_i u_i ℓ_i}.
 *
 * <p>The encoder codes the directions as it would without a gain, then picks the level nearest to
 * the least-squares gain {@code s = Σ_i ℓ_i y_i / Σ_i ℓ_i²} of the projections {@code y_i} on the
 * chosen levels {@code ℓ_i}. For an orthonormal basis the squared error is {@code ‖x − μ‖² − Σ y_i²
 * + Σ (y_i − ŝ ℓ_i)²}, and {@code Σ (y_i − ŝ ℓ_i)² = Σ (y_i − s ℓ_i)² + (ŝ − s)² Σ ℓ_i²}: the
 * nearest level in plain distance is the best, which the thresholds (midpoints in double precision)
 * find. A vector whose levels are all zero has no least-squares gain and takes the level nearest to
 * 1. A gain searched jointly ({@link #joint}, format version 6) is chosen with the directions'
 * levels instead ({@link AllocatedForm}).
 *
 * <p>Immutable.
 */
public final class GainLevels {
  /** The most gain bits a codebook may have. */
  public static final int MAX_BITS = 8;

  private final float[] levels;
  private final double[] thresholds;
  private final int bits;

  /** Whether the encoder searches the gain jointly with the directions' levels. */
  private final boolean joint;

  /** The first gain bit of a code: the number of direction bits. */
  private final int position;

  private final int firstByte;
  private final int shift;
  private final boolean twoBytes;

  /**
   * Levels {@code levels} (2 to 256 of them, a power of two, strictly increasing, finite and
   * positive: checked by {@link #problem}), their index at code bit {@code position}; copied.
   */
  public GainLevels(float[] levels, int position) {
    this(levels, position, false);
  }

  /**
   * As {@link #GainLevels(float[], int)}, with the encoder's rule: {@code joint} for the level and
   * direction bits that together code the vector best (format version 6), else the directions first
   * and then the level nearest to their least-squares gain (version 5).
   */
  public GainLevels(float[] levels, int position, boolean joint) {
    this.joint = joint;
    String problem = problem(levels);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    this.levels = levels.clone();
    this.bits = Integer.numberOfTrailingZeros(levels.length);
    this.position = position;
    this.firstByte = position >>> 3;
    this.shift = position & 7;
    this.twoBytes = shift + bits > 8;
    this.thresholds = new double[levels.length - 1];
    for (int i = 0; i < thresholds.length; i++) {
      thresholds[i] = ((double) levels[i] + levels[i + 1]) / 2;
    }
  }

  /**
   * What is wrong with {@code levels} as a gain's levels, naming the first index at fault, or null
   * if nothing is.
   */
  public static String problem(float[] levels) {
    int count = levels.length;
    if (count < 2 || count > 1 << MAX_BITS || Integer.bitCount(count) != 1) {
      return "gain levels number " + count + ", not a power of two from 2 to " + (1 << MAX_BITS);
    }
    int i = firstBadLevel(levels);
    if (i < 0) {
      return null;
    }
    return !Float.isFinite(levels[i]) || !(levels[i] > 0)
        ? "gain level " + i + " is not finite and positive: " + levels[i]
        : "gain level " + i + " (" + levels[i] + ") is not above the one before it";
  }

  /**
   * The index of the first level that is not finite, positive and above the one before it, or −1 if
   * every level is.
   */
  public static int firstBadLevel(float[] levels) {
    for (int i = 0; i < levels.length; i++) {
      if (!Float.isFinite(levels[i])
          || !(levels[i] > 0)
          || (i > 0 && !(levels[i] > levels[i - 1]))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Whether the encoder searches the gain jointly with the directions' levels (format version 6):
   * for every level {@code s_j} it codes each direction's {@code y_i / s_j} by its nearest level
   * and keeps the level j with the least {@code Σ_i (y_i − s_j ℓ_i)²}.
   */
  public boolean joint() {
    return joint;
  }

  /** g, the bits a code spends on its gain. */
  public int bits() {
    return bits;
  }

  /** The levels, ascending (a copy). */
  public float[] levels() {
    return levels.clone();
  }

  /** Level {@code index}. */
  public float level(int index) {
    return levels[index];
  }

  /** The index of the level nearest to {@code s} (ties to the lower; NaN to the lowest). */
  public int nearest(double s) {
    int lo = 0;
    int hi = thresholds.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (s > thresholds[mid]) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The index of the level the least-squares gain {@code num / den} rounds to (1 if den is 0). */
  public int nearest(double num, double den) {
    return nearest(den > 0 ? num / den : 1);
  }

  /** The gain index the code at {@code code[off ..]} holds. */
  public int read(byte[] code, int off) {
    return read(code, off, 1);
  }

  /**
   * The gain index of a code whose byte b is at {@code code[off + b·stride]} (a packed block's
   * column: stride 32).
   */
  public int read(byte[] code, int off, int stride) {
    int at = off + firstByte * stride;
    int v = (code[at] & 0xFF) >>> shift;
    if (twoBytes) {
      v |= (code[at + stride] & 0xFF) << (8 - shift);
    }
    return v & ((1 << bits) - 1);
  }

  /** The gain level the code at {@code code[off ..]} holds. */
  public float gain(byte[] code, int off) {
    return levels[read(code, off)];
  }

  /** ORs {@code index} into the gain bits of the code at {@code code[off ..]}, which are zero. */
  public void write(byte[] code, int off, int index) {
    code[off + firstByte] |= (byte) (index << shift);
    if (twoBytes) {
      code[off + firstByte + 1] |= (byte) (index >>> (8 - shift));
    }
  }

  /** Whether both hold the same levels at the same position, searched by the same rule. */
  public boolean sameAs(GainLevels other) {
    return other != null
        && position == other.position
        && joint == other.joint
        && Arrays.equals(levels, other.levels);
  }
}
