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
  public String name() {
    return "scalar";
  }
}
