package io.signcodec.core.kernel;

/** Plain Java: C2 compiles the inner loop to SIMD where it can prove the accesses aligned. */
final class ScalarBackend implements KernelBackend {
  static final ScalarBackend INSTANCE = new ScalarBackend();

  @Override
  public void multiplyAdd(float[] l, int lOff, int ldl, float[] shift, float[][] r, int r0,
      int k, int from, int to, float[][] c, int m) {
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
  public void multiplyAdd(float[][] l, float[][] r, int r0, int k, int from, int to,
      float[][] c, int m) {
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
  public void butterflies(float[] w, int from, int end, int span, float scale) {
    for (int lo = from; lo < end; lo += 2 * span) {
      int hi = lo + span;
      if (scale == 1f) {
        for (int q = 0; q < span; q++) {
          float a = w[lo + q];
          float b = w[hi + q];
          w[lo + q] = a + b;
          w[hi + q] = a - b;
        }
      } else {
        for (int q = 0; q < span; q++) {
          float a = w[lo + q];
          float b = w[hi + q];
          w[lo + q] = (a + b) * scale;
          w[hi + q] = (a - b) * scale;
        }
      }
    }
  }

  @Override
  public void butterflies4(float[] w, int from, int end, int span, float scale) {
    for (int a0 = from; a0 < end; a0 += 4 * span) {
      butterflies4Tail(w, a0, span, 0, scale);
    }
  }

  /** The group of {@code 4·span} entries from {@code a0}, positions {@code [q0, span)}. */
  void butterflies4Tail(float[] w, int a0, int span, int q0, float scale) {
    int b0 = a0 + span;
    int c0 = b0 + span;
    int d0 = c0 + span;
    for (int q = q0; q < span; q++) {
      float s0 = w[a0 + q] + w[b0 + q];
      float s1 = w[a0 + q] - w[b0 + q];
      float s2 = w[c0 + q] + w[d0 + q];
      float s3 = w[c0 + q] - w[d0 + q];
      if (scale == 1f) {
        w[a0 + q] = s0 + s2;
        w[b0 + q] = s1 + s3;
        w[c0 + q] = s0 - s2;
        w[d0 + q] = s1 - s3;
      } else {
        w[a0 + q] = (s0 + s2) * scale;
        w[b0 + q] = (s1 + s3) * scale;
        w[c0 + q] = (s0 - s2) * scale;
        w[d0 + q] = (s1 - s3) * scale;
      }
    }
  }

  @Override
  public void butterflies8(float[] w, int from, int end, int span, float scale) {
    for (int g = from; g < end; g += 8 * span) {
      butterflies8Tail(w, g, span, 0, scale);
    }
  }

  /** The group of {@code 8·span} entries from {@code g}, positions {@code [q0, span)}. */
  void butterflies8Tail(float[] w, int g, int span, int q0, float scale) {
    float[] t = new float[8];
    for (int q = q0; q < span; q++) {
      for (int e = 0; e < 8; e++) {
        t[e] = w[g + e * span + q];
      }
      for (int h = 1; h < 8; h <<= 1) {
        for (int i = 0; i < 8; i += h << 1) {
          for (int j = i; j < i + h; j++) {
            float a = t[j];
            float b = t[j + h];
            t[j] = a + b;
            t[j + h] = a - b;
          }
        }
      }
      for (int e = 0; e < 8; e++) {
        w[g + e * span + q] = scale == 1f ? t[e] : t[e] * scale;
      }
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
  public String name() {
    return "scalar";
  }
}
