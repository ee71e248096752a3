package io.signcodec.core.vectors;

import io.signcodec.core.Caps;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.VectorReader;
import io.signcodec.core.VectorSource;
import io.signcodec.core.vectors.spi.CompressionFormat;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads and writes vector files: {@code .fvecs}, {@code .bvecs}, NumPy {@code .npy} and {@code
 * .npz}, and headerless float32.
 *
 * <p>Reading streams: memory is bounded by one buffer per reader (about 64 KiB, or one row if
 * larger), whatever the file size. Any input may be gzip, bzip2, xz or zstd compressed; that is
 * recognised by its magic number, never by its name. The format is taken from the file name (with a
 * compression suffix dropped, see {@link VectorFormat#fromFileName}) unless {@link
 * VectorFileOptions#withFormat} says otherwise. gzip is read with the JDK; bzip2, xz and zstd need
 * a {@link io.signcodec.core.vectors.spi.Decompressor} on the classpath, which {@code
 * io.signcodec:codec-compress} provides (xz and zstd also need its optional libraries {@code
 * org.tukaani:xz} and {@code com.github.luben:zstd-jni}); without one such input fails with an
 * {@link IOException} that says what to add.
 *
 * <p>Untrusted input: every length or count read from a file is checked against the {@linkplain
 * Caps caps} before anything is allocated from it, and size arithmetic is done in {@code long}. Bad
 * data fails with a {@link MalformedInputException} (a {@link
 * io.signcodec.core.TruncatedInputException} if it ends early, an {@link
 * io.signcodec.core.UnsupportedVersionException} for an npy format version after 3.0) whose message
 * names the file, the problem and the row, and whose offset is the byte offset in the decompressed
 * stream (within the member, for npz). Corruption reported by the decompressors and the zip reader
 * is converted to the same exception type; failures of the underlying file or stream are passed
 * through unchanged. Vectors before a fault are delivered before the exception. Caller mistakes are
 * {@link IllegalArgumentException}s.
 */
public final class VectorFiles {
  private VectorFiles() {}

  /** Opens a vector file whose format is given by its name, with default options. */
  public static VectorSource open(Path path) throws IOException {
    return open(path, VectorFileOptions.defaults());
  }

  /**
   * Opens a vector file as a re-readable source. The file is opened once now, to learn its
   * dimension and fail early if it is malformed at the start, and again by every {@link
   * VectorSource#open()}; if its dimension has changed in between, that call fails.
   *
   * @throws IllegalArgumentException if the format is neither in the options nor recognisable from
   *     the file name, if raw float32 has no dimension in the options, or if the npz key is absent
   *     from the archive
   */
  public static VectorSource open(Path path, VectorFileOptions options) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    VectorFormat format = options.format().orElseGet(() -> formatFromName(path));
    checkOptions(format, options);
    return new FileVectorSource(path, format, options);
  }

  /**
   * A reader over {@code in}, which may be compressed; the reader owns the stream and closes it
   * (also when this method fails).
   *
   * @param format the format of the (decompressed) bytes; if the options name a format too, it must
   *     be the same
   * @throws IllegalArgumentException if the formats conflict, raw float32 has no dimension in the
   *     options, or the npz key is absent from the archive
   */
  public static VectorReader reader(InputStream in, VectorFormat format, VectorFileOptions options)
      throws IOException {
    return reader(in, null, format, options);
  }

  /**
   * As {@link #reader(InputStream, VectorFormat, VectorFileOptions)}, naming the input in error
   * messages.
   *
   * @param name how messages call the input, such as a file name or URL; null for none
   */
  public static VectorReader reader(
      InputStream in, String name, VectorFormat format, VectorFileOptions options)
      throws IOException {
    Objects.requireNonNull(in, "in");
    try {
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(options, "options");
      if (options.format().isPresent() && options.format().get() != format) {
        throw new IllegalArgumentException(
            "format " + format + " conflicts with the options' " + options.format().get());
      }
      checkOptions(format, options);
      SourceGuard guard = new SourceGuard();
      BufferedInputStream buffered = new BufferedInputStream(guard.guard(in), 1 << 16);
      return formatReader(buffered, detect(buffered, options), name, format, options, guard);
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(in);
      throw e;
    }
  }

  /** Opens one pass over a file; the format and options are already validated. */
  static VectorReader openReader(Path path, VectorFormat format, VectorFileOptions options)
      throws IOException {
    String name = displayName(path);
    InputStream file = Files.newInputStream(path);
    try {
      SourceGuard guard = new SourceGuard();
      BufferedInputStream buffered = new BufferedInputStream(guard.guard(file), 1 << 16);
      CompressionFormat compression = detect(buffered, options);
      if (compression == null && format == VectorFormat.NPZ && isLocalFile(path)) {
        file.close(); // ZipFile opens the file again and reads its central directory
        VectorReader reader = Npz.open(path, name, options.npzKey().orElse(null));
        return checkDimension(reader, options, name);
      }
      return formatReader(buffered, compression, name, format, options, guard);
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(file);
      throw e;
    }
  }

  /** Whether {@link java.util.zip.ZipFile} can open {@code path}: a file of the default system. */
  private static boolean isLocalFile(Path path) {
    return path.getFileSystem() == FileSystems.getDefault() && Files.isRegularFile(path);
  }

  /** The compression {@code in} starts with, if the options ask to look. */
  private static CompressionFormat detect(BufferedInputStream in, VectorFileOptions options)
      throws IOException {
    return options.compressionDetection() ? Compression.detect(in) : null;
  }

  /** The reader of {@code format} over {@code source}, decompressed first if it is compressed. */
  private static VectorReader formatReader(
      BufferedInputStream source,
      CompressionFormat compression,
      String name,
      VectorFormat format,
      VectorFileOptions options,
      SourceGuard guard)
      throws IOException {
    InputStream data =
        compression == null ? source : Compression.decompress(source, compression, guard, name);
    int expected = options.dimension().orElse(0);
    VectorReader reader;
    switch (format) {
      case FVECS:
        reader =
            FixedRowReader.vecs(
                new ByteInput(data, data), name, ".fvecs", ElementType.FLOAT32_LE, expected);
        break;
      case BVECS:
        reader =
            FixedRowReader.vecs(
                new ByteInput(data, data), name, ".bvecs", ElementType.UINT8, expected);
        break;
      case RAW_FLOAT32:
        reader = FixedRowReader.raw(new ByteInput(data, data), name, expected);
        break;
      case NPY:
        {
          ByteInput in = new ByteInput(data, data);
          reader = FixedRowReader.npy(in, name, NpyHeader.read(in, name));
          break;
        }
      case NPZ:
        reader = Npz.open(data, name, options.npzKey().orElse(null), guard);
        break;
      default:
        throw new AssertionError(format);
    }
    return checkDimension(reader, options, name);
  }

  private static VectorReader checkDimension(
      VectorReader reader, VectorFileOptions options, String name) throws IOException {
    int expected = options.dimension().orElse(0);
    if (expected != 0 && reader.dimension() != expected) {
      int actual = reader.dimension();
      reader.close();
      throw new MalformedInputException(
          Messages.prefix(name)
              + "vectors have dimension "
              + actual
              + ", expected "
              + expected
              + " (given in the options)",
          -1);
    }
    return reader;
  }

  private static void checkOptions(VectorFormat format, VectorFileOptions options) {
    if (format == VectorFormat.RAW_FLOAT32 && options.dimension().isEmpty()) {
      throw new IllegalArgumentException(
          "raw float32 input does not record its dimension; give it "
              + "with VectorFileOptions.withDimension");
    }
  }

  private static VectorFormat formatFromName(Path path) {
    String name = displayName(path);
    return VectorFormat.fromFileName(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "cannot tell the vector format of '"
                        + name
                        + "' from its name: expected .fvecs, .bvecs, "
                        + ".npy or .npz, optionally followed by .gz, .bz2, .xz or .zst; or give the format "
                        + "with VectorFileOptions.withFormat"));
  }

  static String displayName(Path path) {
    Path file = path.getFileName();
    return file == null ? path.toString() : file.toString();
  }

  /**
   * An {@code .fvecs} writer on {@code out}, which it owns and closes. Buffer {@code out} yourself
   * only if it is unbuffered and you write a vector at a time; the writer encodes in 64 KiB blocks.
   */
  public static VectorWriter fvecsWriter(OutputStream out, int dimension) {
    return RowWriter.fvecs(Objects.requireNonNull(out, "out"), dimension);
  }

  /** An {@code .fvecs} writer creating or replacing {@code path}. */
  public static VectorWriter fvecsWriter(Path path, int dimension) throws IOException {
    RowWriter.fvecs(OutputStream.nullOutputStream(), dimension); // validate before creating
    return RowWriter.fvecs(new BufferedOutputStream(Files.newOutputStream(path)), dimension);
  }

  /**
   * A float32 {@code .npy} writer of exactly {@code count} vectors on {@code out}, which it owns
   * and closes. The header is written now (format version 1.0, or 2.0 if it were too long for 1.0).
   * The count is required up front so that any stream will do, seekable or not; writing more fails
   * with an {@link IllegalArgumentException} and closing after fewer with an {@link
   * IllegalStateException}, leaving an incomplete file.
   */
  public static VectorWriter npyWriter(OutputStream out, int dimension, long count)
      throws IOException {
    return RowWriter.npy(Objects.requireNonNull(out, "out"), dimension, count);
  }

  /**
   * The {@code .npy} preamble (magic, version, header) of a C-order array of {@code shape} whose
   * NumPy type is {@code descr} as the header writes it: a quoted type string ({@code "'<i8'"}) or
   * a structured type's field list ({@code "[('id', '<i8'), ('score', '<f4')]"}). The array's bytes
   * follow it in the file. Version 1.0, or 2.0 if the header is too long for 1.0.
   *
   * @throws IllegalArgumentException if a dimension of the shape is negative
   */
  public static byte[] npyPreamble(String descr, long... shape) {
    Objects.requireNonNull(descr, "descr");
    for (long n : shape) {
      if (n < 0) {
        throw new IllegalArgumentException("shape: " + java.util.Arrays.toString(shape));
      }
    }
    String joined =
        java.util.Arrays.stream(shape)
            .mapToObj(Long::toString)
            .collect(java.util.stream.Collectors.joining(", "));
    return RowWriter.npyHeaderOfLiteral(
        descr, false, "(" + joined + (shape.length == 1 ? ",)" : ")"));
  }

  /** A float32 {@code .npy} writer creating or replacing {@code path}; see the stream version. */
  public static VectorWriter npyWriter(Path path, int dimension, long count) throws IOException {
    RowWriter.npy(OutputStream.nullOutputStream(), dimension, count); // validate before creating
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(path));
    try {
      return RowWriter.npy(out, dimension, count);
    } catch (IOException | RuntimeException e) {
      closeQuietly(out);
      throw e;
    }
  }

  /**
   * Copies every remaining vector of {@code from} to {@code to}, returning how many; closes
   * neither.
   *
   * @throws IllegalArgumentException if their dimensions differ
   */
  public static long copy(VectorReader from, VectorWriter to) throws IOException {
    if (from.dimension() != to.dimension()) {
      throw new IllegalArgumentException(
          "cannot copy vectors of dimension "
              + from.dimension()
              + " to a writer of dimension "
              + to.dimension());
    }
    int d = from.dimension();
    float[] batch = new float[Math.max(1, FixedRowReader.TARGET_CHUNK_BYTES / 4 / d) * d];
    long total = 0;
    int n;
    while ((n = from.read(batch, 0, batch.length / d)) >= 0) {
      to.write(batch, 0, n);
      total += n;
    }
    return total;
  }

  /**
   * Reads at most {@code maxVectors} vectors of a file into memory; see {@link
   * #readAll(VectorSource, int)}.
   */
  public static LoadedVectors readAll(Path path, int maxVectors) throws IOException {
    return readAll(open(path), maxVectors);
  }

  /**
   * Reads the first {@code maxVectors} vectors of {@code source} (fewer if it has fewer) into one
   * array, for tests and small tools. The array grows as vectors arrive, so a large cap on a small
   * file costs nothing.
   *
   * @throws IllegalArgumentException if {@code maxVectors} is negative, or {@code maxVectors}
   *     vectors of this dimension would exceed {@link Caps#MAX_LOADED_FLOATS}
   */
  public static LoadedVectors readAll(VectorSource source, int maxVectors) throws IOException {
    int d = source.dimension();
    if (maxVectors < 0 || (long) maxVectors * d > Caps.MAX_LOADED_FLOATS) {
      throw new IllegalArgumentException(
          "cannot load "
              + maxVectors
              + " vectors of dimension "
              + d
              + ": at most "
              + Caps.MAX_LOADED_FLOATS / d
              + " fit in one array");
    }
    float[] data = new float[Math.min(maxVectors, Math.max(1, (1 << 16) / d)) * d]; // <= 256 KiB
    int count = 0;
    try (VectorReader reader = source.open()) {
      while (count < maxVectors) {
        if (count * d == data.length) {
          long grown = Math.min((long) maxVectors * d, Math.max(d, 2L * data.length));
          data = Arrays.copyOf(data, (int) grown);
        }
        int n = reader.read(data, count * d, data.length / d - count);
        if (n < 0) {
          break;
        }
        count += n;
      }
    }
    return new LoadedVectors(count * d == data.length ? data : Arrays.copyOf(data, count * d), d);
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // already failing; the first exception is the one to report
    }
  }
}
