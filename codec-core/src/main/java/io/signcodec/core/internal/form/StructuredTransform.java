package io.signcodec.core.internal.form;

import io.signcodec.core.SignCodes;
import io.signcodec.core.internal.FloatKernels;
import java.util.Random;

/**
 * The randomized fast orthogonal transforms of a structured codebook (docs/THEORY.md §6): each
 * stage k has an orthogonal d×d map {@code Q_k}, applied in O(d log d), whose first {@code n_k}
 * outputs are the stage's projections; its decoder is {@code c_k Q_kᵀ} restricted to those outputs.
 *
 * <p>{@code Q_k} is {@value #ROUNDS} rounds of: flip the signs of the coordinates by a random ±1
 * diagonal, then an orthonormal Walsh–Hadamard transform on the first w coordinates and another on
 * the last w, with w the largest power of two ≤ d. The two blocks overlap (w > d/2), so every
 * coordinate is mixed, and each step is orthogonal, so their product is. The signs come from {@code
 * java.util.Random(seed)}, whose sequence is fixed by its specification: a codebook stores the
 * seed, not the matrix.
 *
 * <p>Batches go through the same steps {@value #LANES} vectors at a time in a lane-interleaved
 * layout ({@code w[j · LANES + lane]} holds coordinate j of vector {@code lane}): every butterfly
 * of every Hadamard level is then a run of at least {@value #LANES} contiguous adds and subtracts,
 * SIMD-wide even at the levels whose pairs are adjacent coordinates ({@link FloatKernels}: the
 * Vector API when present). Vectors enter and leave the layout by 16×16 register transposes, signs
 * go to code bits 32 coordinates at a time, and the sign flips of later rounds ride on the last
 * butterfly pass of the round before. Each vector sees exactly the per-vector arithmetic, so
 * results are bit-identical.
 *
 * <p>Immutable; the methods work on arrays the caller owns.
 */
public final class StructuredTransform {
  public static final int ROUNDS = 3;

  /** Vectors transformed together by the batch methods. */
  public static final int LANES = FloatKernels.LANES;

  private final int dimension;
  private final int block;
  private final float norm;
  private final int[] stageBits;
  private final double[] scales;
  private final float[][][] signs;

  /**
   * Per stage, per round r and block b (index {@code r · blocks + b}; one block when d is a power
   * of two, else two), the factors of the last butterfly pass of that block in the batch forward
   * transform, one per coordinate of the block: the norm, times the next round's sign for the
   * coordinates that block writes last in round r. Flipping a sign is exact, so {@code x·(norm·s)}
   * equals {@code (x·norm)·s} to the bit, and the sign flips cost no pass of their own.
   */
  private final float[][][] forwardScales;

  /** As {@link #forwardScales} for the inverse, where round r ends with its own sign flips. */
  private final float[][][] inverseScales;

  StructuredTransform(int dimension, int[] stageBits, double[] scales, long seed) {
    this.dimension = dimension;
    this.block = Integer.highestOneBit(dimension);
    this.norm = (float) (1 / Math.sqrt(block));
    this.stageBits = stageBits;
    this.scales = scales;
    Random random = new Random(seed);
    signs = new float[stageBits.length][ROUNDS][dimension];
    for (float[][] stage : signs) {
      for (float[] round : stage) {
        for (int j = 0; j < dimension; j++) {
          round[j] = random.nextBoolean() ? 1f : -1f;
        }
      }
    }
    int blocks = block < dimension ? 2 : 1;
    forwardScales = new float[stageBits.length][ROUNDS * blocks][block];
    inverseScales = new float[stageBits.length][ROUNDS * blocks][block];
    for (int stage = 0; stage < stageBits.length; stage++) {
      for (int r = 0; r < ROUNDS; r++) {
        for (int b = 0; b < blocks; b++) {
          int off = b == 0 ? 0 : dimension - block;
          for (int i = 0; i < block; i++) {
            int j = off + i;
            // forward runs block 0 then block 1, inverse block 1 then block 0
            int forwardLast = blocks == 2 && j >= dimension - block ? 1 : 0;
            int inverseLast = j < block ? 0 : 1;
            float next = r + 1 < ROUNDS ? signs[stage][r + 1][j] : 1f;
            forwardScales[stage][r * blocks + b][i] = b == forwardLast ? norm * next : norm;
            inverseScales[stage][r * blocks + b][i] =
                b == inverseLast ? norm * signs[stage][r][j] : norm;
          }
        }
      }
    }
  }

  /** w, the width of a Hadamard block: the largest power of two ≤ d. */
  int block() {
    return block;
  }

  /** {@code v ← Q_k v}. */
  void forward(float[] v, int stage) {
    for (float[] s : signs[stage]) {
      for (int j = 0; j < dimension; j++) {
        v[j] *= s[j];
      }
      hadamard(v, 0);
      if (block < dimension) {
        hadamard(v, dimension - block);
      }
    }
  }

  /**
   * {@code v ← Q_kᵀ v}: the rounds undone in reverse (each step is its own inverse or transpose).
   */
  void inverse(float[] v, int stage) {
    float[][] rounds = signs[stage];
    for (int r = rounds.length - 1; r >= 0; r--) {
      if (block < dimension) {
        hadamard(v, dimension - block);
      }
      hadamard(v, 0);
      float[] s = rounds[r];
      for (int j = 0; j < dimension; j++) {
        v[j] *= s[j];
      }
    }
  }

  /** Orthonormal Walsh–Hadamard transform of {@code v[off..off+block)}, in place. */
  private void hadamard(float[] v, int off) {
    for (int h = 1; h < block; h <<= 1) {
      for (int i = off; i < off + block; i += h << 1) {
        for (int j = i; j < i + h; j++) {
          float a = v[j];
          float b = v[j + h];
          v[j] = a + b;
          v[j + h] = a - b;
        }
      }
    }
    for (int j = off; j < off + block; j++) {
      v[j] *= norm;
    }
  }

  /**
   * {@link #forward} of {@value #LANES} lane-interleaved vectors whose first round's sign flips
   * have been applied already; the later rounds' flips ride on the butterflies' scales.
   */
  private void forwardLanes(float[] w, int stage) {
    float[][] scale = forwardScales[stage];
    int blocks = scale.length / ROUNDS;
    for (int r = 0; r < ROUNDS; r++) {
      hadamardLanes(w, 0, scale[r * blocks]);
      if (blocks == 2) {
        hadamardLanes(w, dimension - block, scale[r * blocks + 1]);
      }
    }
  }

  /** {@link #inverse} of {@value #LANES} lane-interleaved vectors. */
  private void inverseLanes(float[] w, int stage) {
    float[][] scale = inverseScales[stage];
    int blocks = scale.length / ROUNDS;
    for (int r = ROUNDS - 1; r >= 0; r--) {
      if (blocks == 2) {
        hadamardLanes(w, dimension - block, scale[r * blocks + 1]);
      }
      hadamardLanes(w, 0, scale[r * blocks]);
    }
  }

  /**
   * {@link #hadamard} of coordinates {@code [off, off + block)} of every lane, the last level
   * multiplying coordinate {@code off + i} by {@code scale[i]}. Levels go three at a time (radix 8:
   * a third of the passes over the block), the one or two left over first; each value still sees
   * the additions, subtractions and the one multiplication of the radix-2 form in the same order,
   * so the result is the same to the bit.
   */
  private void hadamardLanes(float[] w, int off, float[] scale) {
    int from = off * LANES;
    int end = (off + block) * LANES;
    int levels = Integer.numberOfTrailingZeros(block);
    if (levels == 0) {
      for (int q = from; q < end; q++) {
        w[q] *= scale[(q - from) / LANES];
      }
      return;
    }
    int h = 1;
    int rest = levels % 3;
    if (rest == 1) {
      FloatKernels.butterflies(w, from, end, LANES, levels == 1 ? scale : null, LANES);
      h = 2;
    } else if (rest == 2) {
      FloatKernels.butterflies4(w, from, end, LANES, levels == 2 ? scale : null, LANES);
      h = 4;
    }
    for (; h < block; h <<= 3) {
      FloatKernels.butterflies8(w, from, end, h * LANES, (h << 3) == block ? scale : null, LANES);
    }
  }

  /**
   * {@code Q_0 (x − μ)} of {@code count ≤ LANES} consecutive vectors from {@code x[xOff..]},
   * lane-interleaved into {@code w} (length {@code d · LANES}): as {@link #forward} computes it, to
   * the bit.
   */
  void projectLanes(float[] x, int xOff, int count, float[] mean, float[] w) {
    FloatKernels.interleave(x, xOff, count, dimension, mean, signs[0][0], w);
    forwardLanes(w, 0);
  }

  /**
   * {@code μ + Q_0ᵀ w} of {@code count ≤ LANES} lane-interleaved vectors, into consecutive vectors
   * of {@code out}; {@code w} is overwritten. As {@link #inverse} then a sum computes it.
   */
  public void reconstructLanes(float[] w, int count, float[] mean, float[] out, int outOff) {
    inverseLanes(w, 0);
    FloatKernels.deinterleave(w, count, dimension, mean, out, outOff);
  }

  /**
   * Encodes {@code count ≤ LANES} consecutive vectors from {@code x[xOff..]} into consecutive codes
   * at {@code dst[dstOff..]}, as {@link #project} then {@link SignCodes#pack} would; {@code r} and
   * {@code u} are scratch of length {@code d · LANES}.
   */
  void encodeLanes(
      float[] x,
      int xOff,
      int count,
      float[] mean,
      byte[] dst,
      int dstOff,
      int codeBytes,
      float[] r,
      float[] u) {
    java.util.Arrays.fill(dst, dstOff, dstOff + count * codeBytes, (byte) 0);
    boolean staged = stageBits.length > 1;
    // One stage transforms the input in place, its first sign flips applied as it is laid out
    // ((x − μ)·s, as forward computes it); stages keep the residual and copy it.
    if (staged) {
      FloatKernels.interleave(x, xOff, count, dimension, mean, null, r);
    } else {
      FloatKernels.interleave(x, xOff, count, dimension, mean, signs[0][0], u);
    }
    int first = 0;
    for (int stage = 0; stage < stageBits.length; stage++) {
      int n = stageBits[stage];
      if (staged) {
        float[] s = signs[stage][0];
        for (int k = 0; k < dimension; k++) {
          float sk = s[k];
          for (int q = k * LANES; q < (k + 1) * LANES; q++) {
            u[q] = r[q] * sk;
          }
        }
      }
      forwardLanes(u, stage);
      FloatKernels.packSigns(u, n, first, count, dst, dstOff, codeBytes);
      if (stage < stageBits.length - 1) {
        float c = (float) scales[stage];
        for (int j = 0; j < n * LANES; j++) {
          u[j] = Signs.withSignOf(u[j], c);
        }
        java.util.Arrays.fill(u, n * LANES, dimension * LANES, 0f);
        inverseLanes(u, stage);
        for (int q = 0; q < dimension * LANES; q++) {
          r[q] -= u[q];
        }
      }
      first += n;
    }
  }

  /**
   * {@link #reconstruct} of {@code count ≤ LANES} consecutive codes into consecutive vectors of
   * {@code out}; {@code w} and {@code u} are scratch of length {@code d · LANES}.
   */
  void reconstructLanes(
      byte[] code,
      int off,
      int codeBytes,
      int count,
      float[] mean,
      float[] out,
      int outOff,
      float[] w,
      float[] u) {
    if (stageBits.length == 1) {
      // μ + u, as the reference sums it, added on the way out
      FloatKernels.unpackSigns(code, off, codeBytes, count, 0, stageBits[0], (float) scales[0], u);
      java.util.Arrays.fill(u, stageBits[0] * LANES, dimension * LANES, 0f);
      inverseLanes(u, 0);
      FloatKernels.deinterleave(u, count, dimension, mean, out, outOff);
      return;
    }
    for (int k = 0; k < dimension; k++) {
      java.util.Arrays.fill(w, k * LANES, (k + 1) * LANES, mean[k]);
    }
    int first = 0;
    for (int stage = 0; stage < stageBits.length; stage++) {
      int n = stageBits[stage];
      // Lanes past count decode code 0 (all −c): finite, and never written out.
      FloatKernels.unpackSigns(code, off, codeBytes, count, first, n, (float) scales[stage], u);
      java.util.Arrays.fill(u, n * LANES, dimension * LANES, 0f);
      inverseLanes(u, stage);
      for (int q = 0; q < dimension * LANES; q++) {
        w[q] += u[q];
      }
      first += n;
    }
    FloatKernels.deinterleave(w, count, dimension, null, out, outOff);
  }

  /**
   * Projections of {@code x − μ} for every stage into {@code p[0..n)}, the residual of each stage
   * coded by the next; {@code r} and {@code u} are scratch of length d. One vector at a time: the
   * reference that {@link #encodeLanes} is tested against, bit for bit.
   */
  public void project(float[] x, int xOff, float[] mean, float[] p, float[] r, float[] u) {
    for (int k = 0; k < dimension; k++) {
      r[k] = x[xOff + k] - mean[k];
    }
    int first = 0;
    for (int stage = 0; stage < stageBits.length; stage++) {
      int n = stageBits[stage];
      System.arraycopy(r, 0, u, 0, dimension);
      forward(u, stage);
      System.arraycopy(u, 0, p, first, n);
      if (stage < stageBits.length - 1) {
        float c = (float) scales[stage];
        java.util.Arrays.fill(u, 0f);
        for (int j = 0; j < n; j++) {
          u[j] = Signs.withSignOf(p[first + j], c);
        }
        inverse(u, stage);
        for (int k = 0; k < dimension; k++) {
          r[k] -= u[k];
        }
      }
      first += n;
    }
  }

  /**
   * {@code out = μ + Σ_k c_k Q_kᵀ [z^(k); 0]} for the code at {@code code[off..]}. One vector at a
   * time: the reference that {@link #reconstructLanes} is tested against, bit for bit.
   */
  public void reconstruct(byte[] code, int off, float[] mean, float[] out, int outOff, float[] u) {
    System.arraycopy(mean, 0, out, outOff, dimension);
    int first = 0;
    for (int stage = 0; stage < stageBits.length; stage++) {
      int n = stageBits[stage];
      float c = (float) scales[stage];
      java.util.Arrays.fill(u, 0f);
      for (int j = 0; j < n; j++) {
        u[j] = Signs.signed(code, off, first + j, c);
      }
      inverse(u, stage);
      for (int k = 0; k < dimension; k++) {
        out[outOff + k] += u[k];
      }
      first += n;
    }
  }

  /** The dense encoder B (n×d, row-major): row j of stage k is row j of {@code Q_k}. */
  float[] denseEncoder() {
    int n = java.util.Arrays.stream(stageBits).sum();
    float[] b = new float[n * dimension];
    float[] e = new float[dimension];
    for (int k = 0; k < dimension; k++) {
      int first = 0;
      for (int stage = 0; stage < stageBits.length; stage++) {
        java.util.Arrays.fill(e, 0f);
        e[k] = 1;
        forward(e, stage);
        // Column k of Q_k: entry j is Q_k[j][k].
        for (int j = 0; j < stageBits[stage]; j++) {
          b[(first + j) * dimension + k] = e[j];
        }
        first += stageBits[stage];
      }
    }
    return b;
  }

  /** The dense decoder A (d×n, row-major): {@code c_k Q_kᵀ} on each stage's columns. */
  float[] denseDecoder() {
    float[] b = denseEncoder();
    int n = b.length / dimension;
    float[] columnScales = new float[n];
    int first = 0;
    for (int stage = 0; stage < stageBits.length; stage++) {
      java.util.Arrays.fill(columnScales, first, first + stageBits[stage], (float) scales[stage]);
      first += stageBits[stage];
    }
    return CodebookForm.scaledTranspose(b, n, dimension, columnScales);
  }
}
