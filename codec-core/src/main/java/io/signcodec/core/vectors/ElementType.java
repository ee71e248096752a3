package io.signcodec.core.vectors;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;

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
  private static final VarHandle I32_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** The NumPy {@code descr} string of this type. */
  final String descr;

  /** Bytes per coordinate. */
  final int size;

  /** The byte order of a coordinate, as the descr's first character says ('|': no order). */
  final ByteOrder order;

  ElementType(String descr, int size) {
    this.descr = descr;
    this.size = size;
    this.order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
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
   * Decodes {@code n} coordinates from {@code src} at {@code srcOff} into {@code dst} at {@code
   * dstOff}. Doubles are narrowed by a cast (out-of-range values become infinities), ints are
   * converted exactly up to 2^24 and rounded beyond.
   */
  void decode(byte[] src, int srcOff, float[] dst, int dstOff, int n) {
    if (this == UINT8) {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = src[srcOff + i] & 0xFF;
      }
      return;
    }
    // A view in the file's byte order: one loop per width serves both orders.
    ByteBuffer stored = ByteBuffer.wrap(src, srcOff, n * size).order(order);
    if (size == 8) {
      DoubleBuffer doubles = stored.asDoubleBuffer();
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = (float) doubles.get(i);
      }
    } else if (this == FLOAT32_LE || this == FLOAT32_BE) {
      stored.asFloatBuffer().get(dst, dstOff, n);
    } else {
      IntBuffer ints = stored.asIntBuffer();
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = ints.get(i);
      }
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
