package io.signcodec.core.train;

import java.util.Arrays;

/**
 * Fits the b tied levels {@code o + Σ_k c_k z_k} of one direction to the histogram of its
 * projections by Lloyd's iterations: assign every bin to its nearest level, then refit {@code (o,
 * c)} by least squares on the assignment (the levels are linear in them), until the error stops
 * falling. Both steps lower the error, so it converges; where it converges depends on the start,
 * and for b ≥ 3 the best tied levels are not the evenly halving ones, so the start is the best
 * levels for a unit Gaussian ({@link #UNIT_GAUSSIAN}, found by a search over hundreds of random
 * starts), scaled to the direction's spread.
 */
final class TiedLevelFit {
  /**
   * The tied scales {@code c_0 ≥ c_1 ≥ …} that minimise the mean squared error of a unit Gaussian
   * coded with b = 1 … 8 bits by the nearest level, and that error: 0.36338, 0.11748, 0.035267,
   * 0.0098924, 0.0026747, 0.00078170, 0.00024073, 0.000078379 (Lloyd–Max, untied: 0.36338, 0.11748,
   * 0.034548, 0.0094971 for b = 1 … 4). Found by Lloyd's iterations from 150 to 400 random and
   * perturbed-uniform starts on the exact Gaussian density in 8 192 bins over [−9, 9], the best
   * kept.
   */
  static final double[][] UNIT_GAUSSIAN = {
    {0.797885},
    {0.981942, 0.528938},
    {0.986858, 0.747138, 0.450439},
    {1.136199, 0.713447, 0.560405, 0.297838},
    {1.02101, 0.94901, 0.617364, 0.487813, 0.252648},
    {1.093005, 0.719079, 0.553142, 0.485123, 0.408678, 0.272955},
    {1.37734, 0.91105, 0.630545, 0.570963, 0.449621, 0.25803, 0.229185},
    {1.174053, 1.124473, 0.721491, 0.583133, 0.428502, 0.373681, 0.266937, 0.06678},
  };

  /** Mean squared error of {@link #UNIT_GAUSSIAN} at b bits (index b; 1 at b = 0). */
  static final double[] UNIT_GAUSSIAN_ERROR = {
    1, 0.3633798, 0.1174815, 0.0352670, 0.0098924, 0.0026747, 0.00078170, 0.00024073, 0.000078379
  };

  private static final int MAX_ITERATIONS = 60;

  /** The fitted levels: offset o, scales c (descending, positive), and the squared error. */
  record Fit(double offset, double[] scales, double error) {}

  private TiedLevelFit() {}

  /**
   * Fits b levels to bins holding {@code count[j]} projections summing to {@code sum[j]}, with
   * squares summing to {@code squares[j]}; bins are in increasing order of value. Starts from the
   * unit-Gaussian levels times {@code spread}, around {@code center}.
   */
  static Fit fit(
      double[] count, double[] sum, double[] squares, int b, double center, double spread) {
    int levels = 1 << b;
    // Design row of each pattern p: [1, z_0 … z_{b−1}], z_k = +1 where bit k of p is set.
    double[][] x = new double[levels][b + 1];
    for (int p = 0; p < levels; p++) {
      x[p][0] = 1;
      for (int k = 0; k < b; k++) {
        x[p][k + 1] = ((p >>> k) & 1) != 0 ? 1 : -1;
      }
    }
    double[] theta = new double[b + 1];
    theta[0] = center;
    for (int k = 0; k < b; k++) {
      theta[k + 1] = UNIT_GAUSSIAN[b - 1][k] * spread;
    }
    double total = 0;
    for (double c : count) {
      total += c;
    }
    double[] weight = new double[levels];
    double[] sums = new double[levels];
    double[] squareSums = new double[levels];
    double error = Double.POSITIVE_INFINITY;
    for (int iteration = 0; iteration <= MAX_ITERATIONS; iteration++) {
      double now = assign(count, sum, squares, x, theta, weight, sums, squareSums);
      if (iteration == MAX_ITERATIONS || !(now < error - 1e-12 * Math.max(error, 1e-300))) {
        error = Math.min(error, now);
        break;
      }
      error = now;
      double[] next = refit(x, weight, sums, total);
      if (next == null) {
        break;
      }
      theta = next;
    }
    // The last refit may not have been assigned yet: measure the levels returned.
    error = assign(count, sum, squares, x, theta, weight, sums, squareSums);
    double[] scales = new double[b];
    for (int k = 0; k < b; k++) {
      scales[k] = Math.abs(theta[k + 1]); // −c is the same level set, relabelled
    }
    Arrays.sort(scales);
    for (int k = 0; k < b / 2; k++) {
      double t = scales[k];
      scales[k] = scales[b - 1 - k];
      scales[b - 1 - k] = t;
    }
    return new Fit(theta[0], scales, error);
  }

  /**
   * Assigns each bin (by its mean) to the nearest level and sums, per level, the count, the sum and
   * the squares it receives; returns the squared error of that assignment.
   */
  private static double assign(
      double[] count,
      double[] sum,
      double[] squares,
      double[][] x,
      double[] theta,
      double[] weight,
      double[] sums,
      double[] squareSums) {
    int levels = x.length;
    double[] value = new double[levels];
    Integer[] order = new Integer[levels];
    for (int p = 0; p < levels; p++) {
      double v = 0;
      for (int k = 0; k < theta.length; k++) {
        v += theta[k] * x[p][k];
      }
      value[p] = v;
      order[p] = p;
    }
    Arrays.sort(order, (a, b) -> Double.compare(value[a], value[b]));
    Arrays.fill(weight, 0);
    Arrays.fill(sums, 0);
    Arrays.fill(squareSums, 0);
    int at = 0;
    for (int j = 0; j < count.length; j++) {
      if (count[j] == 0) {
        continue;
      }
      double m = sum[j] / count[j];
      while (at + 1 < levels && m >= 0.5 * (value[order[at]] + value[order[at + 1]])) {
        at++;
      }
      int p = order[at];
      weight[p] += count[j];
      sums[p] += sum[j];
      squareSums[p] += squares[j];
    }
    double error = 0;
    for (int p = 0; p < levels; p++) {
      error += squareSums[p] - 2 * value[p] * sums[p] + weight[p] * value[p] * value[p];
    }
    return Math.max(error, 0);
  }

  /** Least squares {@code θ = (Σ w x xᵀ)⁻¹ Σ s x}, lightly ridged; null if it fails. */
  private static double[] refit(double[][] x, double[] weight, double[] sums, double total) {
    int q = x[0].length;
    double[][] g = new double[q][q];
    double[] rhs = new double[q];
    for (int p = 0; p < x.length; p++) {
      if (weight[p] == 0) {
        continue;
      }
      for (int r = 0; r < q; r++) {
        rhs[r] += sums[p] * x[p][r];
        for (int c = 0; c < q; c++) {
          g[r][c] += weight[p] * x[p][r] * x[p][c];
        }
      }
    }
    for (int r = 0; r < q; r++) {
      g[r][r] += 1e-9 * total; // levels that received nothing leave their scale undetermined
    }
    return solve(g, rhs);
  }

  /** Cholesky solve of a small symmetric positive definite system; null if it is not. */
  private static double[] solve(double[][] g, double[] rhs) {
    int q = rhs.length;
    double[][] l = new double[q][q];
    for (int i = 0; i < q; i++) {
      for (int j = 0; j <= i; j++) {
        double s = g[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0)) {
            return null;
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    double[] y = new double[q];
    for (int i = 0; i < q; i++) {
      double s = rhs[i];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * y[k];
      }
      y[i] = s / l[i][i];
    }
    double[] theta = new double[q];
    for (int i = q - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < q; k++) {
        s -= l[k][i] * theta[k];
      }
      theta[i] = s / l[i][i];
    }
    return theta;
  }
}
