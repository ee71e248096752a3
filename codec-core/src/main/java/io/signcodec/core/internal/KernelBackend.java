package io.signcodec.core.internal;

/**
 * The products on the encode and decode paths, and the Hadamard butterflies of structured
 * codebooks, in a scalar and a SIMD implementation that give bit-identical results: each output
 * element is {@code fma}-accumulated over the summation index in ascending order in both, and each
 * butterfly output sees the same additions and multiplication in the same order.
 */
interface KernelBackend {

  /**
   * See {@link FloatKernels#multiplyAdd(float[], int, int, float[], float[][], int, int, int, int,
   * float[][], int)}.
   */
  void multiplyAdd(
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
      int m);

  /**
   * See {@link FloatKernels#multiplyAdd(float[][], float[][], int, int, int, int, float[][], int)}.
   */
  void multiplyAdd(float[][] l, float[][] r, int r0, int k, int from, int to, float[][] c, int m);

  /** See {@link FloatKernels#project}. */
  void project(float[] x, int off, float[] shift, float[] panels, int k, int columns, float[] out);

  /** See {@link FloatKernels#projectHalf}. */
  void projectHalf(float[] x, int off, int[] panels, int k, int columns, float[] out);

  /** See {@link FloatKernels#butterflies}. */
  void butterflies(float[] w, int from, int end, int span, float[] scale, int stride);

  /** See {@link FloatKernels#butterflies4}. */
  void butterflies4(float[] w, int from, int end, int span, float[] scale, int stride);

  /** See {@link FloatKernels#butterflies8}. */
  void butterflies8(float[] w, int from, int end, int span, float[] scale, int stride);

  /** See {@link FloatKernels#interleave}. */
  void interleave(
      float[] x, int xOff, int count, int dimension, float[] shift, float[] scale, float[] w);

  /** See {@link FloatKernels#deinterleave}. */
  void deinterleave(float[] w, int count, int dimension, float[] shift, float[] out, int outOff);

  /** See {@link FloatKernels#packSigns}. */
  void packSigns(float[] w, int n, int first, int count, byte[] dst, int dstOff, int codeBytes);

  /** See {@link FloatKernels#unpackSigns}. */
  void unpackSigns(
      byte[] src,
      int srcOff,
      int codeBytes,
      int count,
      int first,
      int n,
      float magnitude,
      float[] w);

  /** See {@link FloatKernels#levelBits}. */
  void levelBits(float[] w, int at, float[] flips, float first, float[] dst, int dstAt);

  /** See {@link FloatKernels#planeDot}. */
  long planeDot(long[] planes, long[] shifts, int stride, byte[] codes, int off, int len);

  /** See {@link FloatKernels#nibbleScan}. */
  void nibbleScan(
      byte[] packed, int off, int blocks, int codeBytes, byte[] tables, int[] sums, int sumsOff);

  /** Whether {@code x[off..off+len)} holds no NaN and no infinity. */
  boolean allFinite(float[] x, int off, int len);

  /** See {@link FloatKernels#allWithin}. */
  boolean allWithin(float[] x, int off, int len, int boundBits);

  /** A short name for logs: "scalar" or "vector (N lanes)". */
  String name();
}
