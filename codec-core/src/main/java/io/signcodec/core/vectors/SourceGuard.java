package io.signcodec.core.vectors;

import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Predicate;

/**
 * Tells failures of the underlying file or stream apart from complaints of a decoder layered on it.
 *
 * <p>Decompressors and the zip reader report corrupt data as plain {@link IOException}s (and, on
 * some inputs, as runtime exceptions). This library promises {@link MalformedInputException}s for
 * bad data but must let a genuine read error of the disk or socket through unchanged. The guard
 * wraps the source, remembers every exception the source itself throws, and {@link #translate}
 * turns any other decoder failure into a {@code MalformedInputException}.
 */
final class SourceGuard {
  /** One call on a wrapped stream, its int or long result widened to long. */
  @FunctionalInterface
  private interface StreamCall {
    long run() throws IOException;
  }

  /** Bound on cause chains walked, in case a library builds a cyclic one. */
  private static final int MAX_CAUSE_DEPTH = 32;

  private volatile Throwable sourceFailure;

  /** Wraps the source stream so its own failures are recognised later. */
  InputStream guard(InputStream source) {
    return guard(source, failure -> true);
  }

  /**
   * Wraps a stream whose failures are the source's own only where {@code isSourceFailure} says so:
   * for a library that reads the file itself and reports bad data through the same calls.
   */
  InputStream guard(InputStream source, Predicate<Throwable> isSourceFailure) {
    return new FilterInputStream(source) {
      @Override
      public int read() throws IOException {
        return (int) watched(() -> in.read());
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return (int) watched(() -> in.read(b, off, len));
      }

      @Override
      public long skip(long n) throws IOException {
        return watched(() -> in.skip(n));
      }

      @Override
      public int available() throws IOException {
        return (int) watched(() -> in.available());
      }

      /** Runs one call on the source, noting its failure before passing it on. */
      private long watched(StreamCall call) throws IOException {
        try {
          return call.run();
        } catch (IOException | RuntimeException e) {
          if (isSourceFailure.test(e)) {
            record(e);
          }
          throw e;
        }
      }
    };
  }

  private void record(Throwable e) {
    sourceFailure = e;
  }

  /**
   * What to throw for {@code failure}, raised by a decoder of {@code what} data (e.g. "gzip") after
   * it had delivered {@code offset} bytes: the source's own exception if that is the cause, an
   * existing {@code MalformedInputException} if one is in the chain, a {@link
   * TruncatedInputException} if the decoder hit the end of its input, otherwise a new {@code
   * MalformedInputException} carrying the decoder's message.
   */
  IOException translate(Throwable failure, String name, String what, long offset) {
    Throwable source = sourceFailure;
    boolean eof = false;
    MalformedInputException malformed = null;
    String detail = null;
    int depth = 0;
    for (Throwable t = failure; t != null && depth < MAX_CAUSE_DEPTH; t = t.getCause(), depth++) {
      if (t == source) {
        if (t instanceof RuntimeException) {
          throw (RuntimeException) t;
        }
        return failure instanceof IOException ? (IOException) failure : (IOException) t;
      }
      if (malformed == null && t instanceof MalformedInputException) {
        malformed = (MalformedInputException) t;
      }
      eof |= t instanceof EOFException;
      if (t.getMessage() != null) {
        detail = t.getMessage(); // the innermost message says most
      }
    }
    if (malformed != null) {
      return malformed;
    }
    if (eof) {
      return new TruncatedInputException(
          Messages.prefix(name) + "Premature end of stream while reading " + what + " data",
          offset);
    }
    if (detail == null) {
      detail = failure.getClass().getSimpleName();
    }
    return new MalformedInputException(
        Messages.prefix(name) + "corrupt " + what + " data: " + detail, offset, failure);
  }

  /**
   * A decoder's output with its failures {@linkplain #translate translated}, counting delivered
   * bytes so errors carry the offset in the decoded stream.
   */
  InputStream translating(InputStream decoder, String name, String what) {
    return new FilterInputStream(decoder) {
      private long delivered;

      @Override
      public int read() throws IOException {
        int b = (int) translated(() -> in.read());
        delivered += b >= 0 ? 1 : 0;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = (int) translated(() -> in.read(b, off, len));
        delivered += Math.max(0, n);
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long skipped = translated(() -> in.skip(n));
        delivered += Math.max(0, skipped);
        return skipped;
      }

      @Override
      public int available() throws IOException {
        return (int) translated(() -> in.available());
      }

      @Override
      public void close() throws IOException {
        translated(
            () -> {
              in.close();
              return 0;
            });
      }

      /** Runs one call on the decoder, its failure {@linkplain #translate translated}. */
      private long translated(StreamCall call) throws IOException {
        try {
          return call.run();
        } catch (IOException | RuntimeException e) {
          throw translate(e, name, what, delivered);
        }
      }

      @Override
      public boolean markSupported() {
        return false;
      }
    };
  }
}
