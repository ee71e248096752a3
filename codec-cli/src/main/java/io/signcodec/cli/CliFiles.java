package io.signcodec.cli;

import io.signcodec.core.Codebook;
import io.signcodec.core.MalformedInputException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Reading codebooks and writing outputs, with errors that name the file. */
final class CliFiles {
  private CliFiles() {}

  /** The name that stands for standard input ({@code --input}) or output ({@code --out}). */
  static final String STANDARD_STREAM = "-";

  /** The end of every {@code --out} option's help: how {@link #write} treats what it names. */
  static final String HOW_OUT_IS_WRITTEN =
      " A file is replaced when the command succeeds; a " + "device or FIFO is written in place.";

  private static final int BUFFER_BYTES = 1 << 16;

  /**
   * The temporary files being written, deleted by {@link #CLEANUP} if the JVM stops (SIGTERM,
   * Ctrl-C) before they are renamed or deleted. Guarded by itself, and so are the two fields after
   * it: a file is created and registered under the lock, so the hook cannot miss one.
   */
  private static final Set<Path> LIVE_TEMPORARIES = new HashSet<>();

  /** Set once the hook has run: no temporary file may be created after that. */
  private static boolean stopping;

  /** Registered with the runtime on the first temporary file, not for commands that make none. */
  private static boolean cleanupRegistered;

  private static final Thread CLEANUP =
      new Thread(CliFiles::deleteLiveTemporaries, "signcodec-partial-cleanup");

  /** Writes to an output stream; may throw {@link DataException}s about other files. */
  @FunctionalInterface
  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Whether {@code path} is {@code -}: standard input or output. */
  static boolean isStandardStream(Path path) {
    return path.toString().equals(STANDARD_STREAM);
  }

  /**
   * Whether {@code path} can be read only once: {@code -}, or an existing file that is neither a
   * regular file nor a directory (a FIFO, a device, a shell's {@code <(...)}), following links.
   */
  static boolean readableOnce(Path path) {
    return isStandardStream(path)
        || Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path);
  }

  /** How messages call an input: its path as given, or "standard input" for {@code -}. */
  static String inputName(Path path) {
    return isStandardStream(path) ? "standard input" : path.toString();
  }

  /** How the library's messages call an input: the file name without its directory. */
  static String libraryName(Path path) {
    Path file = path.getFileName();
    return isStandardStream(path) || file == null ? inputName(path) : file.toString();
  }

  /** The problem {@code failure} reports about the input {@code path}. */
  static DataException inputError(Path path, Throwable failure) {
    return DataException.of(inputName(path), libraryName(path), failure);
  }

  /**
   * Opens an input: {@code -} is {@code standardInput}. A pipe or device is opened as a
   * FileInputStream, whose available() asks the pipe; Files.newInputStream's asks the file's size
   * and position, which a pipe does not have ("Illegal seek").
   */
  static InputStream openInput(Path path, InputStream standardInput) throws IOException {
    if (isStandardStream(path)) {
      return standardInput;
    }
    return readableOnce(path) ? new FileInputStream(path.toFile()) : Files.newInputStream(path);
  }

  /** Whether two paths the user gave are one file (following links); false if either is missing. */
  static boolean sameFile(Path a, Path b) {
    if (isStandardStream(a) || isStandardStream(b) || !Files.exists(a) || !Files.exists(b)) {
      return false;
    }
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false; // unreadable: the command's own open reports it
    }
  }

  /**
   * The links through which a process reaches its own standard input (file descriptor 0): Linux's
   * procfs, then the {@code /dev/stdin} of other Unixes. Following one gives the file, pipe or
   * terminal that descriptor 0 is, even when no path names it.
   */
  private static final List<Path> STANDARD_INPUT_LINKS =
      List.of(Path.of("/proc/self/fd/0"), Path.of("/dev/stdin"));

  /**
   * A path that resolves to this process's standard input (file descriptor 0), or null if there is
   * none here (Windows) or descriptor 0 is closed.
   */
  static Path standardInputDescriptor() {
    for (Path link : STANDARD_INPUT_LINKS) {
      if (Files.exists(link)) {
        return link;
      }
    }
    return null;
  }

  /** Reads a codebook file; the file must hold exactly one codebook. */
  static Codebook readCodebook(Path path) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
      Codebook codebook = Codebook.read(in);
      if (in.read() >= 0) {
        throw new MalformedInputException(
            "unexpected bytes after the codebook", codebook.serializedSize());
      }
      return codebook;
    } catch (IOException e) {
      throw DataException.of(path, e);
    }
  }

  /** An output the user named, and how it is written; see {@link #output}. */
  static final class Output {
    /** How the bytes reach the output. */
    enum Kind {
      /** {@code -}: standard output, as the bytes are made. */
      STANDARD_OUTPUT,
      /** A regular file, new or replaced: a temporary file beside it, renamed over it. */
      REPLACED_FILE,
      /** An existing device or FIFO: opened for writing, never replaced. */
      WRITTEN_IN_PLACE
    }

    private final Path named;
    private final Path file;
    private final Kind kind;
    private final OutputStream standardOutput;

    private Output(Path named, Path file, Kind kind, OutputStream standardOutput) {
      this.named = named;
      this.file = file;
      this.kind = kind;
      this.standardOutput = standardOutput;
    }

    Kind kind() {
      return kind;
    }

    /** How messages call it: the path as the user gave it, or "standard output". */
    String name() {
      return kind == Kind.STANDARD_OUTPUT ? "standard output" : named.toString();
    }

    /** The problem {@code e} reports about writing this output. */
    DataException failure(IOException e) {
      return kind == Kind.STANDARD_OUTPUT
          ? DataException.of(name(), name(), e)
          : DataException.of(named, e);
    }
  }

  /**
   * Decides how {@code named} (an {@code --out}) is written, before any long work, and fails now if
   * it cannot be: {@code -} is {@code standardOutput}; a symbolic link stands for the file it
   * points to (the link stays); a regular file or a new name is replaced all or nothing; an
   * existing device or FIFO (also a pipe behind {@code /dev/stdout}) is written in place. A
   * directory, a dangling link, or a missing or read-only directory is a {@link DataException}.
   */
  static Output output(Path named, OutputStream standardOutput) {
    if (isStandardStream(named)) {
      return new Output(named, null, Output.Kind.STANDARD_OUTPUT, standardOutput);
    }
    Path file = named;
    if (Files.isSymbolicLink(named)) {
      try {
        file = named.toRealPath();
      } catch (NoSuchFileException e) {
        if (!Files.exists(named)) {
          throw new DataException(
              named, "is a symbolic link to " + linkTarget(named) + ", which does not exist", e);
        }
        // A link only the kernel can follow, to a pipe or socket without a path (/dev/stdout,
        // /proc/self/fd/N): written through the link, below, as a FIFO is.
      } catch (IOException e) {
        throw DataException.of(named, e);
      }
    }
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      attributes = null;
    } catch (IOException e) {
      throw DataException.of(named, e);
    }
    if (attributes == null || attributes.isRegularFile()) {
      checkDirectoryWritable(named, file);
      return new Output(named, file, Output.Kind.REPLACED_FILE, null);
    }
    if (attributes.isDirectory()) {
      throw new DataException(named, "is a directory");
    }
    if (!Files.isWritable(file)) {
      throw new DataException(named, "permission denied");
    }
    return new Output(named, file, Output.Kind.WRITTEN_IN_PLACE, null);
  }

  private static String linkTarget(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "a file";
    }
  }

  /** Fails unless the directory of {@code file} (which {@code named} stands for) is writable. */
  private static void checkDirectoryWritable(Path named, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new DataException(named, "directory " + (dir == null ? "" : dir) + " does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new DataException(named, "directory " + dir + " is not writable");
    }
  }

  /**
   * Writes {@code output} with {@code writer} and returns the number of bytes written. A file
   * ({@link Output.Kind#REPLACED_FILE}) is written all or nothing: into a hidden {@code
   * .NAME.*.partial} file beside it, renamed over it on success, deleted on failure and when the
   * JVM is stopped, so that a failed or interrupted command leaves the old file as it was and no
   * partial file. Standard output, a device and a FIFO get the bytes as they are made, so a failure
   * leaves there what was written before it.
   */
  static long write(Output output, Writer writer) {
    try {
      switch (output.kind) {
        case STANDARD_OUTPUT:
          // Flushed, not closed: the stream outlives the command (and is the JVM's own).
          return writeTo(new CountingStream(output.standardOutput, false), writer);
        case WRITTEN_IN_PLACE:
          // TRUNCATE_EXISTING does nothing to a device or FIFO; it keeps a file that took the
          // device's place since output() from keeping a stale tail.
          return writeTo(
              new CountingStream(
                  Files.newOutputStream(
                      output.file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
                  true),
              writer);
        case REPLACED_FILE:
          return replace(output.file, writer);
        default:
          throw new AssertionError(output.kind);
      }
    } catch (IOException e) {
      throw output.failure(e);
    }
  }

  private static long writeTo(CountingStream counted, Writer writer) throws IOException {
    try (OutputStream out = new BufferedOutputStream(counted, BUFFER_BYTES)) {
      writer.write(out);
    }
    return counted.count;
  }

  private static long replace(Path file, Writer writer) throws IOException {
    Path tmp = null;
    boolean renamed = false;
    try {
      CountingStream counted;
      synchronized (LIVE_TEMPORARIES) {
        if (stopping) {
          throw new IOException("not written: the JVM is shutting down");
        }
        if (!cleanupRegistered) {
          Runtime.getRuntime().addShutdownHook(CLEANUP);
          cleanupRegistered = true;
        }
        // Not Files.createTempFile: its files are private (0600) whatever the umask.
        tmp =
            file.resolveSibling(
                "."
                    + file.getFileName()
                    + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + ".partial");
        counted =
            new CountingStream(
                Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                true);
        LIVE_TEMPORARIES.add(tmp);
      }
      long bytes = writeTo(counted, writer);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      renamed = true;
      return bytes;
    } finally {
      if (tmp != null) {
        if (!renamed) {
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException ignored) {
            // the original failure is the one to report
          }
        }
        synchronized (LIVE_TEMPORARIES) {
          LIVE_TEMPORARIES.remove(tmp);
        }
      }
    }
  }

  /** The shutdown hook: deletes every temporary file still being written. */
  private static void deleteLiveTemporaries() {
    synchronized (LIVE_TEMPORARIES) {
      stopping = true;
      for (Path tmp : LIVE_TEMPORARIES) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the JVM is stopping: nothing to report to, and the other files still go
        }
      }
      LIVE_TEMPORARIES.clear();
    }
  }

  /** Counts the bytes written through it; closes the stream under it only if it owns it. */
  private static final class CountingStream extends FilterOutputStream {
    private final boolean owned;
    long count;

    CountingStream(OutputStream out, boolean owned) {
      super(out);
      this.owned = owned;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      if (owned) {
        super.close();
      } else {
        flush();
      }
    }
  }
}
