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
        try {
          return in.read();
        } catch (IOException | RuntimeException e) {
          note(e);
          throw e;
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return in.read(b, off, len);
        } catch (IOException | RuntimeException e) {
          note(e);
          throw e;
        }
      }

      @Override
      public long skip(long n) throws IOException {
        try {
          return in.skip(n);
        } catch (IOException | RuntimeException e) {
          note(e);
          throw e;
        }
      }

      @Override
      public int available() throws IOException {
        try {
          return in.available();
        } catch (IOException | RuntimeException e) {
          note(e);
          throw e;
        }
      }

      private void note(Exception e) {
        if (isSourceFailure.test(e)) {
          record(e);
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
   * existing {@code MalformedInputException} if one is in the chain, a
   * {@link TruncatedInputException} if the decoder hit the end of its input, otherwise a new
   * {@code MalformedInputException} carrying the decoder's message.
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
      return new TruncatedInputException(Messages.prefix(name)
          + "Premature end of stream while reading " + what + " data", offset);
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
        try {
          int b = in.read();
          if (b >= 0) {
            delivered++;
          }
          return b;
        } catch (IOException | RuntimeException e) {
          throw translate(e, name, what, delivered);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          int n = in.read(b, off, len);
          if (n > 0) {
            delivered += n;
          }
          return n;
        } catch (IOException | RuntimeException e) {
          throw translate(e, name, what, delivered);
        }
      }

      @Override
      public long skip(long n) throws IOException {
        try {
          long skipped = in.skip(n);
          delivered += Math.max(0, skipped);
          return skipped;
        } catch (IOException | RuntimeException e) {
          throw translate(e, name, what, delivered);
        }
      }

      @Override
      public int available() throws IOException {
        try {
          return in.available();
        } catch (IOException | RuntimeException e) {
          throw translate(e, name, what, delivered);
        }
      }

      @Override
      public void close() throws IOException {
        try {
          in.close();
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
