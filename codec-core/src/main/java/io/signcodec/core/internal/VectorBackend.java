package io.signcodec.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 */
final class VectorBackend implements KernelBackend {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int V = SPECIES.length();
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
    int wide = from + (to - from) / (4 * V) * (4 * V);
    for (int j = from; j < wide; j += 4 * V) {
      for (int i0 = 0; i0 < rowsInChunk; i0 += 4) {
        if (rowsInChunk - i0 >= 4) {
          block4x4(p[i0 >> 2], r, r0, k, j, c, c0 + i0);
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

  /**
   * Four rows by four vectors of columns from {@code j}: sixteen accumulators in registers, each
   * loaded row of R and each broadcast element of L used four times.
   */
  private static void block4x4(float[] p, float[][] r, int r0, int k, int j, float[][] c, int i0) {
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
      float[] row = r[r0 + t];
      FloatVector b0 = FloatVector.fromArray(SPECIES, row, j);
      FloatVector b1 = FloatVector.fromArray(SPECIES, row, j1);
      FloatVector b2 = FloatVector.fromArray(SPECIES, row, j2);
      FloatVector b3 = FloatVector.fromArray(SPECIES, row, j3);
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
      for (int q = 0; q < rows; q++) {
        float[] ci = c[i0 + q];
        for (int j = from; j < wide; j += 2 * V) {
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
        if (scale != null) {
          int run = (lo - from + q) / stride;
          sum = sum.mul(scale[run]);
          difference = difference.mul(scale[run + span / stride]);
        }
        sum.intoArray(w, lo + q);
        difference.intoArray(w, hi + q);
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
        if (scale != null) {
          int run = (a0 - from + q) / stride;
          int step = span / stride;
          o0 = o0.mul(scale[run]);
          o1 = o1.mul(scale[run + step]);
          o2 = o2.mul(scale[run + 2 * step]);
          o3 = o3.mul(scale[run + 3 * step]);
        }
        o0.intoArray(w, a0 + q);
        o1.intoArray(w, b0 + q);
        o2.intoArray(w, c0 + q);
        o3.intoArray(w, d0 + q);
      }
    }
  }

  @Override
  public void butterflies8(float[] w, int from, int end, int span, float[] scale, int stride) {
    if (!wholeVectors(span, scale, stride)) {
      ScalarBackend.INSTANCE.butterflies8(w, from, end, span, scale, stride);
      return;
    }
    for (int g = from; g < end; g += 8 * span) {
      for (int q = 0; q < span; q += V) {
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
        if (scale != null) {
          int run = (o - from) / stride;
          int step = span / stride;
          o0 = o0.mul(scale[run]);
          o1 = o1.mul(scale[run + step]);
          o2 = o2.mul(scale[run + 2 * step]);
          o3 = o3.mul(scale[run + 3 * step]);
          o4 = o4.mul(scale[run + 4 * step]);
          o5 = o5.mul(scale[run + 5 * step]);
          o6 = o6.mul(scale[run + 6 * step]);
          o7 = o7.mul(scale[run + 7 * step]);
        }
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

  /*
   * 16×16 transposes: in four steps, rows 8, 4, 2 and 1 apart exchange blocks of that many
   * lanes (UPg moves lanes up by g, DOWNg down, HIGHg picks the lanes whose bit g is set).
   * Single-source rearranges and blends, because JDK 17 compiles those to one instruction each
   * and a two-source rearrange to a slow path. The steps come in two methods of two, through a
   * block in L1: one method with all four outgrows C2's inlining budget for its vector calls,
   * and a vector call that is not inlined is not a SIMD instruction.
   */
  private static final VectorShuffle<Float> UP0 = shuffle(8);
  private static final VectorShuffle<Float> DOWN0 = shuffle(-8);
  private static final VectorMask<Float> HIGH0 = high(8);
  private static final VectorShuffle<Float> UP1 = shuffle(4);
  private static final VectorShuffle<Float> DOWN1 = shuffle(-4);
  private static final VectorMask<Float> HIGH1 = high(4);
  private static final VectorShuffle<Float> UP2 = shuffle(2);
  private static final VectorShuffle<Float> DOWN2 = shuffle(-2);
  private static final VectorMask<Float> HIGH2 = high(2);
  private static final VectorShuffle<Float> UP3 = shuffle(1);
  private static final VectorShuffle<Float> DOWN3 = shuffle(-1);
  private static final VectorMask<Float> HIGH3 = high(1);

  private static VectorShuffle<Float> shuffle(int by) {
    return V != FloatKernels.LANES
        ? null
        : VectorShuffle.fromOp(SPECIES, k -> Math.floorMod(k - by, V));
  }

  private static VectorMask<Float> high(int g) {
    if (V != FloatKernels.LANES) {
      return null;
    }
    boolean[] bits = new boolean[V];
    for (int k = 0; k < V; k++) {
      bits[k] = (k & g) != 0;
    }
    return VectorMask.fromArray(SPECIES, bits, 0);
  }

  /** Per thread: the 16×16 block between the two halves of a transpose. */
  private static final ThreadLocal<float[]> BLOCK = ThreadLocal.withInitial(() -> new float[V * V]);

  // − (+0), × 1 and + (−0) change no float, −0 included: they stand in for a missing shift or
  // scale, so that no vector is ever null (C2 keeps a vector that may be null boxed, off the
  // fast path)
  private static final FloatVector ZERO = FloatVector.zero(SPECIES);
  private static final FloatVector ONE = FloatVector.broadcast(SPECIES, 1f);
  private static final FloatVector NEGATIVE_ZERO = FloatVector.broadcast(SPECIES, -0f);

  /**
   * Rows {@code (src[srcOff + i · srcStride ..] − shift[at ..]) · scale[at ..]}, i < 16, through
   * the first two steps into {@code block}; a null shift or scale is left out.
   */
  private static void transposeFirstHalf(
      float[] src, int srcOff, int srcStride, float[] shift, float[] scale, int at, float[] block) {
    FloatVector m = shift == null ? ZERO : FloatVector.fromArray(SPECIES, shift, at);
    FloatVector s = scale == null ? ONE : FloatVector.fromArray(SPECIES, scale, at);
    FloatVector r0 = FloatVector.fromArray(SPECIES, src, srcOff).sub(m).mul(s);
    FloatVector r1 = FloatVector.fromArray(SPECIES, src, srcOff + 1 * srcStride).sub(m).mul(s);
    FloatVector r2 = FloatVector.fromArray(SPECIES, src, srcOff + 2 * srcStride).sub(m).mul(s);
    FloatVector r3 = FloatVector.fromArray(SPECIES, src, srcOff + 3 * srcStride).sub(m).mul(s);
    FloatVector r4 = FloatVector.fromArray(SPECIES, src, srcOff + 4 * srcStride).sub(m).mul(s);
    FloatVector r5 = FloatVector.fromArray(SPECIES, src, srcOff + 5 * srcStride).sub(m).mul(s);
    FloatVector r6 = FloatVector.fromArray(SPECIES, src, srcOff + 6 * srcStride).sub(m).mul(s);
    FloatVector r7 = FloatVector.fromArray(SPECIES, src, srcOff + 7 * srcStride).sub(m).mul(s);
    FloatVector r8 = FloatVector.fromArray(SPECIES, src, srcOff + 8 * srcStride).sub(m).mul(s);
    FloatVector r9 = FloatVector.fromArray(SPECIES, src, srcOff + 9 * srcStride).sub(m).mul(s);
    FloatVector r10 = FloatVector.fromArray(SPECIES, src, srcOff + 10 * srcStride).sub(m).mul(s);
    FloatVector r11 = FloatVector.fromArray(SPECIES, src, srcOff + 11 * srcStride).sub(m).mul(s);
    FloatVector r12 = FloatVector.fromArray(SPECIES, src, srcOff + 12 * srcStride).sub(m).mul(s);
    FloatVector r13 = FloatVector.fromArray(SPECIES, src, srcOff + 13 * srcStride).sub(m).mul(s);
    FloatVector r14 = FloatVector.fromArray(SPECIES, src, srcOff + 14 * srcStride).sub(m).mul(s);
    FloatVector r15 = FloatVector.fromArray(SPECIES, src, srcOff + 15 * srcStride).sub(m).mul(s);
    // rows 8 apart swap their blocks of 8 lanes
    FloatVector a0 = r0.blend(r8.rearrange(UP0), HIGH0);
    FloatVector a8 = r0.rearrange(DOWN0).blend(r8, HIGH0);
    FloatVector a1 = r1.blend(r9.rearrange(UP0), HIGH0);
    FloatVector a9 = r1.rearrange(DOWN0).blend(r9, HIGH0);
    FloatVector a2 = r2.blend(r10.rearrange(UP0), HIGH0);
    FloatVector a10 = r2.rearrange(DOWN0).blend(r10, HIGH0);
    FloatVector a3 = r3.blend(r11.rearrange(UP0), HIGH0);
    FloatVector a11 = r3.rearrange(DOWN0).blend(r11, HIGH0);
    FloatVector a4 = r4.blend(r12.rearrange(UP0), HIGH0);
    FloatVector a12 = r4.rearrange(DOWN0).blend(r12, HIGH0);
    FloatVector a5 = r5.blend(r13.rearrange(UP0), HIGH0);
    FloatVector a13 = r5.rearrange(DOWN0).blend(r13, HIGH0);
    FloatVector a6 = r6.blend(r14.rearrange(UP0), HIGH0);
    FloatVector a14 = r6.rearrange(DOWN0).blend(r14, HIGH0);
    FloatVector a7 = r7.blend(r15.rearrange(UP0), HIGH0);
    FloatVector a15 = r7.rearrange(DOWN0).blend(r15, HIGH0);
    // rows 4 apart swap their blocks of 4 lanes
    FloatVector b0 = a0.blend(a4.rearrange(UP1), HIGH1);
    FloatVector b4 = a0.rearrange(DOWN1).blend(a4, HIGH1);
    FloatVector b1 = a1.blend(a5.rearrange(UP1), HIGH1);
    FloatVector b5 = a1.rearrange(DOWN1).blend(a5, HIGH1);
    FloatVector b2 = a2.blend(a6.rearrange(UP1), HIGH1);
    FloatVector b6 = a2.rearrange(DOWN1).blend(a6, HIGH1);
    FloatVector b3 = a3.blend(a7.rearrange(UP1), HIGH1);
    FloatVector b7 = a3.rearrange(DOWN1).blend(a7, HIGH1);
    FloatVector b8 = a8.blend(a12.rearrange(UP1), HIGH1);
    FloatVector b12 = a8.rearrange(DOWN1).blend(a12, HIGH1);
    FloatVector b9 = a9.blend(a13.rearrange(UP1), HIGH1);
    FloatVector b13 = a9.rearrange(DOWN1).blend(a13, HIGH1);
    FloatVector b10 = a10.blend(a14.rearrange(UP1), HIGH1);
    FloatVector b14 = a10.rearrange(DOWN1).blend(a14, HIGH1);
    FloatVector b11 = a11.blend(a15.rearrange(UP1), HIGH1);
    FloatVector b15 = a11.rearrange(DOWN1).blend(a15, HIGH1);
    b0.intoArray(block, 0);
    b1.intoArray(block, 1 * V);
    b2.intoArray(block, 2 * V);
    b3.intoArray(block, 3 * V);
    b4.intoArray(block, 4 * V);
    b5.intoArray(block, 5 * V);
    b6.intoArray(block, 6 * V);
    b7.intoArray(block, 7 * V);
    b8.intoArray(block, 8 * V);
    b9.intoArray(block, 9 * V);
    b10.intoArray(block, 10 * V);
    b11.intoArray(block, 11 * V);
    b12.intoArray(block, 12 * V);
    b13.intoArray(block, 13 * V);
    b14.intoArray(block, 14 * V);
    b15.intoArray(block, 15 * V);
  }

  /**
   * The last two steps on {@code block}, each row plus {@code shift[at ..]} (if not null) to {@code
   * dst[dstOff + t · dstStride ..]}.
   */
  private static void transposeSecondHalf(
      float[] block, float[] shift, int at, float[] dst, int dstOff, int dstStride) {
    FloatVector m = shift == null ? NEGATIVE_ZERO : FloatVector.fromArray(SPECIES, shift, at);
    FloatVector r0 = FloatVector.fromArray(SPECIES, block, 0);
    FloatVector r1 = FloatVector.fromArray(SPECIES, block, 1 * V);
    FloatVector r2 = FloatVector.fromArray(SPECIES, block, 2 * V);
    FloatVector r3 = FloatVector.fromArray(SPECIES, block, 3 * V);
    FloatVector r4 = FloatVector.fromArray(SPECIES, block, 4 * V);
    FloatVector r5 = FloatVector.fromArray(SPECIES, block, 5 * V);
    FloatVector r6 = FloatVector.fromArray(SPECIES, block, 6 * V);
    FloatVector r7 = FloatVector.fromArray(SPECIES, block, 7 * V);
    FloatVector r8 = FloatVector.fromArray(SPECIES, block, 8 * V);
    FloatVector r9 = FloatVector.fromArray(SPECIES, block, 9 * V);
    FloatVector r10 = FloatVector.fromArray(SPECIES, block, 10 * V);
    FloatVector r11 = FloatVector.fromArray(SPECIES, block, 11 * V);
    FloatVector r12 = FloatVector.fromArray(SPECIES, block, 12 * V);
    FloatVector r13 = FloatVector.fromArray(SPECIES, block, 13 * V);
    FloatVector r14 = FloatVector.fromArray(SPECIES, block, 14 * V);
    FloatVector r15 = FloatVector.fromArray(SPECIES, block, 15 * V);
    // rows 2 apart swap their blocks of 2 lanes
    FloatVector c0 = r0.blend(r2.rearrange(UP2), HIGH2);
    FloatVector c2 = r0.rearrange(DOWN2).blend(r2, HIGH2);
    FloatVector c1 = r1.blend(r3.rearrange(UP2), HIGH2);
    FloatVector c3 = r1.rearrange(DOWN2).blend(r3, HIGH2);
    FloatVector c4 = r4.blend(r6.rearrange(UP2), HIGH2);
    FloatVector c6 = r4.rearrange(DOWN2).blend(r6, HIGH2);
    FloatVector c5 = r5.blend(r7.rearrange(UP2), HIGH2);
    FloatVector c7 = r5.rearrange(DOWN2).blend(r7, HIGH2);
    FloatVector c8 = r8.blend(r10.rearrange(UP2), HIGH2);
    FloatVector c10 = r8.rearrange(DOWN2).blend(r10, HIGH2);
    FloatVector c9 = r9.blend(r11.rearrange(UP2), HIGH2);
    FloatVector c11 = r9.rearrange(DOWN2).blend(r11, HIGH2);
    FloatVector c12 = r12.blend(r14.rearrange(UP2), HIGH2);
    FloatVector c14 = r12.rearrange(DOWN2).blend(r14, HIGH2);
    FloatVector c13 = r13.blend(r15.rearrange(UP2), HIGH2);
    FloatVector c15 = r13.rearrange(DOWN2).blend(r15, HIGH2);
    // rows 1 apart swap their blocks of 1 lanes
    FloatVector d0 = c0.blend(c1.rearrange(UP3), HIGH3);
    FloatVector d1 = c0.rearrange(DOWN3).blend(c1, HIGH3);
    FloatVector d2 = c2.blend(c3.rearrange(UP3), HIGH3);
    FloatVector d3 = c2.rearrange(DOWN3).blend(c3, HIGH3);
    FloatVector d4 = c4.blend(c5.rearrange(UP3), HIGH3);
    FloatVector d5 = c4.rearrange(DOWN3).blend(c5, HIGH3);
    FloatVector d6 = c6.blend(c7.rearrange(UP3), HIGH3);
    FloatVector d7 = c6.rearrange(DOWN3).blend(c7, HIGH3);
    FloatVector d8 = c8.blend(c9.rearrange(UP3), HIGH3);
    FloatVector d9 = c8.rearrange(DOWN3).blend(c9, HIGH3);
    FloatVector d10 = c10.blend(c11.rearrange(UP3), HIGH3);
    FloatVector d11 = c10.rearrange(DOWN3).blend(c11, HIGH3);
    FloatVector d12 = c12.blend(c13.rearrange(UP3), HIGH3);
    FloatVector d13 = c12.rearrange(DOWN3).blend(c13, HIGH3);
    FloatVector d14 = c14.blend(c15.rearrange(UP3), HIGH3);
    FloatVector d15 = c14.rearrange(DOWN3).blend(c15, HIGH3);
    d0.add(m).intoArray(dst, dstOff);
    d1.add(m).intoArray(dst, dstOff + 1 * dstStride);
    d2.add(m).intoArray(dst, dstOff + 2 * dstStride);
    d3.add(m).intoArray(dst, dstOff + 3 * dstStride);
    d4.add(m).intoArray(dst, dstOff + 4 * dstStride);
    d5.add(m).intoArray(dst, dstOff + 5 * dstStride);
    d6.add(m).intoArray(dst, dstOff + 6 * dstStride);
    d7.add(m).intoArray(dst, dstOff + 7 * dstStride);
    d8.add(m).intoArray(dst, dstOff + 8 * dstStride);
    d9.add(m).intoArray(dst, dstOff + 9 * dstStride);
    d10.add(m).intoArray(dst, dstOff + 10 * dstStride);
    d11.add(m).intoArray(dst, dstOff + 11 * dstStride);
    d12.add(m).intoArray(dst, dstOff + 12 * dstStride);
    d13.add(m).intoArray(dst, dstOff + 13 * dstStride);
    d14.add(m).intoArray(dst, dstOff + 14 * dstStride);
    d15.add(m).intoArray(dst, dstOff + 15 * dstStride);
  }

  @Override
  public void interleave(
      float[] x, int xOff, int count, int dimension, float[] shift, float[] scale, float[] w) {
    if (V != FloatKernels.LANES || count != V) {
      ScalarBackend.INSTANCE.interleave(x, xOff, count, dimension, shift, scale, w);
      return;
    }
    float[] block = BLOCK.get();
    int whole = dimension - dimension % V;
    for (int k0 = 0; k0 < whole; k0 += V) {
      transposeFirstHalf(x, xOff + k0, dimension, shift, scale, k0, block);
      transposeSecondHalf(block, null, 0, w, k0 * V, V);
    }
    ScalarBackend.interleave(x, xOff, count, dimension, shift, scale, w, whole);
  }

  @Override
  public void deinterleave(
      float[] w, int count, int dimension, float[] shift, float[] out, int outOff) {
    if (V != FloatKernels.LANES || count != V) {
      ScalarBackend.INSTANCE.deinterleave(w, count, dimension, shift, out, outOff);
      return;
    }
    float[] block = BLOCK.get();
    int whole = dimension - dimension % V;
    for (int k0 = 0; k0 < whole; k0 += V) {
      transposeFirstHalf(w, k0 * V, V, null, null, 0, block);
      transposeSecondHalf(block, shift, k0, out, outOff + k0, dimension);
    }
    ScalarBackend.deinterleave(w, count, dimension, shift, out, outOff, whole);
  }

  private static final IntVector POSITIVE_INFINITY_BITS =
      IntVector.broadcast(INT_SPECIES, Float.floatToRawIntBits(Float.POSITIVE_INFINITY));

  /** Per thread: one packed word per lane, on its way to the codes. */
  private static final ThreadLocal<int[]> WORDS = ThreadLocal.withInitial(() -> new int[V]);

  private static final VarHandle LITTLE_ENDIAN_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  @Override
  public void packSigns(
      float[] w, int n, int first, int count, byte[] dst, int dstOff, int codeBytes) {
    if (V != FloatKernels.LANES || count != V) {
      ScalarBackend.INSTANCE.packSigns(w, n, first, count, dst, dstOff, codeBytes);
      return;
    }
    // the bits before the first byte boundary one by one, then 32 projections of every lane
    // into one int per lane, then the rest one by one
    int j = Math.min(n, (8 - (first & 7)) & 7);
    ScalarBackend.packSigns(w, 0, j, first, count, dst, dstOff, codeBytes);
    int[] words = WORDS.get();
    for (; j + 32 <= n; j += 32) {
      IntVector negative = IntVector.zero(INT_SPECIES);
      for (int t = 0; t < 32; t++) {
        // Bit t clear where w ≥ 0 fails, found in the bits of w + 0 (which turns −0 into +0):
        // the sign bit is set (w < 0), or the bits exceed +∞'s (NaN, of either sign), which
        // makes +∞'s bits minus them negative.
        IntVector bits = FloatVector.fromArray(SPECIES, w, (j + t) * V).add(0f).reinterpretAsInts();
        IntVector fails = bits.or(POSITIVE_INFINITY_BITS.sub(bits));
        negative = negative.or(fails.lanewise(VectorOperators.LSHR, 31 - t).and(1 << t));
      }
      negative.not().intoArray(words, 0);
      int at = dstOff + ((first + j) >>> 3);
      for (int l = 0; l < V; l++, at += codeBytes) {
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
    if (V != FloatKernels.LANES || count != V) {
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
      for (int l = 0; l < V; l++, at += codeBytes) {
        words[l] = (int) LITTLE_ENDIAN_INT.get(src, at);
      }
      // code bit t clear → sign bit set: shift bit t of the complement up to bit 31
      IntVector clear = IntVector.fromArray(INT_SPECIES, words, 0).not();
      for (int t = 0; t < 32; t++) {
        clear
            .lanewise(VectorOperators.LSHL, 31 - t)
            .and(0x80000000)
            .or(bits)
            .reinterpretAsFloats()
            .intoArray(w, (j + t) * V);
      }
    }
    ScalarBackend.unpackSigns(src, srcOff, codeBytes, count, first, j, n, magnitude, w);
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

  @Override
  public String name() {
    return "vector (" + V + " float lanes)";
  }
}
