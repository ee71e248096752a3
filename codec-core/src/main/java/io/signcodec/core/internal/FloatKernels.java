package io.signcodec.core.internal;

/**
 * Blocked float matrix products built on one inner loop, {@code c[j] = fma(s, r[j], c[j])}, and the
 * steps of structured codebooks on lane-interleaved batches: the layout in and out ({@link
 * #interleave}, {@link #deinterleave}), Walsh–Hadamard butterflies, and signs to code bits and back
 * ({@link #packSigns}, {@link #unpackSigns}).
 *
 * <p>The products of encoding and decoding, and the structured steps, go through a backend chosen
 * once, at first use: the Vector API when the JVM was started with {@code --add-modules
 * jdk.incubator.vector} (as Lucene and JVector do), once a background thread has warmed them up
 * ({@link WarmingBackend}; plain Java until then), plain Java otherwise. The system property {@code
 * signcodec.kernels} ({@code scalar} or {@code vector}) forces one from the first call. Both give
 * bit-identical results. The choice is logged once through {@link System.Logger} at DEBUG, and
 * {@link #backend()} tells.
 *
 * <p>Matrices that are accumulated into or streamed row by row are arrays of rows ({@code
 * float[][]}), and the inner loop indexes both rows with the same {@code j}: that is what lets
 * HotSpot's C2 (JDK 17) compile it to SIMD fused multiply-adds. With a flat array and two different
 * row offsets it cannot prove the two accesses co-aligned and stays scalar, about five times
 * slower.
 *
 * <p>Blocking keeps the rows being accumulated in the L1 cache while one row of the right-hand
 * matrix is reused across them. The summation index runs in ascending order for every output
 * element, so results do not depend on the blocking.
 */
public final class FloatKernels {
  /** Output columns per block: 256 floats = 1 KiB per accumulated row. */
  static final int COLUMN_BLOCK = 256;

  /** Accumulated rows per block in the transposed products. */
  static final int ROW_BLOCK = 32;

  /**
   * Vectors in a lane-interleaved batch: coordinate k of vector l is at {@code w[k · LANES + l]},
   * so one coordinate of the whole batch is a run of {@code LANES} floats: a SIMD register on
   * AVX-512, two on AVX2, four on NEON.
   */
  public static final int LANES = 16;

  private FloatKernels() {}

  /** {@code c[j] = fma(s, r[j], c[j])} for {@code from <= j < to}. */
  static void fmaRow(float s, float[] r, float[] c, int from, int to) {
    for (int j = from; j < to; j++) {
      c[j] = Math.fma(s, r[j], c[j]);
    }
  }

  /**
   * {@code C += (L − shift) · R}: rows {@code c[0..m)} accumulate in columns {@code [from, to)}; L
   * is m×k, flat with row stride {@code ldl} from {@code lOff}; R is the k rows {@code
   * r[r0..r0+k)}. {@code shift} (length k, may be null) is subtracted from every row of L on the
   * fly, which centres inputs without a copy.
   */
  public static void multiplyAdd(
      float[] l,
      int lOff,
      int ldl,
      float[] shift,
      float[][] r,
      int r0,
      int k,
      int from,
      int to,
      float[][] c,
      int m) {
    Backends.ACTIVE.multiplyAdd(l, lOff, ldl, shift, r, r0, k, from, to, c, m);
  }

  /** As the flat form, with L given as rows {@code l[0..m)} of at least k entries. */
  public static void multiplyAdd(
      float[][] l, float[][] r, int r0, int k, int from, int to, float[][] c, int m) {
    Backends.ACTIVE.multiplyAdd(l, r, r0, k, from, to, c, m);
  }

  /** Columns per panel of {@link #panels}: eight 16-lane vectors. */
  public static final int PANEL = 128;

  /**
   * The k rows {@code r[0..k)} of R, {@code columns} floats each, laid out for {@link #project}: in
   * panels of {@link #PANEL} columns, each panel every row's columns in turn, {@code R[t][p·PANEL +
   * c]} at {@code (p·k + t)·PANEL + c}, the last panel's columns past {@code columns} zero.
   */
  public static float[] panels(float[][] r, int k, int columns) {
    int count = (columns + PANEL - 1) / PANEL;
    float[] panels = new float[Math.multiplyExact(count * k, PANEL)];
    for (int p = 0; p < count; p++) {
      int width = Math.min(PANEL, columns - p * PANEL);
      for (int t = 0; t < k; t++) {
        System.arraycopy(r[t], p * PANEL, panels, (p * k + t) * PANEL, width);
      }
    }
    return panels;
  }

  /**
   * One vector's product {@code out[j] = Σ_t (x[off + t] − shift[t]) · R[t][j]}, {@code j <
   * columns}, with R laid out by {@link #panels}: each element {@code fma}-accumulated over t in
   * ascending order from zero, so the same floats as {@link #multiplyAdd(float[], int, int,
   * float[], float[][], int, int, int, int, float[][], int) multiplyAdd} gives one row into a
   * cleared one. The panels are read front to back, where that product's column blocks step through
   * k row arrays: a single query's projections at d = 784 (735 directions) in 35 µs against 47.
   * {@code shift} may be null.
   */
  public static void project(
      float[] x, int off, float[] shift, float[] panels, int k, int columns, float[] out) {
    Backends.ACTIVE.project(x, off, shift, panels, k, columns, out);
  }

  /**
   * {@link #panels}' layout with every entry rounded to bfloat16 (its float's upper 16 bits,
   * rounded to the nearest, ties to even: a relative error of at most 2^−8) and two entries to an
   * int: in each row of a panel, int {@code 16 g + l} ({@code g < PANEL/32}, {@code l < 16}) holds
   * column {@code 32 g + l} of the panel in its low half and column {@code 32 g + 16 + l} in its
   * high half, so a vector of ints gives two vectors of consecutive columns at any lane count up to
   * 16. Half the bytes of {@link #panels}.
   */
  public static int[] halfPanels(float[][] r, int k, int columns) {
    int count = (columns + PANEL - 1) / PANEL;
    int[] panels = new int[Math.multiplyExact(count * k, PANEL / 2)];
    for (int p = 0; p < count; p++) {
      for (int t = 0; t < k; t++) {
        int row = (p * k + t) * (PANEL / 2);
        for (int i = 0; i < PANEL / 2; i++) {
          int c = p * PANEL + 32 * (i >>> 4) + (i & 15);
          int low = c < columns ? bfloat16(r[t][c]) : 0;
          int high = c + 16 < columns ? bfloat16(r[t][c + 16]) : 0;
          panels[row + i] = low | high << 16;
        }
      }
    }
    return panels;
  }

  /** The upper 16 bits of {@code f} rounded to the nearest, ties to even. */
  static int bfloat16(float f) {
    int bits = Float.floatToRawIntBits(f);
    return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
  }

  /**
   * {@link #project} without a shift, from {@link #halfPanels}: {@code out[j] = Σ_t x[off + t] ·
   * R'[t][j]} with R' the bfloat16 entries, each element {@code fma}-accumulated over t in
   * ascending order from zero, the same floats on both backends. Reads half the bytes: where the
   * float panels do not fit in the core's cache (d = 784, 735 directions: 2.3 MB), 13.5 µs against
   * 35.
   */
  public static void projectHalf(
      float[] x, int off, int[] panels, int k, int columns, float[] out) {
    Backends.ACTIVE.projectHalf(x, off, panels, k, columns, out);
  }

  /**
   * One Walsh–Hadamard level over {@code w[from..end)}: in every group of {@code 2·span} entries,
   * the first half {@code a} and the second {@code b} become {@code a + b} and {@code a − b}.
   * {@code end − from} is a multiple of {@code 2·span}.
   *
   * <p>If {@code scale} is not null, each output {@code w[e]} is then multiplied by {@code scale[(e
   * − from) / stride]}: one factor per run of {@code stride} entries, which for a lane-interleaved
   * batch is one factor per coordinate. {@code span} must then be a multiple of {@code stride}.
   * Without a scale nothing is multiplied.
   */
  public static void butterflies(
      float[] w, int from, int end, int span, float[] scale, int stride) {
    checkStride(span, scale, stride);
    Backends.ACTIVE.butterflies(w, from, end, span, scale, stride);
  }

  /**
   * Two Walsh–Hadamard levels at once (radix 4), bit-identical to {@link #butterflies} at {@code
   * span} without a scale then at {@code 2·span} with {@code scale}: every group of {@code 4·span}
   * entries has quarters a, b, c, d, which become {@code (a+b)+(c+d), (a−b)+(c−d), (a+b)−(c+d),
   * (a−b)−(c−d)}, each then scaled.
   */
  public static void butterflies4(
      float[] w, int from, int end, int span, float[] scale, int stride) {
    checkStride(span, scale, stride);
    Backends.ACTIVE.butterflies4(w, from, end, span, scale, stride);
  }

  /**
   * Three Walsh–Hadamard levels at once (radix 8), bit-identical to {@link #butterflies} at {@code
   * span} and {@code 2·span} without a scale, then at {@code 4·span} with {@code scale}.
   */
  public static void butterflies8(
      float[] w, int from, int end, int span, float[] scale, int stride) {
    checkStride(span, scale, stride);
    Backends.ACTIVE.butterflies8(w, from, end, span, scale, stride);
  }

  private static void checkStride(int span, float[] scale, int stride) {
    if (scale != null && (stride <= 0 || span % stride != 0)) {
      throw new IllegalArgumentException(
          "span " + span + " is not a multiple of the scale's stride " + stride);
    }
  }

  /**
   * Lays out {@code count ≤ LANES} consecutive vectors of {@code dimension} floats, row-major from
   * {@code x[xOff..]}, lane-interleaved into {@code w[0 .. dimension · LANES)}: {@code w[k · LANES
   * + l] = (x[xOff + l · dimension + k] − shift[k]) · scale[k]}, without the product when {@code
   * scale} is null; lanes from {@code count} on are zero.
   */
  public static void interleave(
      float[] x, int xOff, int count, int dimension, float[] shift, float[] scale, float[] w) {
    Backends.ACTIVE.interleave(x, xOff, count, dimension, shift, scale, w);
  }

  /**
   * The inverse layout of {@link #interleave}: lanes {@code l < count} of {@code w} to consecutive
   * vectors {@code out[outOff + l · dimension + k] = w[k · LANES + l] + shift[k]}, without the sum
   * when {@code shift} is null.
   */
  public static void deinterleave(
      float[] w, int count, int dimension, float[] shift, float[] out, int outOff) {
    Backends.ACTIVE.deinterleave(w, count, dimension, shift, out, outOff);
  }

  /**
   * Sets the sign bits of lane-interleaved projections {@code w[j · LANES + l]}, {@code j < n}, as
   * bits {@code first + j} of the {@code count} codes of {@code codeBytes} bytes at {@code
   * dst[dstOff + l · codeBytes ..]}, by the sign rule and bit order of {@code
   * io.signcodec.core.SignCodes}: bit set for {@code w ≥ 0} (−0 included), bit j of a code in byte
   * {@code j / 8} at position {@code j % 8}. Bits are ORed in: the codes' bits {@code first ..
   * first + n} must be zero beforehand.
   */
  public static void packSigns(
      float[] w, int n, int first, int count, byte[] dst, int dstOff, int codeBytes) {
    Backends.ACTIVE.packSigns(w, n, first, count, dst, dstOff, codeBytes);
  }

  /**
   * The inverse of {@link #packSigns}: {@code w[j · LANES + l]} for {@code j < n} becomes {@code
   * +magnitude} where bit {@code first + j} of code l is set and {@code −magnitude} where it is
   * clear ({@code magnitude > 0}); lanes from {@code count} on read as all clear.
   */
  public static void unpackSigns(
      byte[] src,
      int srcOff,
      int codeBytes,
      int count,
      int first,
      int n,
      float magnitude,
      float[] w) {
    Backends.ACTIVE.unpackSigns(src, srcOff, codeBytes, count, first, n, magnitude, w);
  }

  /**
   * One bit of a level search on the {@link #LANES} lanes of one coordinate: {@code dst[dstAt + l]
   * = first · (−1)^c}, where c counts the {@code flips} that {@code w[at + l]} is at or above
   * ({@code w ≥ t}; NaN is at or above none). With {@code flips} the thresholds at which bit k of
   * the nearest level's pattern changes and {@code first = ±1} that bit of the lowest level, this
   * is bit k of the nearest level as ±1, which {@link #packSigns} packs. {@code dst} may be {@code
   * w} at the same offset.
   */
  public static void levelBits(
      float[] w, int at, float[] flips, float first, float[] dst, int dstAt) {
    Backends.ACTIVE.levelBits(w, at, flips, first, dst, dstAt);
  }

  /**
   * Whether every value of {@code x[off..off+len)} lies within {@code ±bound}, where {@code bound =
   * Float.intBitsToFloat(boundBits)} is finite and not negative; a NaN never does, and nothing does
   * if {@code boundBits} is negative. One pass that both finds non-finite values (with {@code
   * boundBits} those of {@link Float#MAX_VALUE}) and bounds the finite ones: the bits of magnitudes
   * order as the magnitudes do.
   */
  public static boolean allWithin(float[] x, int off, int len, int boundBits) {
    return Backends.ACTIVE.allWithin(x, off, len, boundBits);
  }

  /** The planes of {@link #planeDot}: the eight bits of 8-bit two's complement weights. */
  public static final int PLANES = 8;

  /** Longs per plane of {@link #planeDot} are a multiple of this, so whole registers fit. */
  public static final int PLANE_STRIDE_STEP = 8;

  /** Codes per block of {@link #nibbleScan}'s layout. */
  public static final int NIBBLE_BLOCK = 32;

  /**
   * Sums of 8-bit table entries over codes packed in blocks ({@code PackedCodes}' layout): block i
   * at {@code packed[off + i·32·codeBytes ..]} holds 32 codes, byte p of code c at {@code 32 p +
   * c}. Writes {@code sums[sumsOff + 32 i + c] = Σ_p T[32 p + (x & 15)] + T[32 p + 16 + (x >>> 4)]}
   * for {@code x} that byte, the entries {@code T = tables} read as unsigned: per code byte a
   * 16-entry table for its low nibble and one for its high nibble. Whole numbers, the same on every
   * backend; the vector backend looks the 32 codes' nibbles up in registers (a byte shuffle, {@code
   * pshufb}) rather than one by one.
   *
   * @param tables {@code 32·codeBytes} entries
   */
  public static void nibbleScan(
      byte[] packed, int off, int blocks, int codeBytes, byte[] tables, int[] sums, int sumsOff) {
    Backends.ACTIVE.nibbleScan(packed, off, blocks, codeBytes, tables, sums, sumsOff);
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * The inner product of a code with 8-bit weights held as bit planes, in whole numbers: over the
   * code's 64-bit words {@code c_k}, {@code k < ⌈len/8⌉} (little-endian from {@code codes[off
   * ..]}), {@code Σ_k (Σ_{b<7} 2^b·popcount(P_b[k] & c_k) − 2^7·popcount(P_7[k] & c_k)) <<
   * shifts[k]}, with plane b at {@code planes[b·stride ..]}. For weights {@code u_j} in [−128, 127]
   * whose 8-bit two's complements have their bits in planes 0 to 7, the word's term is {@code Σ
   * u_j} over the bits j set in {@code c_k}. Both backends count the same whole numbers, so the
   * result is the same on every JVM and CPU.
   *
   * <p>The planes must hold no bit at or past bit {@code 8·len}: the words are read whole where the
   * array has the bytes (those past the code, the next code's, then weigh nothing), and as far as
   * the array goes at its end.
   *
   * @param stride longs per plane, a multiple of {@link #PLANE_STRIDE_STEP} and at least {@code
   *     ⌈len/8⌉}; {@code shifts} has as many
   */
  public static long planeDot(
      long[] planes, long[] shifts, int stride, byte[] codes, int off, int len) {
    return Backends.ACTIVE.planeDot(planes, shifts, stride, codes, off, len);
  }

  /**
   * The little-endian word at {@code codes[at ..]}: whole where the array has its eight bytes, else
   * the bytes up to the array's end.
   */
  static long codeWord(byte[] codes, int at) {
    if (at + 8 <= codes.length) {
      return (long) LONGS.get(codes, at);
    }
    long c = 0;
    for (int i = at; i < codes.length; i++) {
      c |= (codes[i] & 0xFFL) << (8 * (i - at));
    }
    return c;
  }

  /** The backend in use for the encode and decode products: "scalar" or "vector (…)". */
  public static String backend() {
    return Backends.ACTIVE.name();
  }

  /**
   * {@code C += Lᵀ · R} over {@code m} samples: {@code l[v]} has p entries, {@code r[v]} q, and C
   * is p rows of q. Rows of C are split across threads, so each element is still summed by one
   * thread in sample order.
   */
  public static void addTransposeProduct(
      float[][] l, int p, float[][] r, int q, int m, float[][] c, boolean parallel) {
    Parallel.forRange(
        p,
        ROW_BLOCK,
        parallel && (long) p * q * m > 1 << 22,
        (from, to) -> {
          for (int j0 = 0; j0 < q; j0 += COLUMN_BLOCK) {
            int j1 = Math.min(q, j0 + COLUMN_BLOCK);
            for (int i0 = from; i0 < to; i0 += ROW_BLOCK) {
              int i1 = Math.min(to, i0 + ROW_BLOCK);
              for (int v = 0; v < m; v++) {
                float[] lRow = l[v];
                float[] rRow = r[v];
                for (int i = i0; i < i1; i++) {
                  fmaRow(lRow[i], rRow, c[i], j0, j1);
                }
              }
            }
          }
        });
  }

  /**
   * {@code C += Lᵀ · L} over {@code m} samples ({@code l[v]} has p entries), computing only the
   * upper triangle block-wise and mirroring it, so C (p rows of p) comes out symmetric at about
   * half the cost.
   */
  public static void addGram(float[][] l, int p, int m, float[][] c, boolean parallel) {
    int blocks = (p + ROW_BLOCK - 1) / ROW_BLOCK;
    // Top row blocks own more columns than bottom ones: interleave them so that each thread's
    // contiguous share of blocks carries a similar load.
    Parallel.forRange(
        blocks,
        1,
        parallel && (long) p * p * m > 1 << 23,
        (from, to) -> {
          for (int b = from; b < to; b++) {
            int i0 = (b % 2 == 0 ? b / 2 : blocks - 1 - b / 2) * ROW_BLOCK;
            int i1 = Math.min(p, i0 + ROW_BLOCK);
            for (int j0 = i0; j0 < p; j0 += COLUMN_BLOCK) {
              int j1 = Math.min(p, j0 + COLUMN_BLOCK);
              for (int v = 0; v < m; v++) {
                float[] row = l[v];
                for (int i = i0; i < i1; i++) {
                  fmaRow(row[i], row, c[i], Math.max(j0, i), j1);
                }
              }
            }
          }
        });
    for (int i = 0; i < p; i++) {
      for (int j = i + 1; j < p; j++) {
        c[j][i] = c[i][j];
      }
    }
  }

  /** Zeroes the first {@code cols} entries of the first {@code rows} rows. */
  public static void clear(float[][] c, int rows, int cols) {
    for (int i = 0; i < rows; i++) {
      java.util.Arrays.fill(c[i], 0, cols, 0f);
    }
  }
}
