package io.signcodec.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API ({@code jdk.incubator.vector}): register-blocked products, 4 rows of C by two
 * vectors of columns held in registers across the whole summation. Loaded only when the JVM was
 * started with {@code --add-modules jdk.incubator.vector}; see {@link FloatKernels}.
 *
 * <p>Per element the operations are the scalar backend's: start from C, {@code fma} each term in
 * ascending order, so results are bit-identical. Columns that do not fill two vectors are done with
 * scalar {@code Math.fma} in the same order.
 *
 * <p>The lane-interleaved kernels (transposes, butterflies, sign packing, level bits) take whole
 * registers at 4, 8 and 16 float lanes. Each method holds a few dozen vector calls at most: JDK
 * 17's C2 left some calls of larger ones as calls that box their vectors (see the notes at the
 * butterflies and the transposes).
 */
final class VectorBackend implements KernelBackend {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int V = SPECIES.length();

  /**
   * Whether the lane-interleaved kernels (transposes, sign packing, level bits) take whole
   * registers: 4, 8 or 16 lanes, dividing the 16 of a group; else they run as the scalar backend's.
   */
  private static final boolean TRANSPOSES = V >= 4 && V <= FloatKernels.LANES;

  private static final VectorSpecies<Integer> INT_SPECIES = IntVector.SPECIES_PREFERRED;

  /**
   * Rows of L handled together: their panels (below 100 KB at d = 768) stay in L2 while each column
   * block of R, read once per chunk rather than once per four rows, stays there too.
   */
  private static final int CHUNK = 32;

  /**
   * Per thread: L's rows in panels of four, transposed (t-major), so the inner loop reads them in
   * order.
   */
  private static final ThreadLocal<float[][]> PANELS =
      ThreadLocal.withInitial(() -> new float[CHUNK / 4][]);

  private static float[][] panels(int k) {
    float[][] p = PANELS.get();
    if (p[0] == null || p[0].length < 4 * k) {
      for (int i = 0; i < p.length; i++) {
        p[i] = new float[4 * k];
      }
    }
    return p;
  }

  @Override
  public void multiplyAdd(
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
    float[][] p = panels(k);
    for (int c0 = 0; c0 < m; c0 += CHUNK) {
      int rowsInChunk = Math.min(CHUNK, m - c0);
      for (int i = 0; i < rowsInChunk; i++) {
        float[] panel = p[i >> 2];
        int q = i & 3;
        int base = lOff + (c0 + i) * ldl;
        for (int t = 0; t < k; t++) {
          panel[4 * t + q] = shift == null ? l[base + t] : l[base + t] - shift[t];
        }
      }
      chunk(p, rowsInChunk, r, r0, k, from, to, c, c0);
    }
  }

  @Override
  public void multiplyAdd(
      float[][] l, float[][] r, int r0, int k, int from, int to, float[][] c, int m) {
    float[][] p = panels(k);
    for (int c0 = 0; c0 < m; c0 += CHUNK) {
      int rowsInChunk = Math.min(CHUNK, m - c0);
      for (int i = 0; i < rowsInChunk; i++) {
        float[] panel = p[i >> 2];
        int q = i & 3;
        float[] row = l[c0 + i];
        for (int t = 0; t < k; t++) {
          panel[4 * t + q] = row[t];
        }
      }
      chunk(p, rowsInChunk, r, r0, k, from, to, c, c0);
    }
  }

  /**
   * Rows {@code c[c0..c0+rowsInChunk)} += L · R over columns {@code [from, to)}, column block by
   * column block, every panel of the chunk on one block before the next block.
   */
  private static void chunk(
      float[][] p,
      int rowsInChunk,
      float[][] r,
      int r0,
      int k,
      int from,
      int to,
      float[][] c,
      int c0) {
    if (rowsInChunk < 4) {
      block(p[0], rowsInChunk, r, r0, k, from, to, c, c0);
      return;
    }
    int wide = from + (to - from) / (4 * V) * (4 * V);
    for (int j = from; j < wide; j += 4 * V) {
      float[] strip = null;
      for (int i0 = 0; i0 < rowsInChunk; i0 += 4) {
        if (rowsInChunk - i0 >= 4) {
          if (strip == null) {
            strip = strip(r, r0, k, j);
          }
          block4x4(p[i0 >> 2], strip, k, j, c, c0 + i0);
        } else {
          block(p[i0 >> 2], rowsInChunk - i0, r, r0, k, j, j + 4 * V, c, c0 + i0);
        }
      }
    }
    if (wide < to) {
      for (int i0 = 0; i0 < rowsInChunk; i0 += 4) {
        block(p[i0 >> 2], Math.min(4, rowsInChunk - i0), r, r0, k, wide, to, c, c0 + i0);
      }
    }
  }

  /** Per thread: the columns of R that {@link #block4x4} reads, in one array. */
  private static final ThreadLocal<float[][]> STRIP =
      ThreadLocal.withInitial(() -> new float[1][0]);

  /**
   * Columns {@code [j, j + 4V)} of rows {@code r0 … r0 + k − 1} of R, row after row in one array:
   * every block of four rows of a chunk then reads R through one array at offsets that grow with
   * the row, rather than through a row array per step, each with its own bounds (1.4–1.5× the
   * products at 4 lanes in kernel harnesses with R in L2; the same at 8 lanes).
   */
  private static float[] strip(float[][] r, int r0, int k, int j) {
    float[][] holder = STRIP.get();
    if (holder[0].length < 4 * V * k) {
      holder[0] = new float[4 * V * k];
    }
    float[] strip = holder[0];
    for (int t = 0; t < k; t++) {
      System.arraycopy(r[r0 + t], j, strip, 4 * V * t, 4 * V);
    }
    return strip;
  }

  /**
   * Four rows by four vectors of columns from {@code j}: sixteen accumulators in registers, each
   * loaded row of R (from its {@link #strip}) and each broadcast element of L used four times.
   */
  private static void block4x4(float[] p, float[] strip, int k, int j, float[][] c, int i0) {
    float[] c0 = c[i0];
    float[] c1 = c[i0 + 1];
    float[] c2 = c[i0 + 2];
    float[] c3 = c[i0 + 3];
    int j1 = j + V;
    int j2 = j + 2 * V;
    int j3 = j + 3 * V;
    FloatVector a00 = FloatVector.fromArray(SPECIES, c0, j);
    FloatVector a01 = FloatVector.fromArray(SPECIES, c0, j1);
    FloatVector a02 = FloatVector.fromArray(SPECIES, c0, j2);
    FloatVector a03 = FloatVector.fromArray(SPECIES, c0, j3);
    FloatVector a10 = FloatVector.fromArray(SPECIES, c1, j);
    FloatVector a11 = FloatVector.fromArray(SPECIES, c1, j1);
    FloatVector a12 = FloatVector.fromArray(SPECIES, c1, j2);
    FloatVector a13 = FloatVector.fromArray(SPECIES, c1, j3);
    FloatVector a20 = FloatVector.fromArray(SPECIES, c2, j);
    FloatVector a21 = FloatVector.fromArray(SPECIES, c2, j1);
    FloatVector a22 = FloatVector.fromArray(SPECIES, c2, j2);
    FloatVector a23 = FloatVector.fromArray(SPECIES, c2, j3);
    FloatVector a30 = FloatVector.fromArray(SPECIES, c3, j);
    FloatVector a31 = FloatVector.fromArray(SPECIES, c3, j1);
    FloatVector a32 = FloatVector.fromArray(SPECIES, c3, j2);
    FloatVector a33 = FloatVector.fromArray(SPECIES, c3, j3);
    for (int t = 0; t < k; t++) {
      int o = 4 * V * t;
      FloatVector b0 = FloatVector.fromArray(SPECIES, strip, o);
      FloatVector b1 = FloatVector.fromArray(SPECIES, strip, o + V);
      FloatVector b2 = FloatVector.fromArray(SPECIES, strip, o + 2 * V);
      FloatVector b3 = FloatVector.fromArray(SPECIES, strip, o + 3 * V);
      FloatVector s = FloatVector.broadcast(SPECIES, p[4 * t]);
      a00 = s.fma(b0, a00);
      a01 = s.fma(b1, a01);
      a02 = s.fma(b2, a02);
      a03 = s.fma(b3, a03);
      s = FloatVector.broadcast(SPECIES, p[4 * t + 1]);
      a10 = s.fma(b0, a10);
      a11 = s.fma(b1, a11);
      a12 = s.fma(b2, a12);
      a13 = s.fma(b3, a13);
      s = FloatVector.broadcast(SPECIES, p[4 * t + 2]);
      a20 = s.fma(b0, a20);
      a21 = s.fma(b1, a21);
      a22 = s.fma(b2, a22);
      a23 = s.fma(b3, a23);
      s = FloatVector.broadcast(SPECIES, p[4 * t + 3]);
      a30 = s.fma(b0, a30);
      a31 = s.fma(b1, a31);
      a32 = s.fma(b2, a32);
      a33 = s.fma(b3, a33);
    }
    a00.intoArray(c0, j);
    a01.intoArray(c0, j1);
    a02.intoArray(c0, j2);
    a03.intoArray(c0, j3);
    a10.intoArray(c1, j);
    a11.intoArray(c1, j1);
    a12.intoArray(c1, j2);
    a13.intoArray(c1, j3);
    a20.intoArray(c2, j);
    a21.intoArray(c2, j1);
    a22.intoArray(c2, j2);
    a23.intoArray(c2, j3);
    a30.intoArray(c3, j);
    a31.intoArray(c3, j1);
    a32.intoArray(c3, j2);
    a33.intoArray(c3, j3);
  }

  /** Rows {@code c[i0..i0+rows)} += panel · R over columns {@code [from, to)}. */
  private static void block(
      float[] p, int rows, float[][] r, int r0, int k, int from, int to, float[][] c, int i0) {
    int wide = from + (to - from) / (2 * V) * (2 * V);
    if (rows == 4) {
      float[] c0 = c[i0];
      float[] c1 = c[i0 + 1];
      float[] c2 = c[i0 + 2];
      float[] c3 = c[i0 + 3];
      for (int j = from; j < wide; j += 2 * V) {
        FloatVector a00 = FloatVector.fromArray(SPECIES, c0, j);
        FloatVector a01 = FloatVector.fromArray(SPECIES, c0, j + V);
        FloatVector a10 = FloatVector.fromArray(SPECIES, c1, j);
        FloatVector a11 = FloatVector.fromArray(SPECIES, c1, j + V);
        FloatVector a20 = FloatVector.fromArray(SPECIES, c2, j);
        FloatVector a21 = FloatVector.fromArray(SPECIES, c2, j + V);
        FloatVector a30 = FloatVector.fromArray(SPECIES, c3, j);
        FloatVector a31 = FloatVector.fromArray(SPECIES, c3, j + V);
        for (int t = 0; t < k; t++) {
          float[] row = r[r0 + t];
          FloatVector b0 = FloatVector.fromArray(SPECIES, row, j);
          FloatVector b1 = FloatVector.fromArray(SPECIES, row, j + V);
          FloatVector s0 = FloatVector.broadcast(SPECIES, p[4 * t]);
          FloatVector s1 = FloatVector.broadcast(SPECIES, p[4 * t + 1]);
          FloatVector s2 = FloatVector.broadcast(SPECIES, p[4 * t + 2]);
          FloatVector s3 = FloatVector.broadcast(SPECIES, p[4 * t + 3]);
          a00 = s0.fma(b0, a00);
          a01 = s0.fma(b1, a01);
          a10 = s1.fma(b0, a10);
          a11 = s1.fma(b1, a11);
          a20 = s2.fma(b0, a20);
          a21 = s2.fma(b1, a21);
          a30 = s3.fma(b0, a30);
          a31 = s3.fma(b1, a31);
        }
        a00.intoArray(c0, j);
        a01.intoArray(c0, j + V);
        a10.intoArray(c1, j);
        a11.intoArray(c1, j + V);
        a20.intoArray(c2, j);
        a21.intoArray(c2, j + V);
        a30.intoArray(c3, j);
        a31.intoArray(c3, j + V);
      }
    } else {
      // Fewer than four rows (one query's projections, a chunk's last rows): per row, eight
      // vectors of columns at a time first, so that eight chains of fused multiply-adds run side
      // by side over the whole summation (two chains alone ran a single query at d = 784 at about
      // a quarter of this speed), then two at a time. Each element is still fma-accumulated in
      // ascending order.
      int wider = from + (to - from) / (8 * V) * (8 * V);
      for (int q = 0; q < rows; q++) {
        float[] ci = c[i0 + q];
        for (int j = from; j < wider; j += 8 * V) {
          FloatVector a0 = FloatVector.fromArray(SPECIES, ci, j);
          FloatVector a1 = FloatVector.fromArray(SPECIES, ci, j + V);
          FloatVector a2 = FloatVector.fromArray(SPECIES, ci, j + 2 * V);
          FloatVector a3 = FloatVector.fromArray(SPECIES, ci, j + 3 * V);
          FloatVector a4 = FloatVector.fromArray(SPECIES, ci, j + 4 * V);
          FloatVector a5 = FloatVector.fromArray(SPECIES, ci, j + 5 * V);
          FloatVector a6 = FloatVector.fromArray(SPECIES, ci, j + 6 * V);
          FloatVector a7 = FloatVector.fromArray(SPECIES, ci, j + 7 * V);
          for (int t = 0; t < k; t++) {
            float[] row = r[r0 + t];
            FloatVector s = FloatVector.broadcast(SPECIES, p[4 * t + q]);
            a0 = s.fma(FloatVector.fromArray(SPECIES, row, j), a0);
            a1 = s.fma(FloatVector.fromArray(SPECIES, row, j + V), a1);
            a2 = s.fma(FloatVector.fromArray(SPECIES, row, j + 2 * V), a2);
            a3 = s.fma(FloatVector.fromArray(SPECIES, row, j + 3 * V), a3);
            a4 = s.fma(FloatVector.fromArray(SPECIES, row, j + 4 * V), a4);
            a5 = s.fma(FloatVector.fromArray(SPECIES, row, j + 5 * V), a5);
            a6 = s.fma(FloatVector.fromArray(SPECIES, row, j + 6 * V), a6);
            a7 = s.fma(FloatVector.fromArray(SPECIES, row, j + 7 * V), a7);
          }
          a0.intoArray(ci, j);
          a1.intoArray(ci, j + V);
          a2.intoArray(ci, j + 2 * V);
          a3.intoArray(ci, j + 3 * V);
          a4.intoArray(ci, j + 4 * V);
          a5.intoArray(ci, j + 5 * V);
          a6.intoArray(ci, j + 6 * V);
          a7.intoArray(ci, j + 7 * V);
        }
        for (int j = wider; j < wide; j += 2 * V) {
          FloatVector a0 = FloatVector.fromArray(SPECIES, ci, j);
          FloatVector a1 = FloatVector.fromArray(SPECIES, ci, j + V);
          for (int t = 0; t < k; t++) {
            float[] row = r[r0 + t];
            FloatVector s = FloatVector.broadcast(SPECIES, p[4 * t + q]);
            a0 = s.fma(FloatVector.fromArray(SPECIES, row, j), a0);
            a1 = s.fma(FloatVector.fromArray(SPECIES, row, j + V), a1);
          }
          a0.intoArray(ci, j);
          a1.intoArray(ci, j + V);
        }
      }
    }
    if (wide < to) {
      for (int t = 0; t < k; t++) {
        float[] row = r[r0 + t];
        for (int q = 0; q < rows; q++) {
          FloatKernels.fmaRow(p[4 * t + q], row, c[i0 + q], wide, to);
        }
      }
    }
  }

  /**
   * Whether whole vectors fit the butterflies at {@code span}: each vector then lies in one half of
   * a group, and, with a scale, in one run of {@code stride} entries sharing a factor.
   */
  private static boolean wholeVectors(int span, float[] scale, int stride) {
    return span % V == 0 && (scale == null || stride % V == 0);
  }

  /**
   * Eight vectors of a panel's columns at a time, eight chains of fused multiply-adds side by side
   * over the whole summation, the rows of the panel read in turn.
   */
  @Override
  public void project(
      float[] x, int off, float[] shift, float[] panels, int k, int columns, float[] out) {
    int width = FloatKernels.PANEL;
    if (width % (8 * V) != 0) {
      ScalarBackend.INSTANCE.project(x, off, shift, panels, k, columns, out);
      return;
    }
    for (int p = 0; p * width < columns; p++) {
      for (int j = 0; j < width && p * width + j < columns; j += 8 * V) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int t = 0, at = p * k * width + j; t < k; t++, at += width) {
          FloatVector s =
              FloatVector.broadcast(SPECIES, shift == null ? x[off + t] : x[off + t] - shift[t]);
          a0 = s.fma(FloatVector.fromArray(SPECIES, panels, at), a0);
          a1 = s.fma(FloatVector.fromArray(SPECIES, panels, at + V), a1);
          a2 = s.fma(FloatVector.fromArray(SPECIES, panels, at + 2 * V), a2);
          a3 = s.fma(FloatVector.fromArray(SPECIES, panels, at + 3 * V), a3);
          a4 = s.fma(FloatVector.fromArray(SPECIES, panels, at + 4 * V), a4);
          a5 = s.fma(FloatVector.fromArray(SPECIES, panels, at + 5 * V), a5);
          a6 = s.fma(FloatVector.fromArray(SPECIES, panels, at + 6 * V), a6);
          a7 = s.fma(FloatVector.fromArray(SPECIES, panels, at + 7 * V), a7);
        }
        int o = p * width + j;
        store(a0, out, o, columns);
        store(a1, out, o + V, columns);
        store(a2, out, o + 2 * V, columns);
        store(a3, out, o + 3 * V, columns);
        store(a4, out, o + 4 * V, columns);
        store(a5, out, o + 5 * V, columns);
        store(a6, out, o + 6 * V, columns);
        store(a7, out, o + 7 * V, columns);
      }
    }
  }

  /**
   * As {@link #project}: per block of 4V ints of a panel's rows (8V columns), eight chains of fused
   * multiply-adds, each int vector widened to two float vectors by a shift and a mask.
   */
  @Override
  public void projectHalf(float[] x, int off, int[] panels, int k, int columns, float[] out) {
    int width = FloatKernels.PANEL;
    int half = width / 2;
    if (16 % V != 0 || half % (4 * V) != 0 || INT_SPECIES.length() != V) {
      ScalarBackend.INSTANCE.projectHalf(x, off, panels, k, columns, out);
      return;
    }
    for (int p = 0; p * width < columns; p++) {
      for (int b = 0; b < half && p * width + 32 * (b >>> 4) + (b & 15) < columns; b += 4 * V) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int t = 0, at = p * k * half + b; t < k; t++, at += half) {
          FloatVector s = FloatVector.broadcast(SPECIES, x[off + t]);
          IntVector i0 = IntVector.fromArray(INT_SPECIES, panels, at);
          IntVector i1 = IntVector.fromArray(INT_SPECIES, panels, at + V);
          IntVector i2 = IntVector.fromArray(INT_SPECIES, panels, at + 2 * V);
          IntVector i3 = IntVector.fromArray(INT_SPECIES, panels, at + 3 * V);
          a0 = s.fma(i0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a0);
          a1 = s.fma(i0.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats(), a1);
          a2 = s.fma(i1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a2);
          a3 = s.fma(i1.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats(), a3);
          a4 = s.fma(i2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a4);
          a5 = s.fma(i2.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats(), a5);
          a6 = s.fma(i3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a6);
          a7 = s.fma(i3.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats(), a7);
        }
        // int i of the row holds columns 32 (i / 16) + i % 16 and 16 more
        int c0 = p * width + 32 * (b >>> 4) + (b & 15);
        int c1 = p * width + 32 * ((b + V) >>> 4) + ((b + V) & 15);
        int c2 = p * width + 32 * ((b + 2 * V) >>> 4) + ((b + 2 * V) & 15);
        int c3 = p * width + 32 * ((b + 3 * V) >>> 4) + ((b + 3 * V) & 15);
        store(a0, out, c0, columns);
        store(a1, out, c0 + 16, columns);
        store(a2, out, c1, columns);
        store(a3, out, c1 + 16, columns);
        store(a4, out, c2, columns);
        store(a5, out, c2 + 16, columns);
        store(a6, out, c3, columns);
        store(a7, out, c3 + 16, columns);
      }
    }
  }

  /** {@code a}'s lanes into {@code out[at ..]}, those at or past {@code end} left out. */
  private static void store(FloatVector a, float[] out, int at, int end) {
    if (at + V <= end) {
      a.intoArray(out, at);
    } else if (at < end) {
      a.intoArray(out, at, SPECIES.indexInRange(at, end));
    }
  }

  @Override
  public void butterflies(float[] w, int from, int end, int span, float[] scale, int stride) {
    if (!wholeVectors(span, scale, stride)) {
      ScalarBackend.INSTANCE.butterflies(w, from, end, span, scale, stride);
      return;
    }
    for (int lo = from; lo < end; lo += 2 * span) {
      int hi = lo + span;
      for (int q = 0; q < span; q += V) {
        FloatVector a = FloatVector.fromArray(SPECIES, w, lo + q);
        FloatVector b = FloatVector.fromArray(SPECIES, w, hi + q);
        FloatVector sum = a.add(b);
        FloatVector difference = a.sub(b);
        if (scale == null) {
          sum.intoArray(w, lo + q);
          difference.intoArray(w, hi + q);
        } else {
          int run = (lo - from + q) / stride;
          sum.mul(scale[run]).intoArray(w, lo + q);
          difference.mul(scale[run + span / stride]).intoArray(w, hi + q);
        }
      }
    }
  }

  @Override
  public void butterflies4(float[] w, int from, int end, int span, float[] scale, int stride) {
    if (!wholeVectors(span, scale, stride)) {
      ScalarBackend.INSTANCE.butterflies4(w, from, end, span, scale, stride);
      return;
    }
    for (int a0 = from; a0 < end; a0 += 4 * span) {
      int b0 = a0 + span;
      int c0 = b0 + span;
      int d0 = c0 + span;
      for (int q = 0; q < span; q += V) {
        FloatVector a = FloatVector.fromArray(SPECIES, w, a0 + q);
        FloatVector b = FloatVector.fromArray(SPECIES, w, b0 + q);
        FloatVector c = FloatVector.fromArray(SPECIES, w, c0 + q);
        FloatVector d = FloatVector.fromArray(SPECIES, w, d0 + q);
        FloatVector s0 = a.add(b);
        FloatVector s1 = a.sub(b);
        FloatVector s2 = c.add(d);
        FloatVector s3 = c.sub(d);
        FloatVector o0 = s0.add(s2);
        FloatVector o1 = s1.add(s3);
        FloatVector o2 = s0.sub(s2);
        FloatVector o3 = s1.sub(s3);
        if (scale == null) {
          o0.intoArray(w, a0 + q);
          o1.intoArray(w, b0 + q);
          o2.intoArray(w, c0 + q);
          o3.intoArray(w, d0 + q);
        } else {
          int run = (a0 - from + q) / stride;
          int step = span / stride;
          o0.mul(FloatVector.broadcast(SPECIES, scale[run])).intoArray(w, a0 + q);
          o1.mul(FloatVector.broadcast(SPECIES, scale[run + step])).intoArray(w, b0 + q);
          o2.mul(FloatVector.broadcast(SPECIES, scale[run + 2 * step])).intoArray(w, c0 + q);
          o3.mul(FloatVector.broadcast(SPECIES, scale[run + 3 * step])).intoArray(w, d0 + q);
        }
      }
    }
  }

  @Override
  public void butterflies8(float[] w, int from, int end, int span, float[] scale, int stride) {
    if (!wholeVectors(span, scale, stride)) {
      ScalarBackend.INSTANCE.butterflies8(w, from, end, span, scale, stride);
    } else if (scale == null) {
      radix8(w, from, end, span, 0, span);
    } else {
      radix8Scaled(w, from, end, span, scale, stride);
    }
  }

  /*
   * The radix-8 butterflies with a scale are the plain ones on a chunk of each row, then a pass
   * that scales the chunk while it is in L1: JDK 17's C2 leaves some vector calls of a larger
   * method as calls that box their vectors (measured with JMH -prof gc over forks of one build:
   * with the products in the butterflies' method, 2.3-6 KiB allocated per encoded vector, in
   * some forks or in all of them, depending on how the products were written).
   */

  /**
   * {@link #butterflies8} without a scale, on columns {@code [q0, q1)} of each group ({@code 0} and
   * {@code span}: the whole groups).
   */
  private static void radix8(float[] w, int from, int end, int span, int q0, int q1) {
    for (int g = from; g < end; g += 8 * span) {
      for (int q = q0; q < q1; q += V) {
        int o = g + q;
        FloatVector x0 = FloatVector.fromArray(SPECIES, w, o);
        FloatVector x1 = FloatVector.fromArray(SPECIES, w, o + span);
        FloatVector x2 = FloatVector.fromArray(SPECIES, w, o + 2 * span);
        FloatVector x3 = FloatVector.fromArray(SPECIES, w, o + 3 * span);
        FloatVector x4 = FloatVector.fromArray(SPECIES, w, o + 4 * span);
        FloatVector x5 = FloatVector.fromArray(SPECIES, w, o + 5 * span);
        FloatVector x6 = FloatVector.fromArray(SPECIES, w, o + 6 * span);
        FloatVector x7 = FloatVector.fromArray(SPECIES, w, o + 7 * span);
        // level span
        FloatVector y0 = x0.add(x1);
        FloatVector y1 = x0.sub(x1);
        FloatVector y2 = x2.add(x3);
        FloatVector y3 = x2.sub(x3);
        FloatVector y4 = x4.add(x5);
        FloatVector y5 = x4.sub(x5);
        FloatVector y6 = x6.add(x7);
        FloatVector y7 = x6.sub(x7);
        // level 2·span
        FloatVector z0 = y0.add(y2);
        FloatVector z2 = y0.sub(y2);
        FloatVector z1 = y1.add(y3);
        FloatVector z3 = y1.sub(y3);
        FloatVector z4 = y4.add(y6);
        FloatVector z6 = y4.sub(y6);
        FloatVector z5 = y5.add(y7);
        FloatVector z7 = y5.sub(y7);
        // level 4·span
        FloatVector o0 = z0.add(z4);
        FloatVector o4 = z0.sub(z4);
        FloatVector o1 = z1.add(z5);
        FloatVector o5 = z1.sub(z5);
        FloatVector o2 = z2.add(z6);
        FloatVector o6 = z2.sub(z6);
        FloatVector o3 = z3.add(z7);
        FloatVector o7 = z3.sub(z7);
        o0.intoArray(w, o);
        o1.intoArray(w, o + span);
        o2.intoArray(w, o + 2 * span);
        o3.intoArray(w, o + 3 * span);
        o4.intoArray(w, o + 4 * span);
        o5.intoArray(w, o + 5 * span);
        o6.intoArray(w, o + 6 * span);
        o7.intoArray(w, o + 7 * span);
      }
    }
  }

  /** Floats per row of a group that the scaled butterflies do before scaling them. */
  private static final int SCALED_CHUNK = 256;

  /**
   * {@link #butterflies8} with a scale: the butterflies of about {@value #SCALED_CHUNK} floats of
   * each row of a group (whole runs of {@code stride}), then their products.
   */
  private static void radix8Scaled(
      float[] w, int from, int end, int span, float[] scale, int stride) {
    int chunk = stride * Math.max(1, SCALED_CHUNK / stride);
    for (int g = from; g < end; g += 8 * span) {
      for (int q = 0; q < span; q += chunk) {
        int to = Math.min(span, q + chunk);
        radix8(w, g, g + 8 * span, span, q, to);
        for (int k = 0; k < 8; k++) {
          int at = g + k * span;
          scaleRuns(w, at + q, at + to, from, scale, stride);
        }
      }
    }
  }

  /**
   * {@code w[e] *= scale[(e − origin) / stride]} for {@code from ≤ e < end}; V divides stride, and
   * stride divides {@code from − origin} and {@code end − from}. One loop over the vectors, each
   * finding its factor: a loop per run of {@code stride} floats (one or two vectors) ran at half
   * the speed.
   */
  private static void scaleRuns(
      float[] w, int from, int end, int origin, float[] scale, int stride) {
    if (Integer.bitCount(stride) == 1) {
      int shift = Integer.numberOfTrailingZeros(stride);
      for (int e = from; e < end; e += V) {
        FloatVector.fromArray(SPECIES, w, e).mul(scale[(e - origin) >>> shift]).intoArray(w, e);
      }
    } else {
      for (int e = from; e < end; e += V) {
        FloatVector.fromArray(SPECIES, w, e).mul(scale[(e - origin) / stride]).intoArray(w, e);
      }
    }
  }

  /*
   * Transposes between row-major vectors and the lane-interleaved layout: a tile of 16 rows by V
   * columns is 16/V register transposes of V×V, each in log2(V) steps in which rows g apart
   * (g = V/2, …, 2, 1) exchange blocks of g lanes (UPg moves lanes up by g, DOWNg down, HIGHg
   * picks the lanes whose bit g is set). Single-source rearranges and blends, because JDK 17
   * compiles those to one instruction each and a two-source rearrange to a slow path.
   *
   * Each method does four pairs of rows of one step, through a block in L1. JDK 17's C2 leaves
   * some vector calls of a larger method as calls that box their vectors, and which ones varies
   * from run to run (measured with JMH -prof gc, forks of one build: 0 to 22 KiB allocated per
   * encoded vector with whole 16×16 transposes in two methods). The middle steps differ only in
   * their shuffle and mask, which each reads as a static final constant rather than taking it as a
   * parameter (a parameter's exact shuffle class is unknown to C2 unless the method is inlined). The first step loads the rows
   * (minus a shift, times a scale), the last one stores them (plus a shift).
   */
  private static final VectorShuffle<Float> UP1 = shuffle(1);
  private static final VectorShuffle<Float> DOWN1 = shuffle(-1);
  private static final VectorMask<Float> HIGH1 = high(1);
  private static final VectorShuffle<Float> UP2 = shuffle(2);
  private static final VectorShuffle<Float> DOWN2 = shuffle(-2);
  private static final VectorMask<Float> HIGH2 = high(2);
  private static final VectorShuffle<Float> UP4 = shuffle(4);
  private static final VectorShuffle<Float> DOWN4 = shuffle(-4);
  private static final VectorMask<Float> HIGH4 = high(4);

  /** The first step's distance, V/2, and its shuffles. */
  private static final int FIRST = V / 2;

  private static final VectorShuffle<Float> UP_FIRST = shuffle(FIRST);
  private static final VectorShuffle<Float> DOWN_FIRST = shuffle(-FIRST);
  private static final VectorMask<Float> HIGH_FIRST = high(FIRST);

  private static VectorShuffle<Float> shuffle(int by) {
    return !TRANSPOSES || Math.abs(by) >= V
        ? null
        : VectorShuffle.fromOp(SPECIES, k -> Math.floorMod(k - by, V));
  }

  private static VectorMask<Float> high(int g) {
    if (!TRANSPOSES || g >= V) {
      return null;
    }
    boolean[] bits = new boolean[V];
    for (int k = 0; k < V; k++) {
      bits[k] = (k & g) != 0;
    }
    return VectorMask.fromArray(SPECIES, bits, 0);
  }

  /** Rows of a tile: one per lane of a group. */
  private static final int ROWS = FloatKernels.LANES;

  /** Per thread: the tile of 16 rows of V between the steps of a transpose. */
  private static final ThreadLocal<float[]> BLOCK =
      ThreadLocal.withInitial(() -> new float[ROWS * V]);

  // − (+0), × 1 and + (−0) change no float, −0 included: they stand in for a missing shift or
  // scale, loaded from these arrays like a real one. A vector that is either a constant or a
  // load (a merge of two vectors) is boxed by JDK 17's C2; a merge of two arrays is not.
  private static final float[] ZEROS = new float[V];
  private static final float[] ONES = filled(1f);
  private static final float[] NEGATIVE_ZEROS = filled(-0f);

  private static float[] filled(float value) {
    float[] a = new float[V];
    java.util.Arrays.fill(a, value);
    return a;
  }

  /** Row r of a tile in an array: {@code base + (r / V) · groupStride + (r % V) · rowStride}. */
  private static int row(int base, int groupStride, int rowStride, int r) {
    return base + (r / V) * groupStride + (r % V) * rowStride;
  }

  /** The first row of the p-th pair of rows g apart: {@code (p / g) · 2g + p % g}. */
  private static int pair(int p, int g) {
    return (p / g) * 2 * g + p % g;
  }

  /**
   * Pairs {@code p0 … p0 + 3} of the first step: rows {@code (src[row r] − shift[at ..]) · scale[at
   * ..]} (a null shift or scale left out), rows V/2 apart exchanged, into {@code block}.
   */
  private static void firstPairs(
      float[] src,
      int base,
      int groupStride,
      int rowStride,
      float[] shift,
      float[] scale,
      int at,
      float[] block,
      int p0) {
    FloatVector m =
        FloatVector.fromArray(SPECIES, shift == null ? ZEROS : shift, shift == null ? 0 : at);
    FloatVector s =
        FloatVector.fromArray(SPECIES, scale == null ? ONES : scale, scale == null ? 0 : at);
    int a0 = pair(p0, FIRST);
    int a1 = pair(p0 + 1, FIRST);
    int a2 = pair(p0 + 2, FIRST);
    int a3 = pair(p0 + 3, FIRST);
    FloatVector x0 =
        FloatVector.fromArray(SPECIES, src, row(base, groupStride, rowStride, a0)).sub(m).mul(s);
    FloatVector y0 =
        FloatVector.fromArray(SPECIES, src, row(base, groupStride, rowStride, a0 + FIRST))
            .sub(m)
            .mul(s);
    FloatVector x1 =
        FloatVector.fromArray(SPECIES, src, row(base, groupStride, rowStride, a1)).sub(m).mul(s);
    FloatVector y1 =
        FloatVector.fromArray(SPECIES, src, row(base, groupStride, rowStride, a1 + FIRST))
            .sub(m)
            .mul(s);
    FloatVector x2 =
        FloatVector.fromArray(SPECIES, src, row(base, groupStride, rowStride, a2)).sub(m).mul(s);
    FloatVector y2 =
        FloatVector.fromArray(SPECIES, src, row(base, groupStride, rowStride, a2 + FIRST))
            .sub(m)
            .mul(s);
    FloatVector x3 =
        FloatVector.fromArray(SPECIES, src, row(base, groupStride, rowStride, a3)).sub(m).mul(s);
    FloatVector y3 =
        FloatVector.fromArray(SPECIES, src, row(base, groupStride, rowStride, a3 + FIRST))
            .sub(m)
            .mul(s);
    FloatVector u0 = x0.blend(y0.rearrange(UP_FIRST), HIGH_FIRST);
    FloatVector v0 = x0.rearrange(DOWN_FIRST).blend(y0, HIGH_FIRST);
    FloatVector u1 = x1.blend(y1.rearrange(UP_FIRST), HIGH_FIRST);
    FloatVector v1 = x1.rearrange(DOWN_FIRST).blend(y1, HIGH_FIRST);
    FloatVector u2 = x2.blend(y2.rearrange(UP_FIRST), HIGH_FIRST);
    FloatVector v2 = x2.rearrange(DOWN_FIRST).blend(y2, HIGH_FIRST);
    FloatVector u3 = x3.blend(y3.rearrange(UP_FIRST), HIGH_FIRST);
    FloatVector v3 = x3.rearrange(DOWN_FIRST).blend(y3, HIGH_FIRST);
    u0.intoArray(block, a0 * V);
    v0.intoArray(block, (a0 + FIRST) * V);
    u1.intoArray(block, a1 * V);
    v1.intoArray(block, (a1 + FIRST) * V);
    u2.intoArray(block, a2 * V);
    v2.intoArray(block, (a2 + FIRST) * V);
    u3.intoArray(block, a3 * V);
    v3.intoArray(block, (a3 + FIRST) * V);
  }

  /** Pairs {@code p0 … p0 + 3} of the step at distance 4 (16 lanes), in {@code block}. */
  private static void pairs4(float[] block, int p0) {
    int a0 = pair(p0, 4);
    int a1 = pair(p0 + 1, 4);
    int a2 = pair(p0 + 2, 4);
    int a3 = pair(p0 + 3, 4);
    FloatVector x0 = FloatVector.fromArray(SPECIES, block, a0 * V);
    FloatVector y0 = FloatVector.fromArray(SPECIES, block, (a0 + 4) * V);
    FloatVector x1 = FloatVector.fromArray(SPECIES, block, a1 * V);
    FloatVector y1 = FloatVector.fromArray(SPECIES, block, (a1 + 4) * V);
    FloatVector x2 = FloatVector.fromArray(SPECIES, block, a2 * V);
    FloatVector y2 = FloatVector.fromArray(SPECIES, block, (a2 + 4) * V);
    FloatVector x3 = FloatVector.fromArray(SPECIES, block, a3 * V);
    FloatVector y3 = FloatVector.fromArray(SPECIES, block, (a3 + 4) * V);
    FloatVector u0 = x0.blend(y0.rearrange(UP4), HIGH4);
    FloatVector v0 = x0.rearrange(DOWN4).blend(y0, HIGH4);
    FloatVector u1 = x1.blend(y1.rearrange(UP4), HIGH4);
    FloatVector v1 = x1.rearrange(DOWN4).blend(y1, HIGH4);
    FloatVector u2 = x2.blend(y2.rearrange(UP4), HIGH4);
    FloatVector v2 = x2.rearrange(DOWN4).blend(y2, HIGH4);
    FloatVector u3 = x3.blend(y3.rearrange(UP4), HIGH4);
    FloatVector v3 = x3.rearrange(DOWN4).blend(y3, HIGH4);
    u0.intoArray(block, a0 * V);
    v0.intoArray(block, (a0 + 4) * V);
    u1.intoArray(block, a1 * V);
    v1.intoArray(block, (a1 + 4) * V);
    u2.intoArray(block, a2 * V);
    v2.intoArray(block, (a2 + 4) * V);
    u3.intoArray(block, a3 * V);
    v3.intoArray(block, (a3 + 4) * V);
  }

  /** Pairs {@code p0 … p0 + 3} of the step at distance 2 (16 lanes or 8), in {@code block}. */
  private static void pairs2(float[] block, int p0) {
    int a0 = pair(p0, 2);
    int a1 = pair(p0 + 1, 2);
    int a2 = pair(p0 + 2, 2);
    int a3 = pair(p0 + 3, 2);
    FloatVector x0 = FloatVector.fromArray(SPECIES, block, a0 * V);
    FloatVector y0 = FloatVector.fromArray(SPECIES, block, (a0 + 2) * V);
    FloatVector x1 = FloatVector.fromArray(SPECIES, block, a1 * V);
    FloatVector y1 = FloatVector.fromArray(SPECIES, block, (a1 + 2) * V);
    FloatVector x2 = FloatVector.fromArray(SPECIES, block, a2 * V);
    FloatVector y2 = FloatVector.fromArray(SPECIES, block, (a2 + 2) * V);
    FloatVector x3 = FloatVector.fromArray(SPECIES, block, a3 * V);
    FloatVector y3 = FloatVector.fromArray(SPECIES, block, (a3 + 2) * V);
    FloatVector u0 = x0.blend(y0.rearrange(UP2), HIGH2);
    FloatVector v0 = x0.rearrange(DOWN2).blend(y0, HIGH2);
    FloatVector u1 = x1.blend(y1.rearrange(UP2), HIGH2);
    FloatVector v1 = x1.rearrange(DOWN2).blend(y1, HIGH2);
    FloatVector u2 = x2.blend(y2.rearrange(UP2), HIGH2);
    FloatVector v2 = x2.rearrange(DOWN2).blend(y2, HIGH2);
    FloatVector u3 = x3.blend(y3.rearrange(UP2), HIGH2);
    FloatVector v3 = x3.rearrange(DOWN2).blend(y3, HIGH2);
    u0.intoArray(block, a0 * V);
    v0.intoArray(block, (a0 + 2) * V);
    u1.intoArray(block, a1 * V);
    v1.intoArray(block, (a1 + 2) * V);
    u2.intoArray(block, a2 * V);
    v2.intoArray(block, (a2 + 2) * V);
    u3.intoArray(block, a3 * V);
    v3.intoArray(block, (a3 + 2) * V);
  }

  /**
   * Pairs {@code p0 … p0 + 3} of the last step: rows 1 apart exchange single lanes, each row plus
   * {@code shift[at ..]} (if not null) to {@code dst[row r]}.
   */
  private static void lastPairs(
      float[] block,
      float[] shift,
      int at,
      float[] dst,
      int base,
      int groupStride,
      int rowStride,
      int p0) {
    FloatVector m =
        FloatVector.fromArray(
            SPECIES, shift == null ? NEGATIVE_ZEROS : shift, shift == null ? 0 : at);
    int a0 = 2 * (p0 + 0);
    int a1 = 2 * (p0 + 1);
    int a2 = 2 * (p0 + 2);
    int a3 = 2 * (p0 + 3);
    FloatVector x0 = FloatVector.fromArray(SPECIES, block, a0 * V);
    FloatVector y0 = FloatVector.fromArray(SPECIES, block, (a0 + 1) * V);
    FloatVector x1 = FloatVector.fromArray(SPECIES, block, a1 * V);
    FloatVector y1 = FloatVector.fromArray(SPECIES, block, (a1 + 1) * V);
    FloatVector x2 = FloatVector.fromArray(SPECIES, block, a2 * V);
    FloatVector y2 = FloatVector.fromArray(SPECIES, block, (a2 + 1) * V);
    FloatVector x3 = FloatVector.fromArray(SPECIES, block, a3 * V);
    FloatVector y3 = FloatVector.fromArray(SPECIES, block, (a3 + 1) * V);
    FloatVector u0 = x0.blend(y0.rearrange(UP1), HIGH1).add(m);
    FloatVector v0 = x0.rearrange(DOWN1).blend(y0, HIGH1).add(m);
    FloatVector u1 = x1.blend(y1.rearrange(UP1), HIGH1).add(m);
    FloatVector v1 = x1.rearrange(DOWN1).blend(y1, HIGH1).add(m);
    FloatVector u2 = x2.blend(y2.rearrange(UP1), HIGH1).add(m);
    FloatVector v2 = x2.rearrange(DOWN1).blend(y2, HIGH1).add(m);
    FloatVector u3 = x3.blend(y3.rearrange(UP1), HIGH1).add(m);
    FloatVector v3 = x3.rearrange(DOWN1).blend(y3, HIGH1).add(m);
    u0.intoArray(dst, row(base, groupStride, rowStride, a0));
    v0.intoArray(dst, row(base, groupStride, rowStride, a0 + 1));
    u1.intoArray(dst, row(base, groupStride, rowStride, a1));
    v1.intoArray(dst, row(base, groupStride, rowStride, a1 + 1));
    u2.intoArray(dst, row(base, groupStride, rowStride, a2));
    v2.intoArray(dst, row(base, groupStride, rowStride, a2 + 1));
    u3.intoArray(dst, row(base, groupStride, rowStride, a3));
    v3.intoArray(dst, row(base, groupStride, rowStride, a3 + 1));
  }

  /**
   * One tile: rows at {@code src[row r]} (groups {@code srcGroups} apart, rows {@code srcRows}
   * apart in a group) to {@code dst[row r]} (likewise), transposed in each group of V rows.
   */
  private static void transposeTile(
      float[] src,
      int srcBase,
      int srcGroups,
      int srcRows,
      float[] shiftIn,
      float[] scale,
      int in,
      float[] shiftOut,
      int out,
      float[] dst,
      int dstBase,
      int dstGroups,
      int dstRows,
      float[] block) {
    firstPairs(src, srcBase, srcGroups, srcRows, shiftIn, scale, in, block, 0);
    firstPairs(src, srcBase, srcGroups, srcRows, shiftIn, scale, in, block, 4);
    if (V == 16) {
      pairs4(block, 0);
      pairs4(block, 4);
    }
    if (V >= 8) {
      pairs2(block, 0);
      pairs2(block, 4);
    }
    lastPairs(block, shiftOut, out, dst, dstBase, dstGroups, dstRows, 0);
    lastPairs(block, shiftOut, out, dst, dstBase, dstGroups, dstRows, 4);
  }

  @Override
  public void interleave(
      float[] x, int xOff, int count, int dimension, float[] shift, float[] scale, float[] w) {
    if (!TRANSPOSES || count != ROWS) {
      ScalarBackend.INSTANCE.interleave(x, xOff, count, dimension, shift, scale, w);
      return;
    }
    // tile k0: row r is vector r's coordinates k0 … k0 + V − 1; out, row a of group G is
    // coordinate k0 + a of lanes G·V … G·V + V − 1
    float[] block = BLOCK.get();
    int whole = dimension - dimension % V;
    for (int k0 = 0; k0 < whole; k0 += V) {
      transposeTile(
          x,
          xOff + k0,
          V * dimension,
          dimension,
          shift,
          scale,
          k0,
          null,
          0,
          w,
          k0 * ROWS,
          V,
          ROWS,
          block);
    }
    ScalarBackend.interleave(x, xOff, count, dimension, shift, scale, w, whole);
  }

  @Override
  public void deinterleave(
      float[] w, int count, int dimension, float[] shift, float[] out, int outOff) {
    if (!TRANSPOSES || count != ROWS) {
      ScalarBackend.INSTANCE.deinterleave(w, count, dimension, shift, out, outOff);
      return;
    }
    // the inverse of interleave's tiles
    float[] block = BLOCK.get();
    int whole = dimension - dimension % V;
    for (int k0 = 0; k0 < whole; k0 += V) {
      transposeTile(
          w,
          k0 * ROWS,
          V,
          ROWS,
          null,
          null,
          0,
          shift,
          k0,
          out,
          outOff + k0,
          V * dimension,
          dimension,
          block);
    }
    ScalarBackend.deinterleave(w, count, dimension, shift, out, outOff, whole);
  }

  private static final IntVector POSITIVE_INFINITY_BITS =
      IntVector.broadcast(INT_SPECIES, Float.floatToRawIntBits(Float.POSITIVE_INFINITY));

  /** Per thread: one packed word per lane of a group, on its way to the codes. */
  private static final ThreadLocal<int[]> WORDS =
      ThreadLocal.withInitial(() -> new int[FloatKernels.LANES]);

  private static final VarHandle LITTLE_ENDIAN_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  @Override
  public void packSigns(
      float[] w, int n, int first, int count, byte[] dst, int dstOff, int codeBytes) {
    if (!TRANSPOSES) {
      ScalarBackend.INSTANCE.packSigns(w, n, first, count, dst, dstOff, codeBytes);
      return;
    }
    // the bits before the first byte boundary one by one, then 32 projections of every lane
    // into one int per lane, then the rest one by one
    int j = Math.min(n, (8 - (first & 7)) & 7);
    ScalarBackend.packSigns(w, 0, j, first, count, dst, dstOff, codeBytes);
    int[] words = WORDS.get();
    for (; j + 32 <= n; j += 32) {
      for (int g = 0; g < FloatKernels.LANES; g += V) { // the lanes g … g + V − 1
        IntVector negative = IntVector.zero(INT_SPECIES);
        for (int t = 0; t < 32; t++) {
          // Bit t clear where w ≥ 0 fails, found in the bits of w + 0 (which turns −0 into +0):
          // the sign bit is set (w < 0), or the bits exceed +∞'s (NaN, of either sign), which
          // makes +∞'s bits minus them negative.
          IntVector bits =
              FloatVector.fromArray(SPECIES, w, (j + t) * FloatKernels.LANES + g)
                  .add(0f)
                  .reinterpretAsInts();
          IntVector fails = bits.or(POSITIVE_INFINITY_BITS.sub(bits));
          negative = negative.or(fails.lanewise(VectorOperators.LSHR, 31 - t).and(1 << t));
        }
        negative.not().intoArray(words, g);
      }
      int at = dstOff + ((first + j) >>> 3);
      for (int l = 0; l < count; l++, at += codeBytes) {
        LITTLE_ENDIAN_INT.set(dst, at, words[l]);
      }
    }
    ScalarBackend.packSigns(w, j, n, first, count, dst, dstOff, codeBytes);
  }

  @Override
  public void unpackSigns(
      byte[] src,
      int srcOff,
      int codeBytes,
      int count,
      int first,
      int n,
      float magnitude,
      float[] w) {
    if (!TRANSPOSES) {
      ScalarBackend.INSTANCE.unpackSigns(src, srcOff, codeBytes, count, first, n, magnitude, w);
      return;
    }
    // as packSigns: one by one to a byte boundary, 32 bits of every lane at a time, the rest
    int j = Math.min(n, (8 - (first & 7)) & 7);
    ScalarBackend.unpackSigns(src, srcOff, codeBytes, count, first, 0, j, magnitude, w);
    int[] words = WORDS.get();
    IntVector bits = IntVector.broadcast(INT_SPECIES, Float.floatToRawIntBits(magnitude));
    for (; j + 32 <= n; j += 32) {
      int at = srcOff + ((first + j) >>> 3);
      for (int l = 0; l < FloatKernels.LANES; l++, at += codeBytes) {
        words[l] = l < count ? (int) LITTLE_ENDIAN_INT.get(src, at) : 0;
      }
      for (int g = 0; g < FloatKernels.LANES; g += V) { // the lanes g … g + V − 1
        // code bit t clear → sign bit set: shift bit t of the complement up to bit 31
        IntVector clear = IntVector.fromArray(INT_SPECIES, words, g).not();
        for (int t = 0; t < 32; t++) {
          clear
              .lanewise(VectorOperators.LSHL, 31 - t)
              .and(0x80000000)
              .or(bits)
              .reinterpretAsFloats()
              .intoArray(w, (j + t) * FloatKernels.LANES + g);
        }
      }
    }
    ScalarBackend.unpackSigns(src, srcOff, codeBytes, count, first, j, n, magnitude, w);
  }

  @Override
  public void levelBits(float[] w, int at, float[] flips, float first, float[] dst, int dstAt) {
    if (!TRANSPOSES) {
      ScalarBackend.INSTANCE.levelBits(w, at, flips, first, dst, dstAt);
      return;
    }
    for (int l = 0; l < FloatKernels.LANES; l += V) {
      FloatVector y = FloatVector.fromArray(SPECIES, w, at + l);
      FloatVector s = FloatVector.broadcast(SPECIES, first);
      for (float t : flips) {
        s = s.blend(s.neg(), y.compare(VectorOperators.GE, t));
      }
      s.intoArray(dst, dstAt + l);
    }
  }

  @Override
  public boolean allFinite(float[] x, int off, int len) {
    // x − x is 0 for finite x and NaN otherwise; NaN survives the sum.
    FloatVector acc = FloatVector.zero(SPECIES);
    int q = off;
    for (int bound = off + len - V; q <= bound; q += V) {
      FloatVector v = FloatVector.fromArray(SPECIES, x, q);
      acc = acc.add(v.sub(v));
    }
    float tail = 0;
    for (; q < off + len; q++) {
      tail += x[q] - x[q];
    }
    return acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD) + tail == 0f;
  }

  @Override
  public boolean allWithin(float[] x, int off, int len, int boundBits) {
    // as the scalar backend: |x| + (MAX − bound) in the bits, ORed, is negative iff one |x|
    // exceeds the bound
    int excess = Integer.MAX_VALUE - boundBits;
    IntVector acc = IntVector.broadcast(INT_SPECIES, boundBits);
    int q = off;
    for (int last = off + len - V; q <= last; q += V) {
      acc =
          acc.or(
              FloatVector.fromArray(SPECIES, x, q).reinterpretAsInts().and(0x7fffffff).add(excess));
    }
    int carry = acc.reduceLanes(VectorOperators.OR);
    for (; q < off + len; q++) {
      carry |= (Float.floatToRawIntBits(x[q]) & 0x7fffffff) + excess;
    }
    return carry >= 0;
  }

  /**
   * Long lanes of {@link #planeDot}: the preferred shape's, at most the {@link
   * FloatKernels#PLANE_STRIDE_STEP} that the planes are padded to.
   */
  private static final VectorSpecies<Long> LONG_SPECIES =
      LongVector.SPECIES_PREFERRED.length() <= FloatKernels.PLANE_STRIDE_STEP
          ? LongVector.SPECIES_PREFERRED
          : LongVector.SPECIES_512;

  /** Bytes of one {@link #LONG_SPECIES} register. */
  private static final VectorSpecies<Byte> WORD_BYTES =
      VectorSpecies.of(byte.class, LONG_SPECIES.vectorShape());

  /**
   * The lane-wise population count, which the Vector API has from JDK 19 on; null before. This
   * class compiles against JDK 17, whose API lacks the constant, so it is looked up by name; a
   * static final, it is a constant to C2 all the same, and the count compiles to {@code vpopcntq}
   * (AVX-512) or a nibble look-up (AVX2).
   */
  private static final VectorOperators.Unary BIT_COUNT = bitCount();

  private static VectorOperators.Unary bitCount() {
    try {
      return (VectorOperators.Unary) VectorOperators.class.getField("BIT_COUNT").get(null);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return null;
    }
  }

  /**
   * As the scalar backend's, a register of words at a time (whole where the array has the bytes,
   * else under a mask up to its end); without a lane-wise population count (JDK 17, 18), the scalar
   * backend's. The counts are whole numbers, so both give the same result.
   */
  @Override
  public long planeDot(long[] planes, long[] shifts, int stride, byte[] codes, int off, int len) {
    if (BIT_COUNT == null) {
      return ScalarBackend.INSTANCE.planeDot(planes, shifts, stride, codes, off, len);
    }
    int lanes = LONG_SPECIES.length();
    int bytes = WORD_BYTES.length();
    LongVector acc = LongVector.zero(LONG_SPECIES);
    for (int k = 0, at = 0; at < len; k += lanes, at += bytes) {
      int from = off + at;
      ByteVector raw =
          from + bytes <= codes.length
              ? ByteVector.fromArray(WORD_BYTES, codes, from)
              : ByteVector.fromArray(
                  WORD_BYTES, codes, from, WORD_BYTES.indexInRange(from, codes.length));
      LongVector c = raw.reinterpretAsLongs();
      LongVector s =
          count(planes, (FloatKernels.PLANES - 1) * stride + k, c)
              .neg()
              .lanewise(VectorOperators.LSHL, 7);
      for (int b = 0; b < FloatKernels.PLANES - 1; b++) {
        s = s.add(count(planes, b * stride + k, c).lanewise(VectorOperators.LSHL, b));
      }
      acc =
          acc.add(s.lanewise(VectorOperators.LSHL, LongVector.fromArray(LONG_SPECIES, shifts, k)));
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  private static LongVector count(long[] planes, int at, LongVector c) {
    return LongVector.fromArray(LONG_SPECIES, planes, at).and(c).lanewise(BIT_COUNT);
  }

  /**
   * Whether {@link #nibbleScan} can use 128-bit registers (16 byte lanes, one {@code pshufb}
   * table): the platform's vectors are at least that wide.
   */
  private static final boolean NIBBLES = ByteVector.SPECIES_PREFERRED.vectorBitSize() >= 128;

  private static final VectorSpecies<Byte> BYTES_128 = ByteVector.SPECIES_128;
  private static final VectorSpecies<Short> SHORTS_128 = ShortVector.SPECIES_128;

  /**
   * Code bytes summed in 16-bit lanes before they are added to the sums: two entries of at most 255
   * per code byte, so at most {@code 128·510 < 2^16}.
   */
  private static final int NIBBLE_RUN = 128;

  /**
   * As the scalar backend's: per block, per code byte, the 32 codes' low and high nibbles looked up
   * in their 16-entry tables in registers ({@code selectFrom}, a byte shuffle), 16 codes per
   * register; the looked-up bytes are added as whole 16-bit lanes (an even code's entry plus 256
   * times the odd code's) and, shifted down, as the odd codes' alone, and the even codes' sums are
   * the difference (about a fifth faster than masking both apart). Each block is its own call:
   * inlined into one method with the loop over blocks, C2 left the vectors boxed.
   */
  @Override
  public void nibbleScan(
      byte[] packed, int off, int blocks, int codeBytes, byte[] tables, int[] sums, int sumsOff) {
    if (!NIBBLES) {
      ScalarBackend.INSTANCE.nibbleScan(packed, off, blocks, codeBytes, tables, sums, sumsOff);
      return;
    }
    int block = FloatKernels.NIBBLE_BLOCK;
    short[] lanes = new short[block];
    for (int i = 0; i < blocks; i++) {
      int base = off + i * block * codeBytes;
      int out = sumsOff + i * block;
      java.util.Arrays.fill(sums, out, out + block, 0);
      for (int from = 0; from < codeBytes; from += NIBBLE_RUN) {
        nibbleRun(packed, base, from, Math.min(codeBytes, from + NIBBLE_RUN), tables, lanes);
        addLanes(lanes, sums, out);
      }
    }
  }

  /** Adds the 16-bit lanes of {@link #nibbleRun} (even codes, odd codes, per half) to the sums. */
  private static void addLanes(short[] lanes, int[] sums, int out) {
    for (int j = 0; j < 8; j++) {
      sums[out + 2 * j] += lanes[j] & 0xFFFF;
      sums[out + 2 * j + 1] += lanes[8 + j] & 0xFFFF;
      sums[out + 16 + 2 * j] += lanes[16 + j] & 0xFFFF;
      sums[out + 17 + 2 * j] += lanes[24 + j] & 0xFFFF;
    }
  }

  /**
   * Code bytes {@code [from, to)} of the block at {@code packed[base ..]}: the lanes' sums into
   * {@code lanes}, codes 0, 2, .., 14 at 0, codes 1, 3, .., 15 at 8, then codes 16 to 31 likewise.
   */
  private static void nibbleRun(
      byte[] packed, int base, int from, int to, byte[] tables, short[] lanes) {
    ShortVector both0 = ShortVector.zero(SHORTS_128);
    ShortVector odd0 = both0;
    ShortVector both1 = both0;
    ShortVector odd1 = both0;
    for (int p = from; p < to; p++) {
      ByteVector low = ByteVector.fromArray(BYTES_128, tables, 32 * p);
      ByteVector high = ByteVector.fromArray(BYTES_128, tables, 32 * p + 16);
      ByteVector x0 = ByteVector.fromArray(BYTES_128, packed, base + 32 * p);
      ByteVector x1 = ByteVector.fromArray(BYTES_128, packed, base + 32 * p + 16);
      ShortVector a0 = x0.and((byte) 15).selectFrom(low).reinterpretAsShorts();
      ShortVector b0 = highNibbles(x0).selectFrom(high).reinterpretAsShorts();
      ShortVector a1 = x1.and((byte) 15).selectFrom(low).reinterpretAsShorts();
      ShortVector b1 = highNibbles(x1).selectFrom(high).reinterpretAsShorts();
      // whole 16-bit lanes (an even code's entry + 256 × the odd code's), and the odd codes' apart
      both0 = both0.add(a0).add(b0);
      odd0 =
          odd0.add(a0.lanewise(VectorOperators.LSHR, 8)).add(b0.lanewise(VectorOperators.LSHR, 8));
      both1 = both1.add(a1).add(b1);
      odd1 =
          odd1.add(a1.lanewise(VectorOperators.LSHR, 8)).add(b1.lanewise(VectorOperators.LSHR, 8));
    }
    // modulo 2^16, both − 256 × odd is the even codes' sum, itself below 2^16
    both0.sub(odd0.lanewise(VectorOperators.LSHL, 8)).intoArray(lanes, 0);
    odd0.intoArray(lanes, 8);
    both1.sub(odd1.lanewise(VectorOperators.LSHL, 8)).intoArray(lanes, 16);
    odd1.intoArray(lanes, 24);
  }

  /** Each byte's high nibble, shifted in 16-bit lanes (x86 has no byte shift) and masked. */
  private static ByteVector highNibbles(ByteVector x) {
    return x.reinterpretAsShorts()
        .lanewise(VectorOperators.LSHR, 4)
        .reinterpretAsBytes()
        .and((byte) 15);
  }

  @Override
  public String name() {
    return "vector (" + V + " float lanes)";
  }
}
