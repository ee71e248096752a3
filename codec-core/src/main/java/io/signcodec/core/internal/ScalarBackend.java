package io.signcodec.core.internal;

/** Plain Java: C2 compiles the inner loop to SIMD where it can prove the accesses aligned. */
final class ScalarBackend implements KernelBackend {
  static final ScalarBackend INSTANCE = new ScalarBackend();

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
    for (int j0 = from; j0 < to; j0 += FloatKernels.COLUMN_BLOCK) {
      int j1 = Math.min(to, j0 + FloatKernels.COLUMN_BLOCK);
      for (int t = 0; t < k; t++) {
        float[] rRow = r[r0 + t];
        float sh = shift == null ? 0f : shift[t];
        for (int i = 0; i < m; i++) {
          FloatKernels.fmaRow(l[lOff + i * ldl + t] - sh, rRow, c[i], j0, j1);
        }
      }
    }
  }

  @Override
  public void multiplyAdd(
      float[][] l, float[][] r, int r0, int k, int from, int to, float[][] c, int m) {
    for (int j0 = from; j0 < to; j0 += FloatKernels.COLUMN_BLOCK) {
      int j1 = Math.min(to, j0 + FloatKernels.COLUMN_BLOCK);
      for (int t = 0; t < k; t++) {
        float[] rRow = r[r0 + t];
        for (int i = 0; i < m; i++) {
          FloatKernels.fmaRow(l[i][t], rRow, c[i], j0, j1);
        }
      }
    }
  }

  @Override
  public void project(
      float[] x, int off, float[] shift, float[] panels, int k, int columns, float[] out) {
    int width = FloatKernels.PANEL;
    float[] acc = new float[width];
    for (int p = 0; p * width < columns; p++) {
      java.util.Arrays.fill(acc, 0f);
      for (int t = 0; t < k; t++) {
        float s = shift == null ? x[off + t] : x[off + t] - shift[t];
        int row = (p * k + t) * width;
        for (int c = 0; c < width; c++) {
          acc[c] = Math.fma(s, panels[row + c], acc[c]);
        }
      }
      System.arraycopy(acc, 0, out, p * width, Math.min(width, columns - p * width));
    }
  }

  @Override
  public void projectHalf(float[] x, int off, int[] panels, int k, int columns, float[] out) {
    int width = FloatKernels.PANEL;
    float[] acc = new float[width];
    for (int p = 0; p * width < columns; p++) {
      java.util.Arrays.fill(acc, 0f);
      for (int t = 0; t < k; t++) {
        float s = x[off + t];
        int row = (p * k + t) * (width / 2);
        for (int i = 0; i < width / 2; i++) {
          int v = panels[row + i];
          int c = 32 * (i >>> 4) + (i & 15);
          acc[c] = Math.fma(s, Float.intBitsToFloat(v << 16), acc[c]);
          acc[c + 16] = Math.fma(s, Float.intBitsToFloat(v & 0xFFFF0000), acc[c + 16]);
        }
      }
      System.arraycopy(acc, 0, out, p * width, Math.min(width, columns - p * width));
    }
  }

  @Override
  public void butterflies(float[] w, int from, int end, int span, float[] scale, int stride) {
    for (int lo = from; lo < end; lo += 2 * span) {
      int hi = lo + span;
      if (scale == null) {
        for (int q = 0; q < span; q++) {
          float a = w[lo + q];
          float b = w[hi + q];
          w[lo + q] = a + b;
          w[hi + q] = a - b;
        }
        continue;
      }
      // span is whole runs of stride, so each run has one factor on each side
      for (int run = 0; run < span; run += stride) {
        float sa = scale[(lo - from + run) / stride];
        float sb = scale[(hi - from + run) / stride];
        for (int q = run; q < run + stride; q++) {
          float a = w[lo + q];
          float b = w[hi + q];
          w[lo + q] = (a + b) * sa;
          w[hi + q] = (a - b) * sb;
        }
      }
    }
  }

  @Override
  public void butterflies4(float[] w, int from, int end, int span, float[] scale, int stride) {
    butterflies(w, from, end, span, null, stride);
    butterflies(w, from, end, 2 * span, scale, stride);
  }

  @Override
  public void butterflies8(float[] w, int from, int end, int span, float[] scale, int stride) {
    butterflies(w, from, end, span, null, stride);
    butterflies(w, from, end, 2 * span, null, stride);
    butterflies(w, from, end, 4 * span, scale, stride);
  }

  @Override
  public void interleave(
      float[] x, int xOff, int count, int dimension, float[] shift, float[] scale, float[] w) {
    interleave(x, xOff, count, dimension, shift, scale, w, 0);
  }

  /** {@link #interleave} of coordinates {@code [from, dimension)} only. */
  static void interleave(
      float[] x,
      int xOff,
      int count,
      int dimension,
      float[] shift,
      float[] scale,
      float[] w,
      int from) {
    final int lanes = FloatKernels.LANES;
    for (int k = from; k < dimension; k++) {
      int base = k * lanes;
      float m = shift[k];
      if (scale == null) {
        for (int l = 0; l < count; l++) {
          w[base + l] = x[xOff + l * dimension + k] - m;
        }
      } else {
        float sk = scale[k];
        for (int l = 0; l < count; l++) {
          w[base + l] = (x[xOff + l * dimension + k] - m) * sk;
        }
      }
      java.util.Arrays.fill(w, base + count, base + lanes, 0f);
    }
  }

  @Override
  public void deinterleave(
      float[] w, int count, int dimension, float[] shift, float[] out, int outOff) {
    deinterleave(w, count, dimension, shift, out, outOff, 0);
  }

  /** {@link #deinterleave} of coordinates {@code [from, dimension)} only. */
  static void deinterleave(
      float[] w, int count, int dimension, float[] shift, float[] out, int outOff, int from) {
    for (int l = 0; l < count; l++) {
      int base = outOff + l * dimension;
      for (int k = from; k < dimension; k++) {
        float v = w[k * FloatKernels.LANES + l];
        out[base + k] = shift == null ? v : v + shift[k];
      }
    }
  }

  @Override
  public void packSigns(
      float[] w, int n, int first, int count, byte[] dst, int dstOff, int codeBytes) {
    packSigns(w, 0, n, first, count, dst, dstOff, codeBytes);
  }

  /** {@link #packSigns} of projections {@code [from, n)} only. */
  static void packSigns(
      float[] w, int from, int n, int first, int count, byte[] dst, int dstOff, int codeBytes) {
    final int lanes = FloatKernels.LANES;
    for (int l = 0; l < count; l++) {
      int code = dstOff + l * codeBytes;
      int j = from;
      // bits up to the next byte boundary one at a time, then whole bytes
      for (; j < n && ((first + j) & 7) != 0; j++) {
        int bit = first + j;
        dst[code + (bit >>> 3)] |= (byte) ((w[j * lanes + l] >= 0f ? 1 : 0) << (bit & 7));
      }
      for (; j + 8 <= n; j += 8) {
        int v = 0;
        int q = j * lanes + l;
        for (int t = 0; t < 8; t++, q += lanes) {
          v |= (w[q] >= 0f ? 1 : 0) << t;
        }
        dst[code + ((first + j) >>> 3)] = (byte) v;
      }
      for (; j < n; j++) {
        int bit = first + j;
        dst[code + (bit >>> 3)] |= (byte) ((w[j * lanes + l] >= 0f ? 1 : 0) << (bit & 7));
      }
    }
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
    unpackSigns(src, srcOff, codeBytes, count, first, 0, n, magnitude, w);
  }

  /** {@link #unpackSigns} of bits {@code [from, n)} only. */
  static void unpackSigns(
      byte[] src,
      int srcOff,
      int codeBytes,
      int count,
      int first,
      int from,
      int n,
      float magnitude,
      float[] w) {
    final int lanes = FloatKernels.LANES;
    // ±magnitude by setting the sign bit where the code bit is clear: code bits are random, and
    // a branch on them mispredicts half the time
    int bits = Float.floatToRawIntBits(magnitude);
    for (int j = from; j < n; j++) {
      int base = j * lanes;
      int bit = first + j;
      for (int l = 0; l < count; l++) {
        int clear = ~(src[srcOff + l * codeBytes + (bit >>> 3)] >>> (bit & 7)) & 1;
        w[base + l] = Float.intBitsToFloat(bits | (clear << 31));
      }
      java.util.Arrays.fill(w, base + count, base + lanes, -magnitude);
    }
  }

  @Override
  public void levelBits(float[] w, int at, float[] flips, float first, float[] dst, int dstAt) {
    // the count's parity into the sign bit: no branch on the (random) comparisons
    int firstBits = Float.floatToRawIntBits(first);
    for (int l = 0; l < FloatKernels.LANES; l++) {
      float y = w[at + l];
      int atOrAbove = 0;
      for (float t : flips) {
        atOrAbove += y >= t ? 1 : 0;
      }
      dst[dstAt + l] = Float.intBitsToFloat(firstBits ^ (atOrAbove << 31));
    }
  }

  @Override
  public boolean allFinite(float[] x, int off, int len) {
    // An exponent of all ones (NaN, ±∞) carries into the sign bit; integer ORs vectorise.
    int carry = 0;
    for (int q = off; q < off + len; q++) {
      carry |= (Float.floatToRawIntBits(x[q]) & 0x7f800000) + 0x00800000;
    }
    return carry >= 0;
  }

  @Override
  public boolean allWithin(float[] x, int off, int len, int boundBits) {
    // |x| + (MAX − bound) in the bits carries into the sign bit exactly where |x| exceeds the
    // bound (NaN's bits exceed every finite bound's; a negative bound makes the sum negative);
    // integer ORs vectorise, an integer max does not
    int excess = Integer.MAX_VALUE - boundBits;
    int carry = boundBits;
    for (int q = off; q < off + len; q++) {
      carry |= (Float.floatToRawIntBits(x[q]) & 0x7fffffff) + excess;
    }
    return carry >= 0;
  }

  @Override
  public long planeDot(long[] planes, long[] shifts, int stride, byte[] codes, int off, int len) {
    long dot = 0;
    int words = (len + 7) >>> 3;
    for (int k = 0; k < words; k++) {
      long c = FloatKernels.codeWord(codes, off + 8 * k);
      long s = 0;
      for (int b = 0; b < FloatKernels.PLANES - 1; b++) {
        s += (long) Long.bitCount(planes[b * stride + k] & c) << b;
      }
      s -= (long) Long.bitCount(planes[(FloatKernels.PLANES - 1) * stride + k] & c) << 7;
      dot += s << shifts[k];
    }
    return dot;
  }

  /**
   * Blocks from which {@link #nibbleScan} first joins each code byte's two nibble tables into one
   * of 256 sums: one look-up per code byte instead of two, for {@code 256·codeBytes} additions.
   */
  private static final int JOINED_FROM = 8;

  @Override
  public void nibbleScan(
      byte[] packed, int off, int blocks, int codeBytes, byte[] tables, int[] sums, int sumsOff) {
    int block = FloatKernels.NIBBLE_BLOCK;
    short[] joined = null;
    if (blocks >= JOINED_FROM) {
      joined = new short[256 * codeBytes];
      for (int p = 0; p < codeBytes; p++) {
        for (int x = 0; x < 256; x++) {
          joined[256 * p + x] =
              (short)
                  ((tables[32 * p + (x & 15)] & 0xFF) + (tables[32 * p + 16 + (x >>> 4)] & 0xFF));
        }
      }
    }
    for (int i = 0; i < blocks; i++) {
      int base = off + i * block * codeBytes;
      int out = sumsOff + i * block;
      if (joined != null) {
        // two code bytes at a time, the 32 codes' look-ups independent of each other
        java.util.Arrays.fill(sums, out, out + block, 0);
        int p = 0;
        for (; p + 1 < codeBytes; p += 2) {
          int row = base + block * p;
          int t = 256 * p;
          for (int c = 0; c < block; c++) {
            sums[out + c] +=
                joined[t + (packed[row + c] & 0xFF)]
                    + joined[t + 256 + (packed[row + block + c] & 0xFF)];
          }
        }
        if (p < codeBytes) {
          int row = base + block * p;
          for (int c = 0; c < block; c++) {
            sums[out + c] += joined[256 * p + (packed[row + c] & 0xFF)];
          }
        }
        continue;
      }
      java.util.Arrays.fill(sums, out, out + block, 0);
      for (int p = 0; p < codeBytes; p++) {
        int row = base + block * p;
        int t = 32 * p;
        for (int c = 0; c < block; c++) {
          int x = packed[row + c];
          sums[out + c] += (tables[t + (x & 15)] & 0xFF) + (tables[t + 16 + (x >>> 4 & 15)] & 0xFF);
        }
      }
    }
  }

  @Override
  public String name() {
    return "scalar";
  }
}
