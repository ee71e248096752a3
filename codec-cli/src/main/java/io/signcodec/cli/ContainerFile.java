package io.signcodec.cli;

import io.signcodec.core.Codebook;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.stream.CodebookMismatchException;
import io.signcodec.core.stream.SignStreamReader;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * A container file (or standard input) open for reading, for {@code decode} and {@code search};
 * every failure is a {@link DataException} about it.
 */
final class ContainerFile implements Closeable {
  private final Path input;
  private final InputStream in;
  private final SignStreamReader reader;

  /** Opens {@code input}, written with {@code codebook} (read from {@code codebookPath}). */
  ContainerFile(Path input, Path codebookPath, Codebook codebook, CommandLine commandLine) {
    this.input = input;
    InputStream stream = null;
    try {
      stream =
          new BufferedInputStream(
              CliFiles.openInput(input, SignCodecCli.standardInput(commandLine)), 1 << 16);
      reader = new SignStreamReader(stream, codebook);
      in = stream;
    } catch (IOException e) {
      closeQuietly(stream);
      if (e instanceof CodebookMismatchException) {
        throw new DataException(
            CliFiles.inputName(input),
            DataException.oneLine(e.getMessage()) + " (--codebook " + codebookPath + ")",
            e);
      }
      throw CliFiles.inputError(input, e);
    }
  }

  /** Decodes up to {@code max} vectors into {@code batch}; -1 at the end. */
  int read(float[] batch, int max) {
    try {
      return reader.read(batch, 0, max);
    } catch (IOException e) {
      throw CliFiles.inputError(input, e);
    }
  }

  /** Reads up to {@code max} codes into {@code codes}; -1 at the end. */
  int readCodes(byte[] codes, int max) {
    try {
      return reader.readCodes(codes, 0, max);
    } catch (IOException e) {
      throw CliFiles.inputError(input, e);
    }
  }

  /**
   * After the end marker: a container file holds nothing else. (The library's reader leaves what
   * follows unread, for streams inside something bigger; a file given to the CLI is one.)
   */
  void checkEnd() {
    try {
      if (in.read() >= 0) {
        throw new MalformedInputException(
            "unexpected bytes after the end marker (a container file holds one stream)", -1);
      }
    } catch (IOException e) {
      throw CliFiles.inputError(input, e);
    }
  }

  @Override
  public void close() {
    closeQuietly(in);
  }

  private static void closeQuietly(InputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // nothing was written to it; a failure to close changes nothing
      }
    }
  }
}
