package io.signcodec.core.stream;

import java.io.IOException;
import java.io.InputStream;

/** Byte-level helpers of the stream reader. */
final class StreamIo {
  private StreamIo() {}

  /** Reads until {@code len} bytes or the end of input; returns how many arrived. */
  static int readUpTo(InputStream in, byte[] b, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      int r = in.read(b, off + done, len - done);
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  static int intLe(byte[] b, int off) {
    return (b[off] & 0xFF)
        | (b[off + 1] & 0xFF) << 8
        | (b[off + 2] & 0xFF) << 16
        | (b[off + 3] & 0xFF) << 24;
  }

  static void putIntLe(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }

  static long longLe(byte[] b, int off) {
    return Integer.toUnsignedLong(intLe(b, off)) | (long) intLe(b, off + 4) << 32;
  }

  static void putLongLe(byte[] b, int off, long v) {
    putIntLe(b, off, (int) v);
    putIntLe(b, off + 4, (int) (v >>> 32));
  }
}
