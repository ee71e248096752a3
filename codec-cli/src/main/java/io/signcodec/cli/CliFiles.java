package io.signcodec.cli;

import io.signcodec.core.Codebook;
import io.signcodec.core.MalformedInputException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Reading codebooks and writing output files, with errors that name the file. */
final class CliFiles {
  private CliFiles() {}

  /** Writes to an output stream; may throw {@link DataException}s about other files. */
  @FunctionalInterface
  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Reads a codebook file; the file must hold exactly one codebook. */
  static Codebook readCodebook(Path path) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
      Codebook codebook = Codebook.read(in);
      if (in.read() >= 0) {
        throw new MalformedInputException("unexpected bytes after the codebook",
            codebook.serializedSize());
      }
      return codebook;
    } catch (IOException e) {
      throw DataException.of(path, e);
    }
  }

  /**
   * Fails early, before any long work, if {@code target} cannot be created: its directory is
   * missing or read-only, or it is a directory itself.
   */
  static void checkWritable(Path target) {
    Path dir = target.toAbsolutePath().getParent();
    if (Files.isDirectory(target)) {
      throw new DataException(target, "is a directory");
    }
    if (dir == null || !Files.isDirectory(dir)) {
      throw new DataException(target, "directory " + (dir == null ? "" : dir) + " does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new DataException(target, "directory " + dir + " is not writable");
    }
  }

  /**
   * Writes {@code target} all or nothing: into a temporary file next to it, renamed over it on
   * success and deleted on failure, so that a failed command never leaves a partial file.
   */
  static void writeAtomically(Path target, Writer writer) {
    checkWritable(target);
    Path dir = target.toAbsolutePath().getParent();
    // Not Files.createTempFile: its files are private (0600) whatever the umask.
    Path tmp = dir.resolve("." + target.getFileName() + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".partial");
    boolean done = false;
    try {
      try (OutputStream out = new BufferedOutputStream(
          Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          1 << 16)) {
        writer.write(out);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
    } catch (IOException e) {
      throw DataException.of(target, e);
    } finally {
      if (!done) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the original failure is the one to report
        }
      }
    }
  }
}
