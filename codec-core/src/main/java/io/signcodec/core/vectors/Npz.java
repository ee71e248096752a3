package io.signcodec.core.vectors;

import io.signcodec.core.MalformedInputException;
import io.signcodec.core.VectorReader;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Opens one {@code .npy} member of a NumPy {@code .npz} zip archive, with the JDK's zip classes.
 *
 * <p>A file is read with {@link ZipFile}, which finds members through the central directory; a
 * stream (a compressed {@code .npz.gz}, or a caller's {@code InputStream}) is read with {@link
 * ZipInputStream}, which walks the local headers and so must read past every member before the
 * selected one. Stored and deflated members are supported. Zip-level failures become {@link
 * MalformedInputException}s; errors in a member's npy data carry offsets within the decompressed
 * member.
 */
final class Npz {
  private Npz() {}

  /** How many keys an "unknown key" message lists at most. */
  private static final int MAX_LISTED_KEYS = 50;

  private static final String ZIP = "zip archive";

  /** The NumPy key of a member: its name without the {@code .npy} suffix. */
  static String keyOf(String memberName) {
    return memberName.endsWith(".npy")
        ? memberName.substring(0, memberName.length() - 4)
        : memberName;
  }

  private static boolean selects(String key, String memberName) {
    return key == null || key.equals(memberName) || key.equals(keyOf(memberName));
  }

  private static String memberLabel(String name, String memberName) {
    return (name == null ? "" : name + ", ") + "member '" + memberName + "'";
  }

  /**
   * Reads the member selected by {@code key} (null: the first) from an archive file. The JDK reads
   * it itself, so only its zip complaints ({@link ZipException}, {@link EOFException}, runtime
   * exceptions) are taken for malformed data; any other {@code IOException} is the file's own.
   */
  static VectorReader open(Path file, String name, String key) throws IOException {
    SourceGuard guard = new SourceGuard();
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw zipFailure(e, guard, name);
    }
    InputStream member = null;
    try {
      List<String> keys = new ArrayList<>();
      ZipEntry chosen = null;
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        if (entry.isDirectory()) {
          continue;
        }
        keys.add(keyOf(entry.getName()));
        if (chosen == null && selects(key, entry.getName())) {
          chosen = entry;
        }
      }
      if (chosen == null) {
        throw missing(name, key, keys);
      }
      String label = memberLabel(name, chosen.getName());
      checkReadable(label, chosen);
      member =
          guard.translating(
              guard.guard(zip.getInputStream(chosen), Npz::isFileFailure), label, "zip member");
      InputStream memberStream = member;
      return npy(
          new ByteInput(
              memberStream,
              () -> {
                try {
                  memberStream.close();
                } finally {
                  zip.close();
                }
              }),
          label);
    } catch (IOException | RuntimeException | Error e) {
      if (member != null) {
        closeQuietly(member);
      }
      closeQuietly(zip);
      if (e instanceof NoSuchKeyException || e instanceof Error) {
        throw e;
      }
      throw zipFailure(e, guard, name);
    }
  }

  /** Whether a failure of the JDK's zip reading is the file's own rather than bad zip data. */
  private static boolean isFileFailure(Throwable e) {
    return e instanceof IOException && !(e instanceof ZipException) && !(e instanceof EOFException);
  }

  private static IOException zipFailure(Throwable e, SourceGuard guard, String name)
      throws IOException {
    if (isFileFailure(e) && !(e instanceof MalformedInputException)) {
      throw (IOException) e;
    }
    return guard.translate(e, name, ZIP, -1);
  }

  /**
   * Reads the member selected by {@code key} (null: the first) from an archive stream whose source
   * is guarded by {@code guard}; the reader owns the stream (closes it on failure too).
   */
  static VectorReader open(InputStream in, String name, String key, SourceGuard guard)
      throws IOException {
    ZipInputStream zip;
    try {
      in = in.markSupported() ? in : new BufferedInputStream(in, 64);
      byte[] signature = new byte[4];
      in.mark(4);
      int got = in.readNBytes(signature, 0, 4);
      in.reset();
      if (got > 0 && !isZip(signature, got)) {
        throw new MalformedInputException(
            Messages.prefix(name)
                + "not a zip archive: it starts "
                + "with "
                + hex(signature, got)
                + " rather than the zip signature 50 4B 03 04",
            0);
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(in);
      throw e;
    }
    zip = new ZipInputStream(in);
    try {
      List<String> keys = new ArrayList<>();
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        if (entry.isDirectory()) {
          continue;
        }
        keys.add(keyOf(entry.getName()));
        if (selects(key, entry.getName())) {
          String label = memberLabel(name, entry.getName());
          checkReadable(label, entry);
          InputStream member = guard.translating(zip, label, "zip member");
          return npy(new ByteInput(member, member), label);
        }
      }
      throw missing(name, key, keys);
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(zip);
      if (e instanceof NoSuchKeyException || e instanceof Error) {
        throw e;
      }
      throw guard.translate(e, name, ZIP, -1);
    }
  }

  /**
   * Whether {@code b} starts like a zip: a local file header, or the end record of an empty zip.
   */
  private static boolean isZip(byte[] b, int length) {
    byte[] local = {'P', 'K', 3, 4};
    byte[] empty = {'P', 'K', 5, 6};
    return Arrays.equals(b, 0, length, local, 0, length)
        || Arrays.equals(b, 0, length, empty, 0, length);
  }

  private static String hex(byte[] b, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(i == 0 ? "" : " ").append(String.format("%02X", b[i] & 0xFF));
    }
    return sb.toString();
  }

  private static VectorReader npy(ByteInput in, String label) throws IOException {
    NpyHeader header = NpyHeader.read(in, label);
    return FixedRowReader.npy(in, label, header);
  }

  /**
   * The failure for a selection that matched nothing: an empty archive is malformed; a key the
   * archive lacks is the caller's mistake, thrown here as an {@link IllegalArgumentException}.
   */
  private static MalformedInputException missing(String name, String key, List<String> keys) {
    if (keys.isEmpty()) {
      return new MalformedInputException(Messages.prefix(name) + "npz archive has no members", -1);
    }
    throw new NoSuchKeyException(
        Messages.prefix(name)
            + "npz archive has no array '"
            + key
            + "'; available keys: "
            + list(keys));
  }

  /**
   * The caller asked for a key the archive lacks. A class of its own so that it is told apart from
   * runtime exceptions the zip library may throw on corrupt input, which become malformed-input
   * errors.
   */
  static final class NoSuchKeyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    NoSuchKeyException(String message) {
      super(message);
    }
  }

  private static void checkReadable(String label, ZipEntry entry) throws MalformedInputException {
    if (entry.getMethod() != ZipEntry.STORED && entry.getMethod() != ZipEntry.DEFLATED) {
      throw new MalformedInputException(
          label
              + ": uses a zip feature this library cannot read "
              + "(compression method "
              + entry.getMethod()
              + ", or encryption); only stored and "
              + "deflated members are supported",
          -1);
    }
  }

  private static String list(List<String> keys) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < keys.size() && i < MAX_LISTED_KEYS; i++) {
      sb.append(i == 0 ? "" : ", ").append('\'').append(keys.get(i)).append('\'');
    }
    if (keys.size() > MAX_LISTED_KEYS) {
      sb.append(", ... (").append(keys.size()).append(" in all)");
    }
    return sb.toString();
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // already failing; the first exception is the one to report
    }
  }
}
