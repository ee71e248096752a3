package io.signcodec.core.train;

import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.CodebookInfo;
import io.signcodec.core.internal.Matrices;
import io.signcodec.core.internal.Parallel;
import java.io.IOException;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * Trains allocated codebooks (docs/THEORY.md §7): bits spread over the principal directions of the
 * data by reverse water-filling, each direction a scalar quantizer of tied levels.
 *
 * <ol>
 *   <li>A pass accumulates μ and Σ; Σ's eigenvectors are the basis, in order of variance (EJML's
 *       symmetric QR decomposition below {@value SymmetricEigen#CROSSOVER} dimensions, {@link
 *       SymmetricEigen}'s blocked, multi-threaded one from there on).
 *   <li>A pass histograms the projection of every vector on each of the first {@code min(d, n)}
 *       directions (2 048 bins over ±8 standard deviations, with each bin's count, sum and sum of
 *       squares, so nothing is rounded to the bin).
 *   <li>For each direction and depth, {@link TiedLevelFit} finds the levels and their error on the
 *       data; the n bits go one at a time to the direction whose error that bit lowers most (the
 *       greedy rule is optimal when each direction's error falls by less with each further bit, as
 *       a Gaussian's does).
 *   <li>With a per-vector gain of g bits, the same for n − g bits, then a pass that reconstructs
 *       every vector with those directions and fits the gain's levels to the least-squares gains
 *       ({@link GainAccumulator}). A gain searched jointly with the directions takes three passes
 *       of its own ({@link #jointAllocation}): the vectors' {@link NormScale scales}, the
 *       projections divided by their gain level, and the error. To decide ({@link
 *       CodebookTrainer#GAIN_AUTO}, g = 4), a last pass measures recall@10 of the three codebooks
 *       ({@link GainRecallAccumulator}).
 * </ol>
 *
 * <p>The training NMSE comes from the histograms (they hold every projection's square), less what
 * the gain's levels take off it (from the gain pass's bins), so no pass measures it; the fits run
 * in parallel over directions, the projections over ranges of them.
 *
 * <p>On isotropic data this gives every direction the same bits, and at r ≤ 1 it is the paper's
 * optimum: n orthogonal directions, one bit each, decoder ∝ encoderᵀ. The data-free forms skip the
 * data and spread the bits evenly over a random or randomized Hadamard basis, with the unit
 * Gaussian's levels times the data's scale.
 *
 * <p>Of the {@link CodebookTrainer}'s options, the trained form takes {@code meanDirectionBits} and
 * {@code gainBits} and records the seed (it draws nothing at random); the data-free form takes
 * {@code structured} and the seed of its random basis or transforms. Neither runs a gradient
 * ascent.
 */
final class AllocationTrainer {
  static final int BINS = 2048;

  /** Histograms cover this many standard deviations each side; beyond, the edge bins take it. */
  static final double RANGE = 8;

  /** The dimension from which {@link SymmetricEigen#of} solves in bulk; tests move it. */
  private final int eigenCrossover;

  AllocationTrainer() {
    this(SymmetricEigen.CROSSOVER);
  }

  AllocationTrainer(int eigenCrossover) {
    this.eigenCrossover = eigenCrossover;
  }

  /**
   * Trains from the vectors {@code runner} passes over; with {@code meanBits > 0} the direction of
   * the mean is the first basis direction and has at least that many bits (the rest of the basis is
   * the principal directions of Σ projected off it); {@link CodebookTrainer#MEAN_DIRECTION_AUTO}
   * decides from the data.
   */
  Codebook train(PassRunner runner, int d, int bits, long seed, int meanBits, int gainBits)
      throws IOException {
    return train(runner, d, bits, seed, meanBits, gainBits, false);
  }

  /**
   * As {@link #train(PassRunner, int, int, long, int, int)}; a fixed gain ({@code gainBits > 0}) is
   * searched jointly with the directions if {@code joint}. {@link CodebookTrainer#GAIN_AUTO} tries
   * no gain, a gain after the directions and a joint one.
   */
  Codebook train(
      PassRunner runner, int d, int bits, long seed, int meanBits, int gainBits, boolean joint)
      throws IOException {
    CovarianceAccumulator moments = Passes.moments(runner, d);
    long count = moments.count();
    double trace = moments.totalVariance();
    double[] mean = moments.mean();
    double[] covariance = moments.covariance();
    double meanNorm = 0;
    for (double m : mean) {
      meanNorm += m * m;
    }
    meanNorm = Math.sqrt(meanNorm);
    if (meanBits == CodebookTrainer.MEAN_DIRECTION_AUTO) {
      meanBits = meanNorm * meanNorm >= trace / 4 ? Math.min(8, bits / 4) : 0;
    }
    int forced = meanBits > 0 && meanNorm > 0 ? Math.min(meanBits, bits) : 0;
    // The variance along each basis direction comes with the eigendecomposition.
    double[] variance = new double[d];
    double[][] basis =
        forced > 0
            ? meanFirst(mean, meanNorm, covariance, d, variance, eigenCrossover)
            : principalDirections(covariance, d, variance, eigenCrossover);
    if (bits > TiedLevelFit.UNIT_GAUSSIAN.length * (long) d) {
      throw new IllegalArgumentException(
          bits
              + " bits is more than "
              + TiedLevelFit.UNIT_GAUSSIAN.length
              + " per coordinate in dimension "
              + d);
    }
    int candidates = Math.min(d, bits);
    float[] rows = new float[candidates * d];
    double[] spread = new double[candidates];
    for (int i = 0; i < candidates; i++) {
      for (int t = 0; t < d; t++) {
        rows[i * d + t] = (float) basis[i][t];
      }
      spread[i] = Math.sqrt(Math.max(variance[i], 0));
    }
    ProjectionHistograms projections =
        runner.run(new Passes.Histograms(d, rows, Matrices.toFloat(mean), spread));
    Passes.checkSameVectors(count, projections.count());
    Fits h = new Fits(projections);

    // The fits the allocation will ask for, in parallel: each direction's errors up to one bit
    // past the depth a Gaussian of its variance would get (more are fitted on demand).
    int[] expected = gaussianAllocation(bits, candidates, variance, forced);
    Parallel.forRange(
        candidates,
        8,
        true,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            for (int b = 0;
                b <= Math.min(expected[i] + 1, TiedLevelFit.UNIT_GAUSSIAN.length);
                b++) {
              h.error(i, b);
            }
          }
        });
    Allocation plain =
        allocation(h, allocate(h, bits, candidates, forced), candidates, basis, rows, mean, d);
    plain.measure(h, candidates, variance, count, d);
    CodebookInfo provisional =
        new CodebookInfo(CodebookInfo.Method.TRAINED, seed, count, Double.NaN, Double.NaN);
    boolean auto = gainBits == CodebookTrainer.GAIN_AUTO;
    int g = auto ? CodebookTrainer.AUTO_GAIN_BITS : gainBits;
    Allocation chosen = plain;
    float[] gain = null;
    if (g > 0 && bits - g >= 1) {
      Allocation fewer = null;
      GainAccumulator gains = null;
      GainAccumulator.Fit fit = null;
      if (auto || !joint) {
        fewer =
            allocation(
                h,
                allocate(h, bits - g, candidates, Math.min(forced, bits - g)),
                candidates,
                basis,
                rows,
                mean,
                d);
        fewer.measure(h, candidates, variance, count, d);
        gains = runner.run(new Passes.Gain(fewer.codebook(d, null, provisional)));
        Passes.checkSameVectors(count, gains.count());
        fit = gains.fit(g);
        fewer.squaredError -= fit.reduction();
        fewer.gain = fit.levels();
      }
      Allocation together = null;
      if (auto || joint) {
        together =
            jointAllocation(
                runner,
                h,
                bits,
                g,
                candidates,
                Math.min(forced, bits - g),
                basis,
                rows,
                mean,
                variance,
                meanNorm,
                trace,
                count,
                d,
                provisional);
      }
      if (auto) {
        // At equal bits per vector: no gain, the gain after the directions and the gain searched
        // with them, by recall@10 on the training vectors (one more pass); a gain must lift recall
        // by more than noise and by more than its cost in squared error is worth.
        Allocation[] options = {plain, fewer, together};
        GainRecallAccumulator recall =
            runner.run(
                new Passes.GainRecall(
                    gains.sample(),
                    plain.codebook(d, null, provisional),
                    fewer.codebook(d, fewer.gain, provisional),
                    together.codebook(d, together.gain, provisional)));
        Passes.checkSameVectors(count, recall.count());
        double best = recall.recall(0);
        for (int o = 1; o < options.length; o++) {
          double r = recall.recall(o);
          double lift = r - recall.recall(0);
          double cost = options[o].squaredError / plain.squaredError - 1;
          if (lift > CodebookTrainer.AUTO_GAIN_RECALL_MARGIN
              && cost <= lift / CodebookTrainer.AUTO_GAIN_RECALL_PER_ERROR
              && r > best) {
            best = r;
            chosen = options[o];
          }
        }
      } else {
        chosen = joint ? together : fewer;
      }
      gain = chosen.gain;
    }
    double predicted =
        io.signcodec.core.DistortionBounds.predictedNmse(
            chosen.codebook(d, gain, provisional), covariance);
    return chosen.codebook(
        d,
        gain,
        new CodebookInfo(
            CodebookInfo.Method.TRAINED,
            seed,
            count,
            chosen.squaredError / (count * trace),
            predicted));
  }

  /**
   * The parts of an allocated codebook for one allocation of the bits, and its training squared
   * error from the histograms (which hold every projection's square).
   */
  private static final class Allocation {
    final int[] stageBits;
    final float[] scales;
    final float[] basisRows;
    final float[] mu;
    final int[] depth;
    double squaredError;

    /** The gain's levels, if this allocation has a gain; searched jointly if {@link #joint}. */
    float[] gain;

    boolean joint;

    Allocation(int[] stageBits, float[] scales, float[] basisRows, float[] mu, int[] depth) {
      this.stageBits = stageBits;
      this.scales = scales;
      this.basisRows = basisRows;
      this.mu = mu;
      this.depth = depth;
    }

    /**
     * Sets the training error: what the fitted levels leave of each direction, plus all of the
     * directions given no bits (a gain's reduction is subtracted by the caller).
     */
    void measure(Fits h, int candidates, double[] variance, long count, int d) {
      squaredError = 0;
      for (int i = 0; i < d; i++) {
        squaredError += i < candidates ? h.error(i, depth[i]) : count * Math.max(variance[i], 0);
      }
    }

    Codebook codebook(int d, float[] gain, CodebookInfo info) {
      return Codebook.allocated(
          d, stageBits, mu, scales, basisRows, gain, joint && gain != null, info);
    }
  }

  /** The codebook's parts for {@code depth}, the bits of each candidate direction. */
  private static Allocation allocation(
      Fits h, int[] depth, int candidates, double[][] basis, float[] rows, double[] mean, int d) {
    return allocation(h, depth, candidates, basis, rows, mean, d, false);
  }

  /**
   * As {@link #allocation(Fits, int[], int, double[][], float[], double[], int)}; with {@code
   * uniformFirst} the first direction's levels are evenly spaced over the range of its histogram
   * ({@link Fits#range}) rather than fitted, whatever its depth.
   */
  private static Allocation allocation(
      Fits h,
      int[] depth,
      int candidates,
      double[][] basis,
      float[] rows,
      double[] mean,
      int d,
      boolean uniformFirst) {
    // Directions with bits, deepest first (then by variance): the stage-major code order.
    Integer[] order = new Integer[candidates];
    for (int i = 0; i < candidates; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) ->
            depth[a] != depth[b] ? Integer.compare(depth[b], depth[a]) : Integer.compare(a, b));
    int directions = 0;
    while (directions < candidates && depth[order[directions]] > 0) {
      directions++;
    }
    int stages = depth[order[0]];
    int[] stageBits = new int[stages];
    for (int k = 0; k < stages; k++) {
      while (stageBits[k] < directions && depth[order[stageBits[k]]] > k) {
        stageBits[k]++;
      }
    }
    int bits = Arrays.stream(stageBits).sum();
    double[] shifted = mean.clone();
    float[] scales = new float[bits];
    float[] basisRows = new float[directions * d];
    int[] stageStart = new int[stages];
    for (int k = 1; k < stages; k++) {
      stageStart[k] = stageStart[k - 1] + stageBits[k - 1];
    }
    for (int i = 0; i < directions; i++) {
      int dir = order[i];
      TiedLevelFit.Fit fit =
          uniformFirst && dir == 0 ? h.uniform(0, depth[0]) : h.fit(dir, depth[dir]);
      for (int k = 0; k < depth[dir]; k++) {
        scales[stageStart[k] + i] = positive(fit.scales()[k]);
      }
      // The levels' offset moves μ along the direction: the encoder then sees y − o.
      for (int t = 0; t < d; t++) {
        shifted[t] += fit.offset() * basis[dir][t];
      }
      System.arraycopy(rows, dir * d, basisRows, i * d, d);
    }
    return new Allocation(stageBits, scales, basisRows, Matrices.toFloat(shifted), depth);
  }

  /**
   * The allocation with a gain of {@code g} bits searched jointly with the directions
   * (docs/THEORY.md §7): the gain's levels fitted to the vectors' {@link NormScale scales} (one
   * pass), the directions' levels to their projections divided by the level nearest to the scale
   * (one pass), so that they code vectors brought to a common norm, and the error measured by
   * encoding (one pass). The bits go to the directions as the plain histograms {@code h} allocate
   * {@code bits − g}; with a mean direction ({@code forced > 0}) that direction is coded on evenly
   * spaced levels and given more bits while one more lowers its error, weighed by what an error
   * along it costs every inner product with a query near the mean ({@code (λ_0 + ‖μ‖²) / λ_0}), by
   * more than the last bit the others got lowers theirs; up to {@value Caps#MAX_DEPTH}.
   */
  private static Allocation jointAllocation(
      PassRunner runner,
      Fits h,
      int bits,
      int g,
      int candidates,
      int forced,
      double[][] basis,
      float[] rows,
      double[] mean,
      double[] variance,
      double meanNorm,
      double trace,
      long count,
      int d,
      CodebookInfo provisional)
      throws IOException {
    int budget = bits - g;
    int[] depth = allocate(h, budget, candidates, forced);
    boolean first = forced > 0;
    if (first && variance[0] > 0) {
      // the last bit's worth among the others
      double last = Double.POSITIVE_INFINITY;
      for (int i = 1; i < candidates; i++) {
        if (depth[i] > 0) {
          last = Math.min(last, h.error(i, depth[i] - 1) - h.error(i, depth[i]));
        }
      }
      double[] r = h.range(0);
      double span = r[1] - r[0];
      double weight = (variance[0] + meanNorm * meanNorm) / variance[0];
      int deep = depth[0];
      while (deep < Caps.MAX_DEPTH && deep < budget) {
        double now = 1.0 / (((1L << deep) - 1) * (double) ((1L << deep) - 1));
        double next = 1.0 / (((1L << deep + 1) - 1) * (double) ((1L << deep + 1) - 1));
        if (!(weight * count * span * span / 12 * (now - next) > last)) {
          break;
        }
        deep++;
      }
      if (deep > depth[0]) {
        depth = allocate(h, budget, candidates, deep);
      }
    }
    // μ moved along each direction by its levels' offset, as the plain allocation does: the
    // projections the gain divides are then centred as the encoder sees them.
    Allocation raw = allocation(h, depth, candidates, basis, rows, mean, d, first);
    double[] shifted = new double[d];
    for (int t = 0; t < d; t++) {
      shifted[t] = raw.mu[t];
    }
    float[] mu = Matrices.toFloat(mean);
    NormScale norms =
        new NormScale(
            mu,
            first ? Arrays.copyOfRange(rows, 0, d) : null,
            Math.max(trace - (first ? variance[0] : 0), Double.MIN_NORMAL));
    GainAccumulator scales = runner.run(new Passes.Norms(d, norms));
    Passes.checkSameVectors(count, scales.count());
    float[] gain = scales.fit(g).levels();
    double[] spread = new double[candidates];
    for (int i = 0; i < candidates; i++) {
      spread[i] = Math.sqrt(Math.max(variance[i], 0));
    }
    ProjectionHistograms normalized =
        runner.run(
            new Passes.NormalizedHistograms(
                d, rows, Matrices.toFloat(shifted), spread, norms, gain));
    Passes.checkSameVectors(count, normalized.count());
    Allocation joint =
        allocation(new Fits(normalized), depth, candidates, basis, rows, shifted, d, first);
    joint.gain = gain;
    joint.joint = true;
    DistortionAccumulator measured =
        runner.run(new Passes.Measure(joint.codebook(d, gain, provisional)));
    Passes.checkSameVectors(count, measured.count());
    joint.squaredError = measured.distortion().squaredError();
    return joint;
  }

  /** The data-free form: n bits spread evenly over a random (or structured) basis. */
  static Codebook isotropic(
      int d,
      int bits,
      float[] mean,
      double scale,
      boolean structured,
      long seed,
      long trainVectors,
      double trainNmse) {
    if (bits > TiedLevelFit.UNIT_GAUSSIAN.length * d) {
      throw new IllegalArgumentException(
          bits
              + " bits is more than "
              + TiedLevelFit.UNIT_GAUSSIAN.length
              + " per coordinate in dimension "
              + d);
    }
    int deep = bits / d;
    int extra = bits % d;
    int stages = deep + (extra > 0 ? 1 : 0);
    int[] stageBits = new int[stages];
    Arrays.fill(stageBits, 0, deep, d);
    if (extra > 0) {
      stageBits[deep] = extra;
    }
    int directions = stageBits[0];
    float[] scales = new float[bits];
    double predicted = d - directions;
    int at = 0;
    for (int k = 0; k < stages; k++) {
      for (int i = 0; i < stageBits[k]; i++) {
        int b = i < extra ? deep + 1 : deep;
        scales[at++] = positive(TiedLevelFit.UNIT_GAUSSIAN[b - 1][k] * scale);
      }
    }
    for (int i = 0; i < directions; i++) {
      predicted += TiedLevelFit.UNIT_GAUSSIAN_ERROR[i < extra ? deep + 1 : deep];
    }
    CodebookInfo info =
        new CodebookInfo(
            CodebookInfo.Method.ISOTROPIC, seed, trainVectors, trainNmse, predicted / d);
    float[] basis = null;
    if (!structured) {
      DMatrixRMaj q = Matrices.randomOrthonormalRows(directions, d, new Random(seed));
      basis = new float[directions * d];
      for (int j = 0; j < basis.length; j++) {
        basis[j] = (float) q.data[j];
      }
    }
    return Codebook.allocated(d, stageBits, mean, scales, basis, info);
  }

  private static float positive(double scale) {
    float c = (float) scale;
    return c > 0 ? c : Float.MIN_NORMAL; // a level pair that no data separates
  }

  /**
   * The mean's direction, then the principal directions of Σ projected off it (by decreasing
   * eigenvalue, the one along the mean left out): an orthonormal basis whose first direction
   * carries {@code ⟨μ̂, x − μ⟩}, the part of every inner product with a query near the mean that
   * the other directions do not see.
   */
  private static double[][] meanFirst(
      double[] mean,
      double norm,
      double[] covariance,
      int d,
      double[] variance,
      int eigenCrossover) {
    double[] m = new double[d];
    for (int t = 0; t < d; t++) {
      m[t] = mean[t] / norm;
    }
    double[] sm = new double[d];
    for (int r = 0; r < d; r++) {
      double v = 0;
      for (int c = 0; c < d; c++) {
        v += covariance[r * d + c] * m[c];
      }
      sm[r] = v;
    }
    double msm = 0;
    for (int t = 0; t < d; t++) {
      msm += m[t] * sm[t];
    }
    double[] projected = new double[d * d];
    for (int r = 0; r < d; r++) {
      for (int c = 0; c < d; c++) {
        projected[r * d + c] =
            covariance[r * d + c] - m[r] * sm[c] - sm[r] * m[c] + msm * m[r] * m[c];
      }
    }
    double[] restVariance = new double[d];
    double[][] rest = principalDirections(projected, d, restVariance, eigenCrossover);
    int along = 0;
    double best = -1;
    for (int i = 0; i < d; i++) {
      double dot = 0;
      for (int t = 0; t < d; t++) {
        dot += rest[i][t] * m[t];
      }
      if (Math.abs(dot) > best) {
        best = Math.abs(dot);
        along = i;
      }
    }
    double[][] basis = new double[d][];
    basis[0] = m;
    variance[0] = msm;
    // The others are orthogonal to μ̂, so their variance under Σ is their eigenvalue under PΣP.
    for (int i = 0, j = 1; i < d; i++) {
      if (i != along) {
        variance[j] = restVariance[i];
        basis[j++] = rest[i];
      }
    }
    return basis;
  }

  /**
   * Eigenvectors of Σ as rows, by decreasing eigenvalue, which go into {@code eigenvalues}: EJML's
   * symmetric QR decomposition, its rotations applied in bulk in large dimensions ({@link
   * SymmetricEigen}).
   */
  static double[][] principalDirections(
      double[] covariance, int d, double[] eigenvalues, int eigenCrossover) {
    SymmetricEigen eig = SymmetricEigen.of(covariance, d, eigenCrossover);
    Integer[] order = new Integer[d];
    double[] lambda = new double[d];
    for (int k = 0; k < d; k++) {
      order[k] = k;
      lambda[k] = eig.values[k];
    }
    Arrays.sort(order, (a, b) -> Double.compare(lambda[b], lambda[a]));
    double[][] rows = new double[d][];
    for (int i = 0; i < d; i++) {
      eigenvalues[i] = lambda[order[i]];
      double[] v = eig.vectors[order[i]];
      double norm = 0;
      for (int t = 0; t < d; t++) {
        norm += v[t] * v[t];
      }
      norm = Math.sqrt(norm);
      // A fixed sign (largest entry positive), so that the same data give the same codebook.
      int big = 0;
      for (int t = 1; t < d; t++) {
        if (Math.abs(v[t]) > Math.abs(v[big])) {
          big = t;
        }
      }
      double s = (v[big] < 0 ? -1 : 1) / norm;
      rows[i] = new double[d];
      for (int t = 0; t < d; t++) {
        rows[i][t] = v[t] * s;
      }
    }
    return rows;
  }

  /** The level fits made from the histograms of the projections, each made once. */
  private static final class Fits {
    final ProjectionHistograms h;
    final double[][] errors;
    final TiedLevelFit.Fit[][] fits;

    Fits(ProjectionHistograms h) {
      this.h = h;
      int directions = h.directions();
      errors = new double[directions][TiedLevelFit.UNIT_GAUSSIAN.length + 1];
      fits = new TiedLevelFit.Fit[directions][TiedLevelFit.UNIT_GAUSSIAN.length + 1];
      for (int i = 0; i < directions; i++) {
        Arrays.fill(errors[i], Double.NaN);
      }
    }

    /** Squared error of the direction coded with b bits (b = 0: the levels are all zero). */
    double error(int direction, int b) {
      if (Double.isNaN(errors[direction][b])) {
        if (b == 0) {
          double e = 0;
          for (double q : h.squares[direction]) {
            e += q;
          }
          errors[direction][0] = e;
        } else {
          double n = 0;
          double total = 0;
          for (int j = 0; j < BINS; j++) {
            n += h.count[direction][j];
            total += h.sum[direction][j];
          }
          TiedLevelFit.Fit f =
              TiedLevelFit.fit(
                  h.count[direction],
                  h.sum[direction],
                  h.squares[direction],
                  b,
                  n > 0 ? total / n : 0,
                  h.spread(direction));
          fits[direction][b] = f;
          errors[direction][b] = f.error();
        }
      }
      return errors[direction][b];
    }

    TiedLevelFit.Fit fit(int direction, int b) {
      error(direction, b);
      return fits[direction][b];
    }

    /**
     * The lowest and the highest projection on a direction, as far as its histogram tells: the mean
     * of its first and of its last bin that hold any; {0, 0} if none does.
     */
    double[] range(int direction) {
      double[] c = h.count[direction];
      int lo = 0;
      while (lo < BINS && c[lo] == 0) {
        lo++;
      }
      if (lo == BINS) {
        return new double[2];
      }
      int hi = BINS - 1;
      while (c[hi] == 0) {
        hi--;
      }
      return new double[] {h.sum[direction][lo] / c[lo], h.sum[direction][hi] / c[hi]};
    }

    /**
     * Levels evenly spaced over the direction's {@link #range}, {@code 2^b} of them: {@code c_k =
     * step · 2^{b−2−k}} with {@code step = (hi − lo) / (2^b − 1)}, offset {@code (lo + hi) / 2} (a
     * tiny step if the range is empty); the error is not computed.
     */
    TiedLevelFit.Fit uniform(int direction, int b) {
      double[] r = range(direction);
      double step = Math.max(r[1] - r[0], 1e-30) / ((1L << b) - 1);
      double[] scales = new double[b];
      for (int k = 0; k < b; k++) {
        scales[k] = step * Math.pow(2, b - 2 - k);
      }
      return new TiedLevelFit.Fit((r[0] + r[1]) / 2, scales, Double.NaN);
    }
  }

  /** Greedy reverse water-filling: each bit to the direction whose error it lowers most. */
  private static int[] allocate(Fits h, int bits, int candidates, int forced) {
    int maxDepth = TiedLevelFit.UNIT_GAUSSIAN.length;
    int[] depth = new int[candidates];
    depth[0] = forced;
    PriorityQueue<double[]> gains =
        new PriorityQueue<>(
            (a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : Double.compare(a[1], b[1]));
    for (int i = 0; i < candidates; i++) {
      if (depth[i] < maxDepth) {
        gains.add(new double[] {h.error(i, depth[i]) - h.error(i, depth[i] + 1), i});
      }
    }
    for (int left = bits - forced; left > 0 && !gains.isEmpty(); left--) {
      int i = (int) gains.poll()[1];
      depth[i]++;
      if (depth[i] < maxDepth) {
        gains.add(new double[] {h.error(i, depth[i]) - h.error(i, depth[i] + 1), i});
      }
    }
    return depth;
  }

  /** The allocation a Gaussian with these variances would get: where to fit ahead. */
  private static int[] gaussianAllocation(int bits, int candidates, double[] variance, int forced) {
    double[] error = TiedLevelFit.UNIT_GAUSSIAN_ERROR;
    int[] depth = new int[candidates];
    depth[0] = forced;
    PriorityQueue<double[]> gains =
        new PriorityQueue<>(
            (a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : Double.compare(a[1], b[1]));
    for (int i = 0; i < candidates; i++) {
      if (depth[i] + 1 < error.length) {
        gains.add(new double[] {variance[i] * (error[depth[i]] - error[depth[i] + 1]), i});
      }
    }
    for (int left = bits - forced; left > 0 && !gains.isEmpty(); left--) {
      int i = (int) gains.poll()[1];
      depth[i]++;
      if (depth[i] + 1 < error.length) {
        gains.add(new double[] {variance[i] * (error[depth[i]] - error[depth[i] + 1]), i});
      }
    }
    return depth;
  }
}
