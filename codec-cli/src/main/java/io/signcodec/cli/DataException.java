package io.signcodec.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * A problem with a file the user named: unreadable, corrupt, or not matching another input. The
 * message is one line, {@code "FILE: PROBLEM"}; the command exits with status 1.
 */
final class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String problem;

  DataException(Path file, String problem) {
    this(file, problem, null);
  }

  DataException(Path file, String problem, Throwable cause) {
    this(file.toString(), problem, cause);
  }

  /** As {@link #DataException(String, String, Throwable)}, without a cause. */
  DataException(String name, String problem) {
    this(name, problem, null);
  }

  /**
   * A problem with an input or output that has no path: {@code name} is how the message calls it,
   * such as "standard input".
   */
  DataException(String name, String problem, Throwable cause) {
    super(name + ": " + problem, cause);
    this.file = name;
    this.problem = problem;
  }

  /** The file as the user named it, or the name of the standard stream. */
  String file() {
    return file;
  }

  /** What is wrong with it. */
  String problem() {
    return problem;
  }

  /**
   * The problem {@code failure} reports about {@code file}, from an {@link java.io.IOException}
   * (bad bytes, missing file, I/O failure) or an {@link IllegalArgumentException} the library
   * raised on the file's contents. A {@code DataException} is returned as is.
   */
  static DataException of(Path file, Throwable failure) {
    Path name = file.getFileName();
    return of(file.toString(), name == null ? file.toString() : name.toString(), failure);
  }

  /**
   * As {@link #of(Path, Throwable)} for an input or output called {@code name} in messages, which
   * the library's own messages call {@code libraryName} (the file name without its directory).
   */
  static DataException of(String name, String libraryName, Throwable failure) {
    if (failure instanceof DataException) {
      return (DataException) failure;
    }
    if (failure instanceof UncheckedIOException && failure.getCause() != null) {
      failure = failure.getCause();
    }
    return new DataException(name, describe(name, libraryName, failure), failure);
  }

  private static String describe(String file, String libraryName, Throwable failure) {
    String message;
    if (failure instanceof NoSuchFileException) {
      message = "no such file or directory" + other(file, (FileSystemException) failure);
    } else if (failure instanceof AccessDeniedException) {
      message = "permission denied";
    } else if (failure instanceof FileAlreadyExistsException) {
      message = "already exists" + other(file, (FileSystemException) failure);
    } else if (failure instanceof NotDirectoryException) {
      message = "not a directory" + other(file, (FileSystemException) failure);
    } else if (failure instanceof FileSystemException) {
      FileSystemException fse = (FileSystemException) failure;
      message =
          (fse.getReason() != null
                  ? fse.getReason()
                  : fse.getClass().getSimpleName().replace("Exception", ""))
              + other(file, fse);
    } else if (failure.getMessage() != null && !failure.getMessage().isBlank()) {
      message = failure.getMessage();
    } else {
      message = failure.getClass().getSimpleName();
    }
    // Library messages about vector files start with the file's name; we put the path in front.
    if (message.startsWith(libraryName + ": ")) {
      message = message.substring(libraryName.length() + 2);
    }
    return oneLine(message);
  }

  /** {@code ": path"} if the exception is about another path than {@code file}, else nothing. */
  private static String other(String file, FileSystemException e) {
    String other = e.getFile();
    return other != null && !other.equals(file) ? ": " + other : "";
  }

  /** {@code s} with line breaks (and the indentation after them) turned into single spaces. */
  static String oneLine(String s) {
    return s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
