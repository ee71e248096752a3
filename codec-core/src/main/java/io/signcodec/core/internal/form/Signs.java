package io.signcodec.core.internal.form;

/** Branch-free signed magnitudes of code bits and projections, for the forms' kernels. */
final class Signs {
  private Signs() {}

  /**
   * {@code +magnitude} if bit {@code j} of the code is set, else {@code −magnitude} ({@code
   * magnitude > 0}), without a branch: code bits are random, and a branch on them mispredicts half
   * the time.
   */
  static float signed(byte[] src, int srcOff, int j, float magnitude) {
    int clear = ~(src[srcOff + (j >>> 3)] >>> (j & 7)) & 1;
    return Float.intBitsToFloat(Float.floatToRawIntBits(magnitude) | (clear << 31));
  }

  /**
   * {@code +magnitude} where {@code p ≥ 0} (−0 included, as {@link
   * io.signcodec.core.SignCodes#pack} reads it), else {@code −magnitude} ({@code magnitude > 0}),
   * without a branch. {@code −0 + 0} is {@code +0}, so adding zero clears the sign bit of −0 and of
   * nothing else.
   */
  static float withSignOf(float p, float magnitude) {
    return Float.intBitsToFloat(
        Float.floatToRawIntBits(magnitude) | (Float.floatToRawIntBits(p + 0f) & 0x80000000));
  }
}
