package io.signcodec.core.vectors;

import io.signcodec.core.Caps;
import io.signcodec.core.internal.Checks;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@code .fvecs} or float32 {@code .npy} files.
 *
 * <p>An {@code .npy} header states the number of vectors before the data. Rather than require a
 * seekable output to patch it afterwards, the npy writer takes the count up front: it can then
 * write to any stream (a socket, a compressor) in one pass. Writing more vectors than declared
 * fails at once; closing after fewer fails too, since the file would be invalid.
 *
 * <p>Vectors are encoded through one buffer of about 64 KiB allocated when the writer is made.
 */
final class RowWriter implements VectorWriter {
  private final OutputStream out;
  private final int dimension;
  private final boolean fvecs;
  private final long expected;
  private final int rowBytes;
  private final byte[] buf;
  private final int bufRows;
  private long written;
  private boolean closed;

  private RowWriter(OutputStream out, int dimension, boolean fvecs, long expected) {
    this.out = out;
    this.dimension = dimension;
    this.fvecs = fvecs;
    this.expected = expected;
    this.rowBytes = (fvecs ? 4 : 0) + 4 * dimension;
    this.bufRows = Math.max(1, FixedRowReader.TARGET_CHUNK_BYTES / rowBytes);
    this.buf = new byte[bufRows * rowBytes];
  }

  static RowWriter fvecs(OutputStream out, int dimension) {
    checkDimension(dimension);
    return new RowWriter(out, dimension, true, -1);
  }

  static RowWriter npy(OutputStream out, int dimension, long count) throws IOException {
    checkDimension(dimension);
    if (count < 0 || count > Long.MAX_VALUE / (4L * dimension)) {
      throw new IllegalArgumentException("vector count out of range: " + count);
    }
    RowWriter writer = new RowWriter(out, dimension, false, count);
    out.write(npyHeader("<f4", false, "(" + count + ", " + dimension + ")"));
    return writer;
  }

  private static void checkDimension(int dimension) {
    if (dimension < 1 || dimension > Caps.MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "dimension must be in 1.." + Caps.MAX_DIMENSION + ": " + dimension);
    }
  }

  /**
   * A complete {@code .npy} preamble (magic, version, length, header dict) for the given dtype,
   * order and shape literal, padded as NumPy does so the data starts at a multiple of 64 bytes.
   * Version 1.0 unless the header is too long for its 16-bit length field, then 2.0.
   */
  static byte[] npyHeader(String descr, boolean fortranOrder, String shape) {
    return npyHeaderOfLiteral("'" + descr + "'", fortranOrder, shape);
  }

  /** As {@link #npyHeader}, the dtype given as the header's literal (quoted, or a field list). */
  static byte[] npyHeaderOfLiteral(String descr, boolean fortranOrder, String shape) {
    String dict =
        "{'descr': "
            + descr
            + ", 'fortran_order': "
            + (fortranOrder ? "True" : "False")
            + ", 'shape': "
            + shape
            + ", }";
    byte[] v1 = npyPreamble(1, dict);
    return v1 != null ? v1 : npyPreamble(2, dict);
  }

  /**
   * The {@code .npy} preamble of format version {@code major} (1, 2 or 3) around {@code dict}
   * (Latin-1, or UTF-8 for version 3), space-padded and newline-terminated to a multiple of 64
   * bytes; null if version 1's 16-bit length field cannot hold it.
   */
  static byte[] npyPreamble(int major, String dict) {
    byte[] text = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    int preamble = major == 1 ? 10 : 12;
    int unpadded = preamble + text.length + 1;
    int headerLength = text.length + (64 - unpadded % 64) % 64 + 1;
    if (major == 1 && headerLength > 0xFFFF) {
      return null;
    }
    byte[] out = new byte[preamble + headerLength];
    System.arraycopy(NpyHeader.MAGIC, 0, out, 0, 6);
    out[6] = (byte) major;
    out[7] = 0;
    if (major == 1) {
      out[8] = (byte) headerLength;
      out[9] = (byte) (headerLength >>> 8);
    } else {
      ElementType.putInt32LE(out, 8, headerLength);
    }
    System.arraycopy(text, 0, out, preamble, text.length);
    for (int i = preamble + text.length; i < out.length - 1; i++) {
      out[i] = ' ';
    }
    out[out.length - 1] = '\n';
    return out;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public void write(float[] src, int srcOffset, int count) throws IOException {
    if (closed) {
      throw new IllegalStateException("writer is closed");
    }
    Checks.checkTransfer(false, src.length, srcOffset, count, dimension);
    if (expected >= 0 && count > expected - written) {
      throw new IllegalArgumentException(
          "writing "
              + count
              + " more vectors would exceed the "
              + expected
              + " declared in the npy header ("
              + written
              + " written)");
    }
    int from = srcOffset;
    int left = count;
    while (left > 0) {
      int rows = Math.min(left, bufRows);
      int p = 0;
      for (int r = 0; r < rows; r++) {
        if (fvecs) {
          ElementType.putInt32LE(buf, p, dimension);
          p += 4;
        }
        for (int i = 0; i < dimension; i++) {
          ElementType.putFloat32LE(buf, p, src[from++]);
          p += 4;
        }
      }
      out.write(buf, 0, p);
      left -= rows;
      written += rows;
    }
  }

  /**
   * Closes the stream.
   *
   * @throws IllegalStateException after closing, if an npy writer got fewer vectors than declared
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    out.close();
    if (expected >= 0 && written != expected) {
      throw new IllegalStateException(
          "only "
              + written
              + " of the "
              + expected
              + " vectors declared in the npy header were written; the file is incomplete");
    }
  }
}
