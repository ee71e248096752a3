package io.signcodec.core.vectors;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that knows its position, for error messages that say where, and that holds back a
 * failure until the bytes read before it have been used.
 *
 * <p>A decompressor may deliver part of a chunk and then fail (corrupt or cut-off compressed data).
 * {@link #readUpTo} then returns the bytes it got and keeps the exception in {@link #failure()};
 * the reader decodes the complete vectors among those bytes, hands them out, and throws the failure
 * next.
 */
final class ByteInput implements Closeable {
  private final InputStream in;
  private final Closeable resource;
  private long position;
  private IOException failure;

  /** Reads {@code in}; closing closes {@code resource} (typically the stream stack under it). */
  ByteInput(InputStream in, Closeable resource) {
    this.in = in;
    this.resource = resource;
  }

  /** Bytes consumed so far. */
  long position() {
    return position;
  }

  /**
   * Reads until {@code len} bytes, the end of the stream or a failure; returns how many were read.
   * A failure after at least one byte is kept in {@link #failure()} and thrown by the next call;
   * one before any byte is thrown at once.
   */
  int readUpTo(byte[] b, int off, int len) throws IOException {
    if (failure != null) {
      throw failure;
    }
    int total = 0;
    while (total < len) {
      int n;
      try {
        n = in.read(b, off + total, len - total);
      } catch (IOException e) {
        if (total == 0) {
          throw e;
        }
        failure = e;
        break;
      }
      if (n < 0) {
        break;
      }
      total += n;
    }
    position += total;
    return total;
  }

  /**
   * As {@link #readUpTo}, but throws a failure at once: for headers, where a partial read is of no
   * use and the failure says more than "too short".
   */
  int readHeader(byte[] b, int off, int len) throws IOException {
    int got = readUpTo(b, off, len);
    if (got < len && failure != null) {
      throw failure;
    }
    return got;
  }

  /** The failure that cut the last {@link #readUpTo} short, or null if it ended normally. */
  IOException failure() {
    return failure;
  }

  @Override
  public void close() throws IOException {
    resource.close();
  }
}
