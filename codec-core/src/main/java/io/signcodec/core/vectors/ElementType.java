package io.signcodec.core.vectors;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** How one stored coordinate is encoded, and how to widen or narrow it to a float. */
enum ElementType {
  FLOAT32_LE("<f4", 4),
  FLOAT32_BE(">f4", 4),
  FLOAT64_LE("<f8", 8),
  FLOAT64_BE(">f8", 8),
  UINT8("|u1", 1),
  INT32_LE("<i4", 4),
  INT32_BE(">i4", 4);

  private static final VarHandle F32_LE =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle F32_BE =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle F64_LE =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle F64_BE =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle I32_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I32_BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  /** The NumPy {@code descr} string of this type. */
  final String descr;
  /** Bytes per coordinate. */
  final int size;

  ElementType(String descr, int size) {
    this.descr = descr;
    this.size = size;
  }

  /** The type for a NumPy {@code descr}, or null if it is not one of these. */
  static ElementType forDescr(String descr) {
    for (ElementType t : values()) {
      if (t.descr.equals(descr)) {
        return t;
      }
    }
    return null;
  }

  /** Supported NumPy {@code descr} strings, for error messages. */
  static String supportedDescrs() {
    StringBuilder sb = new StringBuilder();
    for (ElementType t : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append('\'').append(t.descr).append('\'');
    }
    return sb.toString();
  }

  /**
   * Decodes {@code n} coordinates from {@code src} at {@code srcOff} into {@code dst} at
   * {@code dstOff}. Doubles are narrowed by a cast (out-of-range values become infinities), ints
   * are converted exactly up to 2^24 and rounded beyond.
   */
  void decode(byte[] src, int srcOff, float[] dst, int dstOff, int n) {
    switch (this) {
      case FLOAT32_LE:
        for (int i = 0; i < n; i++) {
          dst[dstOff + i] = (float) F32_LE.get(src, srcOff + 4 * i);
        }
        break;
      case FLOAT32_BE:
        for (int i = 0; i < n; i++) {
          dst[dstOff + i] = (float) F32_BE.get(src, srcOff + 4 * i);
        }
        break;
      case FLOAT64_LE:
        for (int i = 0; i < n; i++) {
          dst[dstOff + i] = (float) (double) F64_LE.get(src, srcOff + 8 * i);
        }
        break;
      case FLOAT64_BE:
        for (int i = 0; i < n; i++) {
          dst[dstOff + i] = (float) (double) F64_BE.get(src, srcOff + 8 * i);
        }
        break;
      case UINT8:
        for (int i = 0; i < n; i++) {
          dst[dstOff + i] = src[srcOff + i] & 0xFF;
        }
        break;
      case INT32_LE:
        for (int i = 0; i < n; i++) {
          dst[dstOff + i] = (int) I32_LE.get(src, srcOff + 4 * i);
        }
        break;
      case INT32_BE:
        for (int i = 0; i < n; i++) {
          dst[dstOff + i] = (int) I32_BE.get(src, srcOff + 4 * i);
        }
        break;
      default:
        throw new AssertionError(this);
    }
  }

  /** Reads an int32 little-endian at {@code off}. */
  static int int32LE(byte[] b, int off) {
    return (int) I32_LE.get(b, off);
  }

  /** Writes an int32 little-endian at {@code off}. */
  static void putInt32LE(byte[] b, int off, int value) {
    I32_LE.set(b, off, value);
  }

  /** Writes a float32 little-endian at {@code off}. */
  static void putFloat32LE(byte[] b, int off, float value) {
    F32_LE.set(b, off, value);
  }
}
