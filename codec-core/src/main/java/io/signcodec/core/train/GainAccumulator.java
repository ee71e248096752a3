package io.signcodec.core.train;

import io.signcodec.core.Codebook;
import java.util.Arrays;

/**
 * What the per-vector gain of an allocated codebook is fitted from (docs/THEORY.md §7, per-vector
 * gain): for each vector, its reconstruction {@code x̂} by the codebook without a gain, the
 * least-squares gain {@code s = ⟨x − μ, x̂ − μ⟩ / ‖x̂ − μ‖²} and its weight {@code w = ‖x̂ − μ‖²},
 * gathered in a histogram over {@code ln s} whose bins keep {@code Σ w}, {@code Σ w s} and {@code Σ
 * w s²}, so that nothing is rounded to the bin: a gain level {@code ŝ} given to a bin lowers the
 * squared error of its vectors by {@code Σ w ((1 − s)² − (ŝ − s)²)}, exactly. A vector with {@code
 * ‖x̂ − μ‖ = 0} has weight 0. For a gain searched jointly with the directions it gathers instead
 * each vector's {@link NormScale scale}, with weight 1, to fit the levels to.
 *
 * <p>It also keeps the first vectors it sees, at most {@link #SAMPLE} and {@link #SAMPLE_FLOATS}
 * floats: the queries with which {@link GainRecallAccumulator} measures what the gain buys in
 * search, which the squared error does not show.
 */
final class GainAccumulator implements PassAccumulator<GainAccumulator> {
  private static final long serialVersionUID = 1L;

  /** Bins over {@code ln s}; the edge bins take everything beyond. */
  static final int BINS = 4096;

  /** The histogram covers {@code ln s} in {@code ±RANGE}: gains from 1/64 to 64. */
  static final double RANGE = Math.log(64);

  /**
   * Vectors kept for {@link #sample}: the recall's queries, 400 (4 000 neighbours), enough to
   * measure lifts of a few hundredths; a lift near the margin stays within the noise
   * (docs/THEORY.md §7).
   */
  static final int SAMPLE = 400;

  /** The sample's bound in floats (4 MiB): fewer vectors in high dimensions. */
  static final int SAMPLE_FLOATS = 1 << 20;

  private final int dimension;
  private final float[] mean;
  private final transient Codebook codebook;
  private transient Reconstruction reconstruction;
  private final double[] weight = new double[BINS];
  private final double[] weighted = new double[BINS];
  private final double[] squares = new double[BINS];
  private long count;
  private float[] sample;
  private int sampled;

  /** The vectors' scales, instead of their least-squares gains, if not null. */
  private final NormScale norms;

  GainAccumulator(Codebook codebook) {
    this.codebook = codebook;
    this.dimension = codebook.dimension();
    this.mean = codebook.mean();
    this.sample = new float[0];
    this.norms = null;
  }

  /**
   * Collects each vector's {@link NormScale scale}, each weighing one, for the levels of a gain
   * searched jointly with the directions; {@link #reduction} then means nothing.
   */
  GainAccumulator(int dimension, NormScale norms) {
    this.codebook = null;
    this.dimension = dimension;
    this.mean = norms.mean();
    this.sample = new float[0];
    this.norms = norms;
  }

  private int sampleCapacity() {
    return Math.min(SAMPLE, SAMPLE_FLOATS / dimension);
  }

  /** Keeps the first of {@code count} vectors at {@code vectors[offset ..]} while there is room. */
  private void keep(float[] vectors, int offset, int count) {
    int take = Math.min(count, sampleCapacity() - sampled);
    if (take <= 0) {
      return;
    }
    if (sample.length < (sampled + take) * dimension) {
      sample = Arrays.copyOf(sample, (sampled + take) * dimension);
    }
    System.arraycopy(vectors, offset, sample, sampled * dimension, take * dimension);
    sampled += take;
  }

  @Override
  public void add(float[] vectors, int offset, int count) {
    if (norms != null) {
      keep(vectors, offset, count);
      for (int v = 0; v < count; v++) {
        double s = norms.of(vectors, offset + v * dimension);
        int bin = bin(s);
        weight[bin] += 1;
        weighted[bin] += s;
        squares[bin] += s * s;
      }
      this.count += count;
      return;
    }
    reconstruction = Reconstruction.ensure(reconstruction, codebook, "gain");
    keep(vectors, offset, count);
    float[] decoded = reconstruction.reconstruct(vectors, offset, count);
    for (int v = 0; v < count; v++) {
      int x = offset + v * dimension;
      int r = v * dimension;
      double num = 0;
      double den = 0;
      for (int t = 0; t < dimension; t++) {
        double e = decoded[r + t] - mean[t];
        num += (vectors[x + t] - mean[t]) * e;
        den += e * e;
      }
      double s = den > 0 ? num / den : 1;
      int bin = bin(s);
      weight[bin] += den;
      weighted[bin] += den * s;
      squares[bin] += den * s * s;
    }
    this.count += count;
  }

  static int bin(double s) {
    if (!(s > 0)) {
      return 0;
    }
    double at = (Math.log(s) + RANGE) / (2 * RANGE) * BINS;
    return (int) Math.max(0, Math.min(BINS - 1, at));
  }

  @Override
  public void merge(GainAccumulator other) {
    for (int b = 0; b < BINS; b++) {
      weight[b] += other.weight[b];
      weighted[b] += other.weighted[b];
      squares[b] += other.squares[b];
    }
    count += other.count;
    keep(other.sample, 0, other.sampled);
  }

  @Override
  public long count() {
    return count;
  }

  /**
   * The first vectors of the pass (of the first part, then the next, up to {@link #SAMPLE}): the
   * queries of {@link GainRecallAccumulator}.
   */
  float[] sample() {
    return Arrays.copyOf(sample, sampled * dimension);
  }

  /** A fit: the levels and by how much they lower the squared error summed over the vectors. */
  record Fit(float[] levels, double reduction) {}

  /**
   * The {@code 2^bits} levels that lower the squared error most, by Lloyd's iterations over the
   * bins (each bin goes whole to the level nearest its mean gain; each level moves to the weighted
   * mean of its bins), started from the weighted quantiles; and the reduction they give.
   */
  Fit fit(int bits) {
    int levels = 1 << bits;
    int[] used = new int[BINS];
    int n = 0;
    for (int b = 0; b < BINS; b++) {
      if (weight[b] > 0) {
        used[n++] = b;
      }
    }
    double[] centre = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      centre[i] = weighted[used[i]] / weight[used[i]];
      total += weight[used[i]];
    }
    double[] level = new double[levels];
    if (n == 0) {
      Arrays.fill(level, 1);
    } else {
      // the weighted quantiles (i + ½) / levels
      double seen = 0;
      int at = 0;
      for (int i = 0; i < n; i++) {
        seen += weight[used[i]];
        while (at < levels && seen >= (at + 0.5) / levels * total) {
          level[at++] = centre[i];
        }
      }
      while (at < levels) {
        level[at++] = centre[n - 1];
      }
    }
    for (int iteration = 0; iteration < 200 && n > 0; iteration++) {
      double[] w = new double[levels];
      double[] ws = new double[levels];
      int l = 0;
      for (int i = 0; i < n; i++) {
        while (l + 1 < levels && centre[i] > (level[l] + level[l + 1]) / 2) {
          l++;
        }
        w[l] += weight[used[i]];
        ws[l] += weighted[used[i]];
      }
      boolean moved = false;
      for (int j = 0; j < levels; j++) {
        if (w[j] > 0 && ws[j] / w[j] != level[j]) {
          level[j] = ws[j] / w[j];
          moved = true;
        }
      }
      if (!moved) {
        break;
      }
    }
    float[] out = new float[levels];
    for (int j = 0; j < levels; j++) {
      float v = (float) Math.max(level[j], 1.0 / 64);
      out[j] = j > 0 && !(v > out[j - 1]) ? Math.nextUp(out[j - 1]) : v;
    }
    return new Fit(out, reduction(out));
  }

  /**
   * {@code Σ w ((1 − s)² − (ŝ − s)²)} over the vectors, each bin given the level nearest its mean
   * gain: by how much the levels lower the squared error of the codebook without a gain.
   */
  double reduction(float[] levels) {
    double reduction = 0;
    for (int b = 0; b < BINS; b++) {
      double w = weight[b];
      if (w > 0) {
        double centre = weighted[b] / w;
        int l = 0;
        while (l + 1 < levels.length && centre > ((double) levels[l] + levels[l + 1]) / 2) {
          l++;
        }
        double level = levels[l];
        // Σ w (1 − s)² − Σ w (ŝ − s)² = Σ w (1 − ŝ²) − 2 (1 − ŝ) Σ w s
        reduction += w * (1 - level * level) - 2 * (1 - level) * weighted[b];
      }
    }
    return reduction;
  }
}
