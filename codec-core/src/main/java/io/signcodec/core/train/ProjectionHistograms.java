package io.signcodec.core.train;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.FloatKernels;
import io.signcodec.core.internal.Parallel;
import io.signcodec.core.internal.form.GainLevels;
import java.util.Arrays;

/**
 * Histograms of the projections {@code y_i = ⟨b_i, x − μ⟩} of the vectors on each of m basis
 * directions: {@value AllocationTrainer#BINS} bins over ±{@code RANGE} standard deviations of each
 * direction, each bin with its count, sum and sum of squares, so that the level fits round nothing
 * to a bin. Counts are exact whatever the order; sums are added in the order of the vectors, bin by
 * bin.
 *
 * <p>Projections are computed on tiles of vectors and fixed groups of directions ({@value #GROUP},
 * or {@value #WIDE_GROUP} from {@value #WIDE} directions on) (in parallel over the groups), so a
 * vector's projections do not depend on how many threads there are or how the vectors are batched.
 */
final class ProjectionHistograms implements PassAccumulator<ProjectionHistograms> {
  private static final long serialVersionUID = 1L;

  /** Directions projected together, a multiple of every SIMD width. */
  static final int GROUP = 64;

  /**
   * Directions per group from {@value #WIDE} directions on: every group packs the tile's vectors
   * anew, so fewer groups pack less (at d = 3072 the histogram pass took 9.3 s with groups of 64
   * and 7.8–8.9 s with groups of 128, 2 cores).
   */
  static final int WIDE_GROUP = 128;

  static final int WIDE = 1024;

  private static final int TILE = 32;

  /**
   * Coordinates per call of the kernel from dimension {@value #WIDE} on: 64 rows of a group's 128
   * directions are 32 KiB, which stay in L1 while the tile's vectors go over them (below, a group's
   * whole basis fits in L2 and the kernel takes all coordinates at once).
   */
  static final int SLICE = 64;

  private final int dimension;
  private final int directions;
  private final double[] spread;
  final double[][] count;
  final double[][] sum;
  final double[][] squares;
  private long vectors;

  private final transient float[][] meanSlices;
  private final transient int slice;
  private final transient float[][] transposedBasis;
  private transient float[][][] projections;

  /** With {@link #normalized}: the scale of each vector and the gain's levels; else null. */
  private final transient NormScale norms;

  private final transient GainLevels gains;

  /** The projections divided by the level nearest to the vector's scale. */
  private final boolean normalized;

  /**
   * @param basis the directions, m×d row-major
   * @param spread each direction's standard deviation, which sets its bins
   */
  ProjectionHistograms(int dimension, float[] basis, float[] mean, double[] spread) {
    this(dimension, basis, mean, spread, null, null);
  }

  /**
   * Histograms of the projections of each vector divided by the gain level nearest to its {@link
   * NormScale scale} (levels {@code gain}, ascending), for a gain searched jointly with the
   * directions; plain projections if {@code norms} is null.
   */
  ProjectionHistograms(
      int dimension, float[] basis, float[] mean, double[] spread, NormScale norms, float[] gain) {
    this.norms = norms;
    this.gains = norms == null ? null : new GainLevels(gain, 0);
    this.normalized = norms != null;
    this.dimension = dimension;
    this.directions = spread.length;
    this.spread = spread;
    this.slice = dimension >= WIDE ? SLICE : dimension;
    this.meanSlices = new float[(dimension + slice - 1) / slice][];
    for (int k0 = 0; k0 < dimension; k0 += slice) {
      meanSlices[k0 / slice] = Arrays.copyOfRange(mean, k0, Math.min(dimension, k0 + slice));
    }
    this.count = new double[directions][AllocationTrainer.BINS];
    this.sum = new double[directions][AllocationTrainer.BINS];
    this.squares = new double[directions][AllocationTrainer.BINS];
    this.transposedBasis = new float[dimension][directions];
    for (int i = 0; i < directions; i++) {
      for (int t = 0; t < dimension; t++) {
        transposedBasis[t][i] = basis[i * dimension + t];
      }
    }
  }

  int directions() {
    return directions;
  }

  double spread(int direction) {
    return spread[direction];
  }

  @Override
  public void add(float[] batch, int offset, int count) {
    if (transposedBasis == null) {
      throw new IllegalStateException("histograms that were serialized only merge");
    }
    int d = dimension;
    Checks.checkRange("vectors", batch.length, offset, count, d);
    Checks.checkFinite(batch, offset, count, d);
    int group = directions >= WIDE ? WIDE_GROUP : GROUP;
    int groups = (directions + group - 1) / group;
    if (projections == null) {
      projections = new float[groups][TILE][directions];
    }
    vectors += count;
    float[] divisors = null;
    if (normalized) {
      if (norms == null) {
        throw new IllegalStateException("histograms that were serialized only merge");
      }
      divisors = new float[count];
      for (int v = 0; v < count; v++) {
        divisors[v] = gains.level(gains.nearest(norms.of(batch, offset + v * d)));
      }
    }
    float[] divide = divisors;
    // Each group of directions has its own histograms and tile: threads write disjoint outputs.
    Parallel.forRange(
        groups,
        1,
        true,
        (gFrom, gTo) -> {
          for (int g = gFrom; g < gTo; g++) {
            int from = g * group;
            int to = Math.min(directions, from + group);
            float[][] p = projections[g];
            for (int t = 0; t < count; t += TILE) {
              int n = Math.min(TILE, count - t);
              for (int v = 0; v < n; v++) {
                Arrays.fill(p[v], from, to, 0f);
              }
              // A slice of the basis at a time, small enough to stay in L1 while every vector of
              // the tile goes over it; each projection still sums over the coordinates in order.
              for (int k0 = 0; k0 < d; k0 += slice) {
                int k = Math.min(slice, d - k0);
                FloatKernels.multiplyAdd(
                    batch,
                    offset + t * d + k0,
                    d,
                    meanSlices[k0 / slice],
                    transposedBasis,
                    k0,
                    k,
                    from,
                    to,
                    p,
                    n);
              }
              // Direction by direction, so that one direction's bins stay in cache.
              for (int i = from; i < to; i++) {
                if (divide == null) {
                  for (int v = 0; v < n; v++) {
                    bin(i, p[v][i]);
                  }
                } else {
                  for (int v = 0; v < n; v++) {
                    bin(i, p[v][i] / divide[t + v]);
                  }
                }
              }
            }
          }
        });
  }

  private void bin(int direction, float y) {
    double s = spread[direction];
    int bins = AllocationTrainer.BINS;
    double range = AllocationTrainer.RANGE;
    int bin = s > 0 ? (int) Math.floor((y / s + range) * bins / (2 * range)) : bins / 2;
    bin = Math.max(0, Math.min(bins - 1, bin));
    count[direction][bin]++;
    sum[direction][bin] += y;
    squares[direction][bin] += (double) y * y;
  }

  @Override
  public void merge(ProjectionHistograms other) {
    if (other.directions != directions || other.dimension != dimension) {
      throw new IllegalArgumentException(
          "cannot merge histograms of "
              + other.directions
              + " directions in dimension "
              + other.dimension
              + " into "
              + directions
              + " in "
              + dimension);
    }
    boolean empty = vectors == 0;
    for (int i = 0; i < directions; i++) {
      if (empty) {
        System.arraycopy(other.count[i], 0, count[i], 0, AllocationTrainer.BINS);
        System.arraycopy(other.sum[i], 0, sum[i], 0, AllocationTrainer.BINS);
        System.arraycopy(other.squares[i], 0, squares[i], 0, AllocationTrainer.BINS);
        continue;
      }
      for (int j = 0; j < AllocationTrainer.BINS; j++) {
        count[i][j] += other.count[i][j];
        sum[i][j] += other.sum[i][j];
        squares[i][j] += other.squares[i][j];
      }
    }
    vectors += other.vectors;
  }

  @Override
  public long count() {
    return vectors;
  }
}
