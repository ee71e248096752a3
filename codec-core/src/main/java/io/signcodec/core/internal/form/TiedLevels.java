package io.signcodec.core.internal.form;

import io.signcodec.core.Caps;
import java.util.Arrays;

/**
 * The levels of one direction i coded with {@code b_i} tied bits (docs/FORMAT.md §1.1, §2.4): for a
 * pattern q of {@code b_i} bits, {@code ℓ_i(q) = Σ_k ±c_{i,k}}, {@code +c_{i,k}} where bit k of q
 * is set ({@code z_{i,k} = +1}), with scales {@code c_{i,0} ≥ c_{i,1} ≥ … > 0}. The 2^{b_i} levels
 * are a scalar quantizer whose value is linear in the bits, so decoding stays one linear map and
 * codes can be scored without decoding.
 *
 * <p>A level is summed in float32 in the order k = 0, 1, …. Levels are sorted by value (then by
 * pattern), {@code λ_{i,0} ≤ λ_{i,1} ≤ …}, and the thresholds between neighbours are {@code τ_{i,j}
 * = fl(fl(λ_{i,j} + λ_{i,j+1}) · 0.5)}: the nearest-level search picks the level whose index is the
 * number of thresholds {@code ≤ y}, so a tie goes up, as the sign rule does.
 *
 * <p>Immutable.
 */
public final class TiedLevels {
  /** Most bits one direction may have: {@link Caps#MAX_DEPTH}. */
  public static final int MAX_DEPTH = Caps.MAX_DEPTH;

  private final float[] scales;
  private final float[] thresholds;
  private final int[] patterns;
  private final float[] sortedLevels;
  private final float[][] flips;

  TiedLevels(float[] scales) {
    int b = scales.length;
    if (b < 1 || b > MAX_DEPTH) {
      throw new IllegalArgumentException("depth must be in 1.." + MAX_DEPTH + ": " + b);
    }
    this.scales = scales;
    int count = 1 << b;
    float[] values = new float[count];
    for (int p = 0; p < count; p++) {
      values[p] = level(scales, p);
    }
    Integer[] order = new Integer[count];
    for (int p = 0; p < count; p++) {
      order[p] = p;
    }
    Arrays.sort(
        order,
        (x, y) -> {
          int c = Float.compare(values[x], values[y]);
          return c != 0 ? c : Integer.compare(x, y);
        });
    patterns = new int[count];
    thresholds = new float[count - 1];
    sortedLevels = new float[count];
    for (int j = 0; j < count; j++) {
      patterns[j] = order[j];
      sortedLevels[j] = values[order[j]];
      if (j > 0) {
        thresholds[j - 1] = (values[order[j - 1]] + values[order[j]]) * 0.5f;
      }
    }
    flips = new float[b][];
    for (int k = 0; k < b; k++) {
      int n = 0;
      float[] f = new float[thresholds.length];
      for (int j = 0; j < thresholds.length; j++) {
        if ((((patterns[j] ^ patterns[j + 1]) >>> k) & 1) != 0) {
          f[n++] = thresholds[j];
        }
      }
      flips[k] = Arrays.copyOf(f, n);
    }
  }

  /**
   * {@code ℓ(q) = Σ_k (bit k of q ? c_{i,k} : −c_{i,k})}, summed in float32 in order k = 0, 1, ….
   */
  static float level(float[] scales, int pattern) {
    float v = 0f;
    for (int k = 0; k < scales.length; k++) {
      v += ((pattern >>> k) & 1) != 0 ? scales[k] : -scales[k];
    }
    return v;
  }

  /**
   * What is not finite in float32, the levels first (by pattern), then the thresholds (in order):
   * {@code "its level for pattern 255 is Infinity"}, {@code "its threshold 254 is Infinity"}; null
   * if every one is finite. Finite scales can have an infinite sum.
   */
  public String nonFinite() {
    for (int q = 0; q < 1 << scales.length; q++) {
      float v = level(scales, q);
      if (!Float.isFinite(v)) {
        return "its level for pattern " + q + " is " + v;
      }
    }
    for (int j = 0; j < thresholds.length; j++) {
      if (!Float.isFinite(thresholds[j])) {
        return "its threshold " + j + " is " + thresholds[j];
      }
    }
    return null;
  }

  public int depth() {
    return scales.length;
  }

  public float scale(int k) {
    return scales[k];
  }

  /** The pattern of the level nearest to {@code y}: a binary search of the thresholds. */
  public int nearest(float y) {
    return patterns[nearestIndex(y)];
  }

  /**
   * The index, in ascending order of value, of the level nearest to {@code y}: the number of
   * thresholds at or below it.
   */
  int nearestSorted(float y) {
    return nearestIndex(y);
  }

  /** The number of thresholds: one less than the levels. */
  int thresholdCount() {
    return thresholds.length;
  }

  /** Threshold j, between the levels of indices j and j + 1 in ascending order of value. */
  float threshold(int j) {
    return thresholds[j];
  }

  /** The level of index {@code j} in ascending order of value. */
  float sortedLevel(int j) {
    return sortedLevels[j];
  }

  /** The pattern of the level of index {@code j} in ascending order of value. */
  int sortedPattern(int j) {
    return patterns[j];
  }

  /** The level of {@code pattern}, {@code Σ_k ±c_{i,k}} in float32 in order k = 0, 1, …. */
  float levelOf(int pattern) {
    return level(scales, pattern);
  }

  /**
   * The thresholds at which bit k of the nearest level's pattern changes, ascending (not copied):
   * bit k of {@link #nearest}{@code (y)} is {@link #lowestBit}{@code (k)} flipped once for every
   * one of them that y is at or above, since the nearest level's index is the number of thresholds
   * at or below y.
   */
  float[] flips(int k) {
    return flips[k];
  }

  /** Bit k of the lowest level's pattern as ±1: +1 if set. */
  float lowestBit(int k) {
    return ((patterns[0] >>> k) & 1) != 0 ? 1f : -1f;
  }

  /**
   * {@code E[(y − ℓ(y))²]} for {@code y ~ N(0, σ²)} coded by the nearest level: over each interval
   * between thresholds, the Gaussian's mass, first and second moments in closed form.
   */
  double gaussianError(double sigma) {
    if (!(sigma > 0)) {
      double l = sortedLevels[nearestIndex(0f)];
      return l * l;
    }
    double error = 0;
    double alpha = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < sortedLevels.length; j++) {
      double beta = j < thresholds.length ? thresholds[j] / sigma : Double.POSITIVE_INFINITY;
      double mass = Gaussian.cdf(beta) - Gaussian.cdf(alpha);
      double pa = Double.isInfinite(alpha) ? 0 : Gaussian.pdf(alpha);
      double pb = Double.isInfinite(beta) ? 0 : Gaussian.pdf(beta);
      double first = sigma * (pa - pb);
      double second =
          sigma
              * sigma
              * (mass
                  + (Double.isInfinite(alpha) ? 0 : alpha * pa)
                  - (Double.isInfinite(beta) ? 0 : beta * pb));
      double l = sortedLevels[j];
      error += second - 2 * l * first + l * l * mass;
      alpha = beta;
    }
    return Math.max(error, 0);
  }

  private int nearestIndex(float y) {
    if (thresholds.length <= 15) {
      // Up to 4 bits: count the thresholds at or below y, without branches (the binary search's
      // branches are taken at random and mispredict); the same index, as they are sorted.
      int index = 0;
      for (float t : thresholds) {
        index += y >= t ? 1 : 0;
      }
      return index;
    }
    int lo = 0;
    int hi = thresholds.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (y >= thresholds[mid]) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The pattern the greedy encoder picks: bit k is the sign of what bits 0 … k−1 left of {@code y},
   * {@code δ ← δ ∓ c_{i,k}} in float32.
   */
  public int greedy(float y) {
    float r = y;
    int pattern = 0;
    for (int k = 0; k < scales.length; k++) {
      if (r >= 0f) {
        pattern |= 1 << k;
        r -= scales[k];
      } else {
        r += scales[k];
      }
    }
    return pattern;
  }
}
