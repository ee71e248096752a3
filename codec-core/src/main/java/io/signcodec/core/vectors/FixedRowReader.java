package io.signcodec.core.vectors;

import io.signcodec.core.Caps;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import io.signcodec.core.VectorReader;
import io.signcodec.core.internal.Checks;
import java.io.IOException;

/**
 * Reads any format whose vectors are fixed-size rows: {@code .fvecs} and {@code .bvecs} (an int32
 * dimension before every row), raw float32, and the data part of {@code .npy}.
 *
 * <p>Rows are read a chunk at a time into one buffer allocated when the reader is made, of about
 * {@value #TARGET_CHUNK_BYTES} bytes or one row if larger (at most 512 KiB, given {@link
 * VectorFiles#MAX_DIMENSION}), and decoded straight into the caller's array: memory is bounded and
 * the read loop allocates nothing.
 *
 * <p>When the input is truncated or a row is bad, the complete rows before it are returned first;
 * the next call throws, and so does every later call.
 */
final class FixedRowReader implements VectorReader {
  static final int TARGET_CHUNK_BYTES = 1 << 16;

  private final ByteInput in;
  private final String name;
  private final int dimension;
  private final ElementType type;
  private final int prefixBytes;
  private final long rowCount;
  private final int rowBytes;
  private final byte[] buf;
  private final int bufRows;
  private int carry;
  private long rowIndex;

  /** The failure to throw once the rows before it are delivered; sticky. */
  private IOException pending;

  private boolean done;
  private boolean closed;

  private FixedRowReader(
      ByteInput in, String name, int dimension, ElementType type, int prefixBytes, long rowCount) {
    this.in = in;
    this.name = name;
    this.dimension = dimension;
    this.type = type;
    this.prefixBytes = prefixBytes;
    this.rowCount = rowCount;
    this.rowBytes = prefixBytes + dimension * type.size; // <= 4 + 65536 * 8
    int rows = Math.max(1, TARGET_CHUNK_BYTES / rowBytes);
    if (rowCount >= 0) {
      rows = (int) Math.max(1, Math.min(rows, rowCount));
    }
    this.bufRows = rows;
    this.buf = new byte[rows * rowBytes];
  }

  /**
   * An {@code .fvecs} ({@code type} float32) or {@code .bvecs} ({@code type} uint8) reader. Reads
   * the first row's dimension now, so that {@link #dimension()} is known.
   *
   * @param expectedDimension the dimension the caller expects, or 0 for none
   */
  static FixedRowReader vecs(
      ByteInput in, String name, String formatName, ElementType type, int expectedDimension)
      throws IOException {
    byte[] head = new byte[4];
    int got = in.readHeader(head, 0, 4);
    if (got == 0) {
      if (expectedDimension == 0) {
        throw new MalformedInputException(
            Messages.prefix(name)
                + "empty input: an empty "
                + formatName
                + " file has no vectors and so does not record their dimension; give the "
                + "dimension with VectorFileOptions.withDimension to read it as zero vectors",
            0);
      }
      FixedRowReader empty = new FixedRowReader(in, name, expectedDimension, type, 4, 0);
      empty.done = true;
      return empty;
    }
    if (got < 4) {
      throw truncated(name, "the dimension of row 0", 0, got, 4, got);
    }
    int d = ElementType.int32LE(head, 0);
    if (d < 1 || d > Caps.MAX_DIMENSION) {
      throw new MalformedInputException(
          Messages.prefix(name)
              + "row 0 declares dimension "
              + d
              + ", outside the supported range 1.."
              + Caps.MAX_DIMENSION,
          0);
    }
    if (expectedDimension != 0 && d != expectedDimension) {
      throw new MalformedInputException(
          Messages.prefix(name)
              + "row 0 has dimension "
              + d
              + ", expected "
              + expectedDimension
              + " (given in the options)",
          0);
    }
    FixedRowReader reader = new FixedRowReader(in, name, d, type, 4, -1);
    System.arraycopy(head, 0, reader.buf, 0, 4);
    reader.carry = 4;
    return reader;
  }

  /** A headerless float32 little-endian reader of the given dimension. */
  static FixedRowReader raw(ByteInput in, String name, int dimension) {
    return new FixedRowReader(in, name, dimension, ElementType.FLOAT32_LE, 0, -1);
  }

  /** Reads the data of an {@code .npy} array whose header {@code in} has just consumed. */
  static FixedRowReader npy(ByteInput in, String name, NpyHeader header) {
    return new FixedRowReader(in, name, header.dimension, header.type, 0, header.rows);
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public int read(float[] dst, int dstOffset, int maxVectors) throws IOException {
    if (closed) {
      throw new IllegalStateException(Messages.prefix(name) + "reader is closed");
    }
    Checks.checkTransfer(true, dst.length, dstOffset, maxVectors, dimension);
    if (pending != null) {
      throw pending;
    }
    if (maxVectors == 0) {
      return 0;
    }
    if (done) {
      return -1;
    }
    long left = rowCount < 0 ? Long.MAX_VALUE : rowCount - rowIndex;
    if (left <= 0) {
      done = true;
      return -1;
    }
    int rows = (int) Math.min(Math.min(maxVectors, bufRows), left);
    int want = rows * rowBytes;
    long chunkStart = in.position() - carry;
    int got;
    try {
      got = carry + in.readUpTo(buf, carry, want - carry);
    } catch (IOException e) {
      pending = e;
      throw e;
    }
    carry = 0;
    int full = got / rowBytes;
    int good = full;
    if (prefixBytes > 0) {
      for (int r = 0; r < full; r++) {
        int d = ElementType.int32LE(buf, r * rowBytes);
        if (d != dimension) {
          good = r;
          pending = ragged(rowIndex + r, d, chunkStart + (long) r * rowBytes);
          break;
        }
      }
    }
    if (pending == null && got < want && in.failure() != null) {
      pending = in.failure(); // e.g. corrupt compressed data: deliver the rows before it first
    } else if (pending == null && got < want) {
      int rest = got - full * rowBytes;
      long row = rowIndex + full;
      long rowStart = chunkStart + (long) full * rowBytes;
      if (rest > 0) {
        if (prefixBytes > 0 && rest < 4) {
          pending =
              truncated(name, "the dimension of row " + row, rowStart, rest, 4, rowStart + rest);
        } else if (prefixBytes > 0 && ElementType.int32LE(buf, full * rowBytes) != dimension) {
          pending = ragged(row, ElementType.int32LE(buf, full * rowBytes), rowStart);
        } else {
          pending = truncated(name, "row " + row, rowStart, rest, rowBytes, rowStart + rest);
        }
      } else if (rowCount >= 0) {
        pending =
            new TruncatedInputException(
                Messages.prefix(name)
                    + "Premature end of stream while reading row "
                    + row
                    + " of the "
                    + rowCount
                    + " rows the header declares",
                rowStart);
      } else {
        done = true;
      }
    }
    for (int r = 0; r < good; r++) {
      type.decode(buf, r * rowBytes + prefixBytes, dst, dstOffset + r * dimension, dimension);
    }
    rowIndex += good;
    if (good == 0) {
      if (pending != null) {
        throw pending;
      }
      return -1;
    }
    return good;
  }

  private MalformedInputException ragged(long row, int d, long offset) {
    return new MalformedInputException(
        Messages.prefix(name) + "row " + row + " has dimension " + d + ", expected " + dimension,
        offset);
  }

  private static TruncatedInputException truncated(
      String name, String what, long start, int present, int needed, long end) {
    return new TruncatedInputException(
        Messages.prefix(name)
            + "Premature end of stream while "
            + "reading "
            + what
            + " (starting at byte "
            + start
            + "): only "
            + present
            + " of its "
            + needed
            + " bytes are present",
        end);
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      in.close();
    }
  }
}
