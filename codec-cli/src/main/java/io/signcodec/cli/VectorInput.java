package io.signcodec.cli;

import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.VectorSource;
import io.signcodec.core.vectors.VectorFileOptions;
import io.signcodec.core.vectors.VectorFiles;
import io.signcodec.core.vectors.VectorFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --input FILE [--key NAME] [--dim D] [--format FORMAT]} options of commands that read
 * vectors. {@code --input -} is standard input.
 */
final class VectorInput {
  /** The {@code --format} names. */
  private static final Map<String, VectorFormat> FORMATS = orderedFormats();

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      order = 1,
      description =
          "Vectors: .fvecs, .bvecs, .npy, .npz, or raw float32 with --dim; "
              + "optionally gzip, bzip2, xz or zstd compressed; - for standard input.")
  Path path;

  @Option(
      names = "--key",
      paramLabel = "NAME",
      order = 2,
      description = "The .npz array to read (default: the first).")
  String key;

  @Option(
      names = "--dim",
      paramLabel = "D",
      order = 3,
      description =
          "Vector dimension: required for raw float32 (any other file name), "
              + "a check for the other formats.")
  Integer dim;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      order = 3,
      description =
          "The input's format instead of the one its name says, for standard input "
              + "or a pipe: fvecs, bvecs, npy, npz or raw (float32, with --dim).")
  String format;

  private static Map<String, VectorFormat> orderedFormats() {
    Map<String, VectorFormat> formats = new LinkedHashMap<>();
    formats.put("fvecs", VectorFormat.FVECS);
    formats.put("bvecs", VectorFormat.BVECS);
    formats.put("npy", VectorFormat.NPY);
    formats.put("npz", VectorFormat.NPZ);
    formats.put("raw", VectorFormat.RAW_FLOAT32);
    return formats;
  }

  /** How messages call the input: its path as given, or "standard input" for {@code -}. */
  String name() {
    return CliFiles.inputName(path);
  }

  /** Whether the input is standard input or a pipe, which a command can read only once. */
  boolean readableOnce() {
    return CliFiles.readableOnce(path);
  }

  /**
   * Opens the input as a source. A file is re-readable; standard input and pipes give a source that
   * can be opened once. A name without a known extension is raw float32 and needs {@code --dim},
   * unless {@code --format} says otherwise.
   *
   * @throws ParameterException if the options are unusable (exit status 2)
   * @throws DataException if the file cannot be read (exit status 1)
   */
  VectorSource open(CommandLine cmd) {
    VectorFileOptions options = VectorFileOptions.defaults();
    if (key != null) {
      options = options.withNpzKey(key);
    }
    if (dim != null) {
      if (dim < 1 || dim > Caps.MAX_DIMENSION) {
        throw new ParameterException(
            cmd,
            "Invalid value for option '--dim': must be in 1.."
                + Caps.MAX_DIMENSION
                + ", was "
                + dim);
      }
      options = options.withDimension(dim);
    }
    VectorFormat vectorFormat = vectorFormat(cmd);
    options = options.withFormat(vectorFormat);
    try {
      if (!readableOnce()) {
        return VectorFiles.open(path, options);
      }
      InputStream in = CliFiles.openInput(path, SignCodecCli.standardInput(cmd));
      return VectorSource.readOnce(
          VectorFiles.reader(in, CliFiles.libraryName(path), vectorFormat, options), name());
    } catch (IOException | IllegalArgumentException e) {
      throw dataError(e);
    }
  }

  /** The format from {@code --format}, else from the name; raw float32 needs {@code --dim}. */
  private VectorFormat vectorFormat(CommandLine cmd) {
    if (format != null) {
      VectorFormat named = FORMATS.get(format.toLowerCase(Locale.ROOT));
      if (named == null) {
        throw new ParameterException(
            cmd,
            "Invalid value for option '--format': '"
                + format
                + "' is not one of "
                + String.join(", ", FORMATS.keySet()));
      }
      if (named == VectorFormat.RAW_FLOAT32 && dim == null) {
        throw new ParameterException(cmd, "--format raw needs the dimension: give it with --dim");
      }
      return named;
    }
    Optional<VectorFormat> fromName =
        CliFiles.isStandardStream(path)
            ? Optional.empty()
            : VectorFormat.fromFileName(CliFiles.libraryName(path));
    if (fromName.isPresent()) {
      return fromName.get();
    }
    if (dim == null) {
      throw new ParameterException(
          cmd,
          "Cannot tell the format of "
              + (CliFiles.isStandardStream(path)
                  ? "standard input (--input -)"
                  : "'"
                      + path
                      + "' from its name (.fvecs, .bvecs, .npy or .npz, optionally .gz, "
                      + ".bz2, .xz or .zst)")
              + "; give it with --format, or for raw float32 the dimension with --dim");
    }
    return VectorFormat.RAW_FLOAT32;
  }

  /**
   * The problem {@code failure} reports about this input, in the command line's terms: the core's
   * messages name its Java options, which on the command line are {@code --dim} and {@code
   * --format}. A {@link DataException} (about another file) is returned as is.
   */
  DataException dataError(Throwable failure) {
    if (failure instanceof DataException) {
      return (DataException) failure;
    }
    DataException plain = CliFiles.inputError(path, failure);
    String problem =
        plain
            .problem()
            .replace("VectorFileOptions.withDimension", "--dim")
            .replace("VectorFileOptions.withFormat", "--format");
    return new DataException(name(), problem, failure);
  }

  /** Receives one batch of vectors, all finite. */
  @FunctionalInterface
  interface BatchConsumer {
    void accept(float[] vectors, int count);
  }

  /**
   * Reads {@code source} (this input, possibly limited) in batches of {@code batchVectors},
   * rejecting non-finite components, and returns the number of vectors read. Read errors become
   * {@link DataException}s about this file.
   */
  long forEachBatch(
      VectorSource source, int batchVectors, BatchConsumer consumer, LongConsumer progress) {
    try {
      return source.forEachBatch(batchVectors, consumer::accept, progress);
    } catch (IOException | IllegalArgumentException e) {
      throw dataError(e);
    }
  }

  /**
   * Opens the input, as {@link #open(CommandLine)}, for coding with {@code codebook} (read from
   * {@code codebookPath}): a {@link DataException} unless its vectors have the codebook's
   * dimension.
   */
  VectorSource open(CommandLine cmd, Codebook codebook, Path codebookPath) {
    VectorSource source = open(cmd);
    if (source.dimension() != codebook.dimension()) {
      throw new DataException(
          name(),
          "vectors have dimension "
              + source.dimension()
              + ", but codebook "
              + codebookPath
              + " is for dimension "
              + codebook.dimension());
    }
    return source;
  }
}
