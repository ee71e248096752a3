package io.signcodec.core.internal.format;

import io.signcodec.core.ChecksumMismatchException;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Reads a codebook's bytes: counts the offset, feeds a running CRC32C, and reports an input that
 * ends early as a {@link TruncatedInputException} at the offset where it ended. Reads exactly what
 * it is asked for, in bounded chunks, so that memory grows only as bytes arrive.
 */
final class FormatReader {
  /** Floats per chunk: 1 MiB. */
  private static final int CHUNK_FLOATS = 1 << 18;

  private final InputStream in;
  private final CRC32C crc = new CRC32C();
  private long position;

  FormatReader(InputStream in) {
    this.in = in;
  }

  /** Offset of the next byte. */
  long position() {
    return position;
  }

  /** Reads {@code len} bytes into {@code b[off..]}, feeding them to the checksum. */
  void readFully(byte[] b, int off, int len, String what) throws IOException {
    int done = 0;
    while (done < len) {
      int r = in.read(b, off + done, len - done);
      if (r < 0) {
        throw new TruncatedInputException(
            "premature end of stream while reading " + what + ": " + done + " of " + len + " bytes",
            position + done);
      }
      done += r;
    }
    crc.update(b, off, len);
    position += len;
  }

  byte[] readBytes(int len, String what) throws IOException {
    byte[] b = new byte[len];
    readFully(b, 0, len, what);
    return b;
  }

  /**
   * Reads {@code count} float32 values in chunks allocated as their bytes arrive; the truncation
   * message counts the bytes of the whole run.
   */
  Floats readFloats(long count, String what) throws IOException {
    int chunks = (int) ((count + CHUNK_FLOATS - 1) / CHUNK_FLOATS);
    float[][] parts = new float[chunks][];
    byte[] bytes = new byte[(int) Math.min(count, CHUNK_FLOATS) * 4];
    long start = position;
    long total = 4 * count;
    for (int c = 0; c < chunks; c++) {
      int len = (int) Math.min(CHUNK_FLOATS, count - (long) c * CHUNK_FLOATS);
      try {
        readFully(bytes, 0, 4 * len, what);
      } catch (TruncatedInputException e) {
        long got = e.offset() - start;
        throw new TruncatedInputException(
            "premature end of stream while reading "
                + what
                + ": "
                + got
                + " of "
                + total
                + " bytes",
            e.offset());
      }
      parts[c] = new float[len];
      ByteBuffer.wrap(bytes, 0, 4 * len)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(parts[c]);
    }
    return new Floats(parts, count);
  }

  /** Reads a uint32 CRC32C and checks it against every byte read before it. */
  void checkCrc(String what) throws IOException {
    int computed = (int) crc.getValue();
    long at = position;
    byte[] b = new byte[4];
    readFully(
        b,
        0,
        4,
        what.startsWith("corrupt codebook header") ? "codebook header" : "codebook checksum");
    int stored = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != computed) {
      throw new ChecksumMismatchException(
          String.format("%s: stored CRC32C %08x, computed %08x", what, stored, computed), at);
    }
  }

  /** A run of floats held in chunks. */
  static final class Floats {
    private final float[][] parts;
    private final long count;

    private Floats(float[][] parts, long count) {
      this.parts = parts;
      this.count = count;
    }

    float get(long i) {
      return parts[(int) (i / CHUNK_FLOATS)][(int) (i % CHUNK_FLOATS)];
    }

    /** Whether {@code len} values from {@code from} are all zero. */
    boolean allZero(long from, int len) {
      for (long i = from; i < from + len; i++) {
        if (get(i) != 0f) {
          return false;
        }
      }
      return true;
    }

    /**
     * Throws if one of {@code len} values from {@code from} is not finite, naming it as {@code
     * name[i]} (i counted from {@code from}) at its offset from {@code at}.
     */
    void checkFinite(long from, long len, String name, long at) throws MalformedInputException {
      checkFinite(from, 0, len, name, at);
    }

    /** As {@link #checkFinite(long, long, String, long)} for values {@code first..first+len}. */
    private void checkFinite(long from, long first, long len, String name, long at)
        throws MalformedInputException {
      for (long i = first; i < first + len; i++) {
        float v = get(from + i);
        if (!Float.isFinite(v)) {
          throw new MalformedInputException(
              "codebook " + name + "[" + i + "] is not finite: " + v, at + 4 * i);
        }
      }
    }

    /**
     * Checks {@code rows} rows of {@code cols} values from {@code from} (a matrix named {@code
     * name}, at offset {@code at}), row by row: every value of the row finite (named as {@link
     * #checkFinite(long, long, String, long)} names it), then the row not all zeros.
     */
    void checkRows(long from, int rows, int cols, String name, long at)
        throws MalformedInputException {
      for (int r = 0; r < rows; r++) {
        long row = (long) r * cols;
        checkFinite(from, row, cols, name, at);
        if (allZero(from + row, cols)) {
          throw new MalformedInputException(
              "invalid codebook: " + name + " row " + r + " is all zeros", at + 4 * row);
        }
      }
    }
  }
}
