package io.signcodec.core.internal.form;

import io.signcodec.core.LevelSearch;
import io.signcodec.core.SignCodes;
import io.signcodec.core.internal.FloatKernels;
import io.signcodec.core.internal.Parallel;
import java.util.Arrays;

/**
 * A codebook that spends its bits unevenly over the directions of one orthogonal basis
 * (docs/THEORY.md §7, docs/FORMAT.md §2.4): direction i gets {@code b_i} tied bits, so its
 * projection {@code y_i = u_i · (x − μ)} is coded as one of the 2^{b_i} levels {@code Σ_k c_{i,k}
 * z_{i,k}} ({@link TiedLevels}; the nearest, unless the encoder was built with {@link
 * LevelSearch#GREEDY}), and decoding is the linear map {@code x̂ = μ + Σ_i u_i Σ_k c_{i,k}
 * z_{i,k}}. Directions are ordered by decreasing depth; the code is stage-major: bits of depth 0 of
 * every direction, then depth 1 of those that have it, and so on, so stage k has {@code n_k = #{i :
 * b_i > k}} bits and {@code z_{i,k}} is bit {@code f_k + i} with {@code f_k = n_0 + … + n_{k−1}}.
 *
 * <p>The basis is either {@code m = n_0} dense orthonormal rows (trained: the covariance's
 * eigenvectors) or the first m outputs of one randomized Hadamard transform drawn from the seed
 * (data-free, O(d log d)). Either way encoding is one projection and a binary search per direction,
 * however many bits a direction has.
 *
 * <p>The code may end with g bits of a per-vector gain ({@link GainLevels}): then {@code x̂ = μ + ŝ
 * Σ_i u_i Σ_k c_{i,k} z_{i,k}}, with {@code ŝ} the level the gain bits index, picked after the
 * directions or, for a gain searched jointly, with them: each level's codes of {@code y_i / ŝ} are
 * tried and the best kept. Such a codebook may give a direction up to {@value
 * io.signcodec.core.Caps#MAX_DEPTH} bits.
 */
public final class AllocatedForm implements CodebookForm {
  private final int dimension;
  private final float[] mean;
  private final int[] stageBits;
  private final int[] stageStart;
  private final int directions;
  private final int bits;

  /** Per bit, in code order: the scale {@code c_{i,k}} of bit {@code f_k + i}. */
  private final float[] bitScales;

  /** Per bit, in code order: its direction i. */
  private final int[] bitDirection;

  private final TiedLevels[] levels;
  private final int[] depths;

  /** Dense basis: rows u_i (m of d), and their transpose (d of m) for the projection kernel. */
  private final float[][] rows;

  private final float[][] rowsTransposed;

  /**
   * The transpose in {@link FloatKernels#panels}' layout, for one vector's projections (a query's,
   * {@link #decoderWeights}): built on first use, another {@code 4·d·m} bytes. Its floats are a
   * function of the rows, so a race that builds it twice publishes equal arrays.
   */
  private volatile float[] panels;

  /**
   * The transpose rounded to bfloat16 in {@link FloatKernels#halfPanels}' layout, for {@link
   * #approximateWeights}: built on first use, another {@code 2·d·m} bytes.
   */
  private volatile int[] halfPanels;

  /**
   * {@link #approximationError}: {@code 2^−8 Σ_i ‖u_i‖ Σ_{bits j of i} |c_j|} with a dense basis,
   * whose {@link #approximateWeights} read bfloat16 directions; 0 with a structured one.
   */
  private final double halfError;

  /** Structured basis: one stage of d outputs, of which the first m are the directions. */
  private final StructuredTransform transform;

  private final long seed;
  private final double safeMagnitude;

  /** The per-vector gain, in the code's last bits; null if the code has none. */
  private final GainLevels gain;

  /** Bits per code: the directions' and the gain's. */
  private final int codeBits;

  /**
   * {@code Σ c²} over the directions' bits: the mean square of a code's levels when its bits are
   * equally likely, against which a joint gain's search guesses its first level.
   */
  private final double levelEnergy;

  /**
   * From its parts, taking ownership of every array, as the format's reader builds it: {@code
   * levels} from {@link #levels}, {@code rows} the m rows of a dense basis (null for a structured
   * one, drawn from {@code seed}; a dense basis has seed 0), {@code gain} the levels of a
   * per-vector gain or null.
   */
  public AllocatedForm(
      float[] mean,
      int[] stageBits,
      float[] bitScales,
      TiedLevels[] levels,
      float[][] rows,
      long seed,
      boolean structured,
      float[] gain) {
    this(mean, stageBits, bitScales, levels, rows, seed, structured, gain, false);
  }

  /**
   * As {@link #AllocatedForm(float[], int[], float[], TiedLevels[], float[][], long, boolean,
   * float[])}, the gain searched jointly with the directions if {@code jointGain} ({@link
   * GainLevels#joint}).
   */
  public AllocatedForm(
      float[] mean,
      int[] stageBits,
      float[] bitScales,
      TiedLevels[] levels,
      float[][] rows,
      long seed,
      boolean structured,
      float[] gain,
      boolean jointGain) {
    this.dimension = mean.length;
    this.mean = mean;
    this.stageBits = stageBits;
    this.directions = stageBits[0];
    this.bits = Arrays.stream(stageBits).sum();
    this.bitScales = bitScales;
    this.gain = gain == null ? null : new GainLevels(gain, bits, jointGain);
    this.codeBits = bits + (gain == null ? 0 : this.gain.bits());
    double energy = 0;
    for (float c : bitScales) {
      energy += (double) c * c;
    }
    this.levelEnergy = energy > 0 ? energy : 1;
    this.stageStart = new int[stageBits.length];
    for (int k = 1; k < stageBits.length; k++) {
      stageStart[k] = stageStart[k - 1] + stageBits[k - 1];
    }
    this.bitDirection = new int[bits];
    for (int k = 0; k < stageBits.length; k++) {
      for (int i = 0; i < stageBits[k]; i++) {
        bitDirection[stageStart[k] + i] = i;
      }
    }
    this.levels = levels;
    this.depths = new int[directions];
    for (int i = 0; i < directions; i++) {
      depths[i] = levels[i].depth();
    }
    this.seed = seed;
    if (structured) {
      this.rows = null;
      this.rowsTransposed = null;
      this.transform =
          new StructuredTransform(dimension, new int[] {dimension}, new double[] {1}, seed);
      // one orthogonal transform: as StructuredForm's first stage
      this.safeMagnitude =
          CodebookForm.safeMagnitude(Math.sqrt((double) transform.block() * dimension), 0, mean);
    } else {
      this.rows = rows;
      this.rowsTransposed = new float[dimension][directions];
      for (int i = 0; i < directions; i++) {
        for (int t = 0; t < dimension; t++) {
          rowsTransposed[t][i] = rows[i][t];
        }
      }
      this.transform = null;
      // |y_i| ≤ ‖u_i‖₁ ‖x − μ‖∞, as for one dense stage
      double spread = 0;
      for (float[] row : rows) {
        double norm = 0;
        for (float v : row) {
          norm += Math.abs(v);
        }
        spread = Math.max(spread, norm);
      }
      this.safeMagnitude = CodebookForm.safeMagnitude(spread, 0, mean);
    }
    this.halfError = structured ? 0 : halfError(rows, bitScales, bitDirection, bits, directions);
  }

  private static double halfError(
      float[][] rows, float[] bitScales, int[] bitDirection, int bits, int directions) {
    double[] scales = new double[directions];
    for (int j = 0; j < bits; j++) {
      scales[bitDirection[j]] += Math.abs(bitScales[j]);
    }
    double sum = 0;
    for (int i = 0; i < directions; i++) {
      double norm = 0;
      for (float v : rows[i]) {
        norm += (double) v * v;
      }
      sum += Math.sqrt(norm) * scales[i];
    }
    return 0x1p-8 * sum;
  }

  /** A dense basis: {@code basis} holds m rows of d (m = stageBits[0]), row-major; copied. */
  public static AllocatedForm dense(
      float[] mean, int[] stageBits, float[] bitScales, float[] basis, float[] gain) {
    return dense(mean, stageBits, bitScales, basis, gain, false);
  }

  /**
   * As {@link #dense(float[], int[], float[], float[], float[])}, a joint gain if {@code joint}.
   */
  public static AllocatedForm dense(
      float[] mean,
      int[] stageBits,
      float[] bitScales,
      float[] basis,
      float[] gain,
      boolean joint) {
    int d = mean.length;
    float[][] rows = new float[stageBits[0]][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Arrays.copyOfRange(basis, i * d, (i + 1) * d);
    }
    return new AllocatedForm(
        mean, stageBits, bitScales, levels(stageBits, bitScales), rows, 0, false, gain, joint);
  }

  /** The first m outputs of the randomized Hadamard transform drawn from {@code seed}. */
  public static AllocatedForm structured(
      float[] mean, int[] stageBits, float[] bitScales, long seed, float[] gain) {
    return structured(mean, stageBits, bitScales, seed, gain, false);
  }

  /**
   * As {@link #structured(float[], int[], float[], long, float[])}, a joint gain if {@code joint}.
   */
  public static AllocatedForm structured(
      float[] mean, int[] stageBits, float[] bitScales, long seed, float[] gain, boolean joint) {
    return new AllocatedForm(
        mean, stageBits, bitScales, levels(stageBits, bitScales), null, seed, true, gain, joint);
  }

  /**
   * The levels of every direction: direction i has a bit in each stage k with {@code stageBits[k] >
   * i}, bit {@code f_k + i}, whose scale is {@code bitScales[f_k + i]}.
   */
  public static TiedLevels[] levels(int[] stageBits, float[] bitScales) {
    TiedLevels[] levels = new TiedLevels[stageBits[0]];
    for (int i = 0; i < levels.length; i++) {
      int b = 0;
      while (b < stageBits.length && stageBits[b] > i) {
        b++;
      }
      float[] c = new float[b];
      for (int k = 0, first = 0; k < b; first += stageBits[k], k++) {
        c[k] = bitScales[first + i];
      }
      levels[i] = new TiedLevels(c);
    }
    return levels;
  }

  /**
   * The first direction whose levels or thresholds are not finite in float32 (its scales are, but
   * their sums may not be), or −1.
   */
  public static int overflowingDirection(TiedLevels[] levels) {
    for (int i = 0; i < levels.length; i++) {
      if (levels[i].nonFinite() != null) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the basis is the structured transform drawn from {@link #seed}. */
  public boolean structuredBasis() {
    return transform != null;
  }

  @Override
  public int[] stageBits() {
    return stageBits;
  }

  @Override
  public float[] mean() {
    return mean;
  }

  /** The per-vector gain, or null if the code has none. */
  public GainLevels gain() {
    return gain;
  }

  /** Bits per code, the gain's included. */
  public int codeBits() {
    return codeBits;
  }

  /** m, the number of directions. */
  public int directions() {
    return directions;
  }

  /** The levels of direction i. */
  public TiedLevels levels(int direction) {
    return levels[direction];
  }

  /** The scale {@code c_{i,k}} of every bit, in code order (not copied). */
  public float[] bitScales() {
    return bitScales;
  }

  /** A dense basis's m rows of d (not copied); null for a structured basis. */
  public float[][] rows() {
    return rows;
  }

  /** A structured basis's transform; null for a dense basis. */
  public StructuredTransform transform() {
    return transform;
  }

  /** The m×d basis rows, row-major (computed, for a structured basis). */
  float[] basisRows() {
    float[] b = new float[directions * dimension];
    if (rows != null) {
      for (int i = 0; i < directions; i++) {
        System.arraycopy(rows[i], 0, b, i * dimension, dimension);
      }
      return b;
    }
    float[] e = new float[dimension];
    for (int t = 0; t < dimension; t++) {
      Arrays.fill(e, 0f);
      e[t] = 1;
      transform.forward(e, 0);
      for (int i = 0; i < directions; i++) {
        b[i * dimension + t] = e[i]; // Q[i][t]
      }
    }
    return b;
  }

  /**
   * The squared error expected on Gaussian data with covariance Σ (d×d) centred at μ: what the
   * directions leave out, {@code tr Σ − Σ_i u_iᵀ Σ u_i}, plus each direction's quantization error
   * at its variance (exact when the basis is orthonormal).
   */
  public double gaussianSquaredError(double[] covariance) {
    float[] basis = basisRows();
    double error = 0;
    for (int t = 0; t < dimension; t++) {
      error += covariance[t * dimension + t];
    }
    double[] variance = new double[directions];
    int groups = (directions + GROUP - 1) / GROUP;
    Parallel.forRange(
        groups,
        1,
        (long) directions * dimension * dimension > 1 << 22,
        (from, to) -> {
          for (int g = from; g < to; g++) {
            quadraticForms(
                covariance, basis, g * GROUP, Math.min(directions, (g + 1) * GROUP), variance);
          }
        });
    for (int i = 0; i < directions; i++) {
      double v = variance[i];
      error += levels[i].gaussianError(Math.sqrt(Math.max(v, 0))) - v;
    }
    return error;
  }

  /** Directions whose quadratic forms are evaluated together, one per SIMD lane. */
  private static final int GROUP = 256;

  /** Rows of Σ whose products with a group's directions are formed together. */
  private static final int ROW_TILE = 4;

  /**
   * {@code u_iᵀ Σ u_i} for the directions {@code [from, to)}, each summed in the order {@code Σ_r
   * u_{i,r} · (Σ_c Σ_{rc} u_{i,c})}, without fused multiply-adds: the same bits as one direction at
   * a time, with the directions side by side in the inner loop so that it runs in SIMD lanes and
   * reads Σ once per group rather than once per direction.
   */
  private void quadraticForms(
      double[] covariance, float[] basis, int from, int to, double[] variance) {
    int d = dimension;
    int n = to - from;
    double[][] columns = new double[d][n];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < d; c++) {
        columns[c][i] = basis[(from + i) * d + c];
      }
    }
    // Rows of Σ a tile at a time, so that each column of the basis is read once per tile.
    double[][] rows = new double[ROW_TILE][n];
    double[] v = new double[n];
    for (int r0 = 0; r0 < d; r0 += ROW_TILE) {
      int tile = Math.min(ROW_TILE, d - r0);
      for (int q = 0; q < tile; q++) {
        Arrays.fill(rows[q], 0);
      }
      for (int c = 0; c < d; c++) {
        double[] u = columns[c];
        for (int q = 0; q < tile; q++) {
          double s = covariance[(r0 + q) * d + c];
          double[] row = rows[q];
          for (int i = 0; i < n; i++) {
            row[i] += s * u[i];
          }
        }
      }
      for (int q = 0; q < tile; q++) {
        double[] u = columns[r0 + q];
        double[] row = rows[q];
        for (int i = 0; i < n; i++) {
          v[i] += u[i] * row[i];
        }
      }
    }
    System.arraycopy(v, 0, variance, from, n);
  }

  // ------------------------------------------------------------------------------- encode

  @Override
  public TileEncoder newTileEncoder(LevelSearch search) {
    boolean greedy = search == LevelSearch.GREEDY;
    int codeBytes = SignCodes.codeBytes(codeBits);
    if (transform != null) {
      int lanes = StructuredTransform.LANES;
      float[] w = new float[dimension * lanes];
      // the projections, kept for the gain: the level search overwrites w
      float[] y = gain == null ? null : new float[directions * lanes];
      int deep = stageBits.length > 1 ? stageBits[1] : 0;
      // The nearest-level search, bit by bit over a group's lanes (FloatKernels.levelBits):
      // bit k ≥ 1 of deep direction i to planes[k], bit 0 in place of the projection, as ±1.
      float[][] planes = new float[stageBits.length][];
      for (int k = 1; k < stageBits.length; k++) {
        planes[k] = new float[stageBits[k] * lanes];
      }
      return (src, srcOff, dst, dstOff, count) -> {
        for (int v = 0; v < count; v += lanes) {
          int group = Math.min(lanes, count - v);
          transform.projectLanes(src, srcOff + v * dimension, group, mean, w);
          int codes = dstOff + v * codeBytes;
          Arrays.fill(dst, codes, codes + group * codeBytes, (byte) 0);
          if (y != null) {
            System.arraycopy(w, 0, y, 0, y.length);
          }
          if (gain != null && gain.joint()) {
            for (int l = 0; l < group; l++) {
              packJoint(y, l, lanes, greedy, dst, codes + l * codeBytes);
            }
            continue;
          }
          if (greedy) {
            // Every direction's stage-0 bit as the sign of its projection, straight from the
            // lanes, 32 at a time; the directions with more bits then replace theirs.
            FloatKernels.packSigns(w, directions, 0, group, dst, codes, codeBytes);
            for (int l = 0; l < group && deep > 0; l++) {
              int code = codes + l * codeBytes;
              for (int i = 0; i < deep; i++) {
                dst[code + (i >>> 3)] &= (byte) ~(1 << (i & 7));
              }
              packDeep(w, l, lanes, true, dst, code, deep);
            }
            packGains(y, lanes, group, dst, codes, codeBytes);
            continue;
          }
          for (int i = 0; i < deep; i++) {
            TiedLevels level = levels[i];
            int at = i * lanes;
            for (int k = depths[i] - 1; k >= 1; k--) {
              FloatKernels.levelBits(w, at, level.flips(k), level.lowestBit(k), planes[k], at);
            }
            FloatKernels.levelBits(w, at, level.flips(0), level.lowestBit(0), w, at);
          }
          // a direction with one bit keeps its projection, whose sign is its bit
          FloatKernels.packSigns(w, directions, 0, group, dst, codes, codeBytes);
          for (int k = 1; k < stageBits.length; k++) {
            FloatKernels.packSigns(
                planes[k], stageBits[k], stageStart[k], group, dst, codes, codeBytes);
          }
          packGains(y, lanes, group, dst, codes, codeBytes);
        }
      };
    }
    float[][] projections = new float[DenseForm.TILE][directions];
    return (src, srcOff, dst, dstOff, count) -> {
      for (int t = 0; t < count; t += DenseForm.TILE) {
        int m = Math.min(DenseForm.TILE, count - t);
        FloatKernels.clear(projections, m, directions);
        FloatKernels.multiplyAdd(
            src,
            srcOff + t * dimension,
            dimension,
            mean,
            rowsTransposed,
            0,
            dimension,
            0,
            directions,
            projections,
            m);
        for (int i = 0; i < m; i++) {
          int code = dstOff + (t + i) * codeBytes;
          if (gain != null && gain.joint()) {
            packJoint(projections[i], 0, 1, greedy, dst, code);
            continue;
          }
          pack(projections[i], 0, 1, greedy, dst, code, codeBytes);
          if (gain != null) {
            packGain(projections[i], 0, 1, dst, code);
          }
        }
      }
    };
  }

  /** {@code y_0 … y_{m−1}}, one vector's projections on the directions. */
  @Override
  public float[] projections(float[] x, int off) {
    if (transform != null) {
      float[] w = new float[dimension * StructuredTransform.LANES];
      transform.projectLanes(x, off, 1, mean, w);
      float[] y = new float[directions];
      for (int i = 0; i < directions; i++) {
        y[i] = w[i * StructuredTransform.LANES];
      }
      return y;
    }
    float[][] p = new float[1][directions];
    FloatKernels.multiplyAdd(
        x, off, dimension, mean, rowsTransposed, 0, dimension, 0, directions, p, 1);
    return p[0];
  }

  /** {@link #halfPanels}, built on first use. */
  private int[] halfPanels() {
    int[] p = halfPanels;
    if (p == null) {
      p = FloatKernels.halfPanels(rowsTransposed, dimension, directions);
      halfPanels = p;
    }
    return p;
  }

  /** {@link #panels}, built on first use. */
  private float[] panels() {
    float[] p = panels;
    if (p == null) {
      p = FloatKernels.panels(rowsTransposed, dimension, directions);
      panels = p;
    }
    return p;
  }

  @Override
  public double safeMagnitude() {
    return safeMagnitude;
  }

  /** Codes the projections {@code y[off + i · stride]} of one vector into its code bytes. */
  private void pack(
      float[] y, int off, int stride, boolean greedy, byte[] dst, int dstOff, int codeBytes) {
    Arrays.fill(dst, dstOff, dstOff + codeBytes, (byte) 0);
    int deep = stageBits.length > 1 ? stageBits[1] : 0;
    packDeep(y, off, stride, greedy, dst, dstOff, deep);
    // A direction with one bit has the levels ±c, whose threshold fl(fl(−c + c) · 0.5) is 0:
    // both encoders give it the sign bit of the projection (y ≥ 0), the sign rule, with no
    // search. Its bit is bit i of stage 0.
    for (int i = deep; i < directions; i++) {
      int set = y[off + i * stride] >= 0f ? 1 : 0;
      dst[dstOff + (i >>> 3)] |= (byte) (set << (i & 7));
    }
  }

  /**
   * ORs in the bits of the first {@code deep} directions, those with two bits or more, from the
   * level each one's search picks; their bits must be zero beforehand.
   */
  private void packDeep(
      float[] y, int off, int stride, boolean greedy, byte[] dst, int dstOff, int deep) {
    for (int i = 0; i < deep; i++) {
      float p = y[off + i * stride];
      int pattern = greedy ? levels[i].greedy(p) : levels[i].nearest(p);
      for (int k = 0; k < depths[i]; k++) {
        int bit = stageStart[k] + i;
        dst[dstOff + (bit >>> 3)] |= (byte) (((pattern >>> k) & 1) << (bit & 7));
      }
    }
  }

  /**
   * Writes the gain of each of the {@code group} codes from {@code dst[codes ..]}, whose direction
   * bits are written, from the projections {@code y[i · lanes + l]} of lane l; nothing if the code
   * has no gain ({@code y} null).
   */
  private void packGains(float[] y, int lanes, int group, byte[] dst, int codes, int codeBytes) {
    if (y == null) {
      return;
    }
    for (int l = 0; l < group; l++) {
      packGain(y, l, lanes, dst, codes + l * codeBytes);
    }
  }

  /**
   * Writes the gain of the code at {@code dst[code ..]}, whose direction bits are written: the
   * level nearest to the least-squares gain of the projections {@code y[off + i · stride]} on the
   * levels the code holds ({@link GainLevels}).
   */
  private void packGain(float[] y, int off, int stride, byte[] dst, int code) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < directions; i++) {
      double l = level(dst, code, i);
      num += l * y[off + i * stride];
      den += l * l;
    }
    gain.write(dst, code, gain.nearest(num, den));
  }

  /**
   * Codes one vector whose gain is searched jointly ({@link GainLevels#joint}) into the code at
   * {@code dst[code ..]}: for each gain level {@code s_j}, each direction's {@code v = fl(y_i /
   * s_j)} is coded by its level search and the squared error {@code Σ_i (y_i − s_j ℓ_i)²} summed in
   * binary64 in order of i; the level with the least error (the lowest of equals) and its
   * directions' bits are written. For an orthonormal basis this is the pair of level and bits that
   * codes {@code x − μ} best along the directions, since for a fixed {@code s_j} the nearest level
   * of each {@code y_i / s_j} minimises its term.
   */
  private void packJoint(float[] y, int off, int stride, boolean greedy, byte[] dst, int code) {
    int codeBytes = SignCodes.codeBytes(codeBits);
    Arrays.fill(dst, code, code + codeBytes, (byte) 0);
    int count = 1 << gain.bits();
    int chosen =
        greedy ? searchGreedy(y, off, stride, count) : searchNearest(y, off, stride, count);
    float s = gain.level(chosen);
    for (int i = 0; i < directions; i++) {
      float v = y[off + i * stride] / s;
      TiedLevels level = levels[i];
      int pattern = greedy ? level.greedy(v) : level.sortedPattern(level.nearestSorted(v));
      for (int k = 0; k < depths[i]; k++) {
        int bit = stageStart[k] + i;
        dst[code + (bit >>> 3)] |= (byte) (((pattern >>> k) & 1) << (bit & 7));
      }
    }
    gain.write(dst, code, chosen);
  }

  /**
   * The joint gain's level for the nearest-level search: each direction's index among its sorted
   * levels moves one way as the gain level rises ({@code y_i / s_j} falls for {@code y_i > 0} and
   * rises for {@code y_i < 0}, and the index is the number of thresholds at or below it), so it is
   * found once by a binary search and then walked across the gain levels, and every level's error
   * is summed in order of i: the same sums as one search per level.
   */
  private int searchNearest(float[] y, int off, int stride, int count) {
    double[] errors = new double[count];
    for (int i = 0; i < directions; i++) {
      float p = y[off + i * stride];
      TiedLevels level = levels[i];
      int last = level.thresholdCount();
      int index = level.nearestSorted(p / gain.level(0));
      for (int j = 0; j < count; j++) {
        float s = gain.level(j);
        float v = p / s;
        if (j > 0) {
          if (p > 0f) {
            while (index > 0 && v < level.threshold(index - 1)) {
              index--;
            }
          } else {
            while (index < last && v >= level.threshold(index)) {
              index++;
            }
          }
        }
        double e = p - (double) s * level.sortedLevel(index);
        errors[j] += e * e;
      }
    }
    int chosen = 0;
    for (int j = 1; j < count; j++) {
      if (errors[j] < errors[chosen]) {
        chosen = j;
      }
    }
    return chosen;
  }

  /**
   * The joint gain's level for the greedy level search: the levels tried outward from the one the
   * vector's norm suggests, so that the best is usually found first, each stopping as soon as its
   * partial error passes the best (or reaches it, for a higher level). Every level is tried: the
   * order changes only the time taken.
   */
  private int searchGreedy(float[] y, int off, int stride, int count) {
    double energy = 0;
    for (int i = 0; i < directions; i++) {
      double p = y[off + i * stride];
      energy += p * p;
    }
    int first = gain.nearest(Math.sqrt(energy / levelEnergy));
    double best = Double.POSITIVE_INFINITY;
    int chosen = count;
    for (int t = 0; t < count; t++) {
      int j = outward(first, t, count);
      float s = gain.level(j);
      double ds = s;
      double error = 0;
      int i = 0;
      // a partial sum only grows: past the best, or at it with a higher level, j cannot win
      for (; i < directions && (error < best || (error == best && j < chosen)); i++) {
        float p = y[off + i * stride];
        TiedLevels level = levels[i];
        double e = p - ds * level.levelOf(level.greedy(p / s));
        error += e * e;
      }
      if (i == directions && (error < best || (error == best && j < chosen))) {
        best = error;
        chosen = j;
      }
    }
    return chosen;
  }

  /**
   * The t-th of the indices {@code [0, count)} in order of distance from {@code first}, the lower
   * of two at the same distance first.
   */
  static int outward(int first, int t, int count) {
    int below = first;
    int above = count - 1 - first;
    int near = Math.min(below, above);
    if (t <= 2 * near) {
      return t == 0 ? first : (t % 2 == 1 ? first - (t + 1) / 2 : first + t / 2);
    }
    // past the nearer end, the rest of the longer side in order
    int beyond = t - 2 * near;
    return below > above ? first - near - beyond : first + near + beyond;
  }

  /** The level of direction i that the code at {@code src[off..]} holds. */
  private float level(byte[] src, int off, int i) {
    float v = 0f;
    for (int k = 0; k < depths[i]; k++) {
      v += Signs.signed(src, off, stageStart[k] + i, levels[i].scale(k));
    }
    return v;
  }

  // ------------------------------------------------------------------------------- decode

  @Override
  public TileDecoder newTileDecoder() {
    int codeBytes = SignCodes.codeBytes(codeBits);
    if (transform != null) {
      return new LaneDecoder(codeBytes);
    }
    return new DenseTileDecoder(
        mean,
        rows,
        directions,
        codeBytes,
        (src, off, levels, at) -> {
          // the level times the code's gain, if it has one
          float s = gain == null ? 1f : gain.gain(src, off);
          for (int i = 0; i < directions; i++) {
            float l = level(src, off, i);
            levels[at + i] = gain == null ? l : s * l;
          }
        });
  }

  /**
   * The structured decoder, {@value StructuredTransform#LANES} codes at a time: each level of a
   * group is summed in its lanes, depth after depth — the signs of a depth's bits unpacked for all
   * lanes at once, times each direction's scale at that depth — in the order {@link #level} sums
   * it, so the levels are the same floats; times the code's gain, if it has one; then one inverse
   * transform of the lanes.
   */
  private final class LaneDecoder implements TileDecoder {
    private static final int LANES = StructuredTransform.LANES;
    private final int codeBytes;

    /** Directions i with a bit at depth k ({@code depths[i] > k}): the first so many. */
    private final int[] directionsAt;

    /** {@code scales[k][i]}: the scale of direction i's bit at depth k. */
    private final float[][] scales;

    private final float[] signs = new float[directions * LANES];
    private final float[] w = new float[dimension * LANES];

    LaneDecoder(int codeBytes) {
      this.codeBytes = codeBytes;
      this.directionsAt = new int[stageBits.length];
      this.scales = new float[stageBits.length][];
      for (int k = 0; k < stageBits.length; k++) {
        int n = 0;
        while (n < directions && depths[n] > k) {
          n++;
        }
        directionsAt[k] = n;
        scales[k] = new float[n];
        for (int i = 0; i < n; i++) {
          scales[k][i] = levels[i].scale(k);
        }
      }
    }

    @Override
    public void decode(byte[] src, int srcOff, float[] dst, int dstOff, int count) {
      for (int v = 0; v < count; v += LANES) {
        int lanes = Math.min(LANES, count - v);
        int off = srcOff + v * codeBytes;
        Arrays.fill(w, 0f);
        for (int k = 0; k < stageBits.length; k++) {
          int n = directionsAt[k];
          // Lanes past the group's end read as all clear: finite levels, never written out.
          FloatKernels.unpackSigns(src, off, codeBytes, lanes, stageStart[k], n, 1f, signs);
          float[] c = scales[k];
          for (int i = 0; i < n; i++) {
            float ci = c[i];
            for (int q = i * LANES; q < (i + 1) * LANES; q++) {
              w[q] += ci * signs[q];
            }
          }
        }
        if (gain != null) {
          for (int l = 0; l < lanes; l++) {
            float s = gain.gain(src, off + l * codeBytes);
            for (int i = 0; i < directions; i++) {
              w[i * LANES + l] *= s;
            }
          }
        }
        transform.reconstructLanes(w, lanes, mean, dst, dstOff + v * dimension);
      }
    }
  }

  /**
   * {@code w_{(i,k)} = c_{i,k} (u_i · q)}, the projections {@code u_i · q} in float32: the
   * transform's for a structured basis; for a dense one the tile encoder's sums, from {@link
   * #panels} ({@link FloatKernels#project}: m·d multiply-adds in SIMD lanes, the costly part of
   * preparing a query).
   */
  @Override
  public double[] decoderWeights(float[] query) {
    float[] along;
    if (transform != null) {
      along = query.clone();
      transform.forward(along, 0);
    } else {
      // u_i · q as the encoder projects (the same float32 sums as its tile kernel)
      along = new float[directions];
      FloatKernels.project(query, 0, null, panels(), dimension, directions, along);
    }
    return weights(along);
  }

  /**
   * With a dense basis, the projections {@code u_i · q} from the directions rounded to bfloat16
   * ({@link FloatKernels#projectHalf}): half the bytes to read, each projection within {@code 2^−8
   * Σ_k |q_k u_ik| ≤ 2^−8 ‖q‖ ‖u_i‖} of the exact one (up to float rounding), an error of the order
   * of the 8-bit planes' own, which these weights are for. A graph search's queries read the
   * directions while its codes and graph contend for the same cache: at d = 384 (381 directions,
   * 585 KB of floats) the bfloat16 projection gave 5 to 9 % more queries per second in Lucene's
   * HNSW; at d = 784 the projection is 2.3 to 2.6 times as fast. With a structured basis, the exact
   * weights.
   */
  @Override
  public double[] approximateWeights(float[] query) {
    if (halfError == 0) {
      return decoderWeights(query);
    }
    float[] along = new float[directions];
    FloatKernels.projectHalf(query, 0, halfPanels(), dimension, directions, along);
    return weights(along);
  }

  @Override
  public double approximationError() {
    return halfError;
  }

  /**
   * {@code w_j = c_j · along[i(j)]}, in double: stage by stage, bit {@code f_k + i} of direction i,
   * so each stage is one contiguous product rather than a gather per bit.
   */
  private double[] weights(float[] along) {
    double[] w = new double[bits];
    for (int k = 0; k < stageBits.length; k++) {
      int from = stageStart[k];
      for (int i = 0, count = stageBits[k]; i < count; i++) {
        w[from + i] = bitScales[from + i] * (double) along[i];
      }
    }
    return w;
  }

  /**
   * Row {@code f_k + i} is {@code u_i}, the direction bit (i, k) quantizes; the gain's rows, if the
   * code has a gain, are zero.
   */
  @Override
  public float[] denseEncoder() {
    float[] basis = basisRows();
    float[] b = new float[codeBits * dimension];
    for (int j = 0; j < bits; j++) {
      System.arraycopy(basis, bitDirection[j] * dimension, b, j * dimension, dimension);
    }
    return b;
  }

  /**
   * Column {@code f_k + i} is {@code c_{i,k} u_i}: {@code x̂ = μ + A z} exactly, or with a gain
   * {@code x̂ = μ + ŝ A z}, the gain's columns zero.
   */
  @Override
  public float[] denseDecoder() {
    return CodebookForm.scaledTranspose(
        denseEncoder(), codeBits, dimension, Arrays.copyOf(bitScales, codeBits));
  }

  @Override
  public boolean sameAs(CodebookForm other) {
    if (!(other instanceof AllocatedForm)) {
      return false;
    }
    AllocatedForm o = (AllocatedForm) other;
    return Arrays.equals(stageBits, o.stageBits)
        && Arrays.equals(mean, o.mean)
        && Arrays.equals(bitScales, o.bitScales)
        && (gain == null ? o.gain == null : gain.sameAs(o.gain))
        && (transform != null) == (o.transform != null)
        && (transform != null ? seed == o.seed : Arrays.deepEquals(rows, o.rows));
  }
}
