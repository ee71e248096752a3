package io.signcodec.core;

/**
 * The one place where the sign rule and the bit order of codes are defined.
 *
 * <ul>
 *   <li>Sign rule: a projection {@code p} codes as {@code +1} when {@code p >= 0} (so {@code
 *       sign(0) = +1}, also for {@code -0.0}) and as {@code -1} otherwise.
 *   <li>Bit order: code bit {@code j} of an {@code n}-bit code lives in byte {@code j / 8}, at bit
 *       position {@code j % 8} counted from the least significant bit (numpy's {@code packbits(...,
 *       bitorder='little')}). A set bit means {@code +1}.
 *   <li>A code occupies {@code ceil(n / 8)} bytes; the unused high bits of the last byte are zero
 *       when written and ignored when read.
 * </ul>
 */
public final class SignCodes {
  private SignCodes() {}

  /** Bytes taken by one code of {@code bits} bits. */
  public static int codeBytes(int bits) {
    return (bits + 7) >>> 3;
  }

  /** Packs the signs of {@code bits} projections into {@code dst} from {@code dstOff}. */
  public static void pack(float[] projections, int pOff, int bits, byte[] dst, int dstOff) {
    int full = bits >>> 3;
    int p = pOff;
    for (int b = 0; b < full; b++, p += 8) {
      int v = 0;
      for (int k = 0; k < 8; k++) {
        v |= (projections[p + k] >= 0f ? 1 : 0) << k;
      }
      dst[dstOff + b] = (byte) v;
    }
    int rest = bits & 7;
    if (rest != 0) {
      int v = 0;
      for (int k = 0; k < rest; k++) {
        v |= (projections[p + k] >= 0f ? 1 : 0) << k;
      }
      dst[dstOff + full] = (byte) v;
    }
  }

  /** Writes the code's {@code bits} signs as {@code +1f} / {@code -1f} into {@code dst}. */
  public static void unpack(byte[] src, int srcOff, int bits, float[] dst, int dstOff) {
    for (int j = 0; j < bits; j++) {
      dst[dstOff + j] = sign(src, srcOff, j);
    }
  }

  /** The sign ({@code +1} or {@code -1}) of bit {@code j} of the code at {@code srcOff}. */
  public static int sign(byte[] src, int srcOff, int j) {
    return ((src[srcOff + (j >>> 3)] >>> (j & 7)) & 1) != 0 ? 1 : -1;
  }
}
