package io.signcodec.cli;

import io.signcodec.core.vectors.VectorFileOptions;
import io.signcodec.core.vectors.VectorFiles;
import io.signcodec.core.vectors.VectorFormat;
import io.signcodec.core.vectors.VectorReader;
import io.signcodec.core.vectors.VectorSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The {@code --input FILE [--key NAME] [--dim D]} options of commands that read vectors. */
final class VectorInput {
  @Option(names = "--input", required = true, paramLabel = "FILE", order = 1,
      description = "Vectors: .fvecs, .bvecs, .npy, .npz, or raw float32 with --dim; "
          + "optionally gzip, bzip2, xz or zstd compressed.")
  Path path;

  @Option(names = "--key", paramLabel = "NAME", order = 2,
      description = "The .npz array to read (default: the first).")
  String key;

  @Option(names = "--dim", paramLabel = "D", order = 3,
      description = "Vector dimension: required for raw float32 (any other file name), "
          + "a check for the other formats.")
  Integer dim;

  /**
   * Opens the file as a re-readable source. A name without a known extension is raw float32 and
   * needs {@code --dim}.
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
      if (dim < 1 || dim > VectorFiles.MAX_DIMENSION) {
        throw new ParameterException(cmd, "Invalid value for option '--dim': must be in 1.."
            + VectorFiles.MAX_DIMENSION + ", was " + dim);
      }
      options = options.withDimension(dim);
    }
    Path name = path.getFileName();
    if (VectorFormat.fromFileName(name == null ? path.toString() : name.toString()).isEmpty()) {
      if (dim == null) {
        throw new ParameterException(cmd, "Cannot tell the format of '" + path + "' from its name"
            + " (.fvecs, .bvecs, .npy or .npz, optionally .gz, .bz2, .xz or .zst);"
            + " for raw float32 give the dimension with --dim");
      }
      options = options.withFormat(VectorFormat.RAW_FLOAT32);
    }
    try {
      return VectorFiles.open(path, options);
    } catch (IOException | IllegalArgumentException e) {
      throw DataException.of(path, e);
    }
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
  long forEachBatch(VectorSource source, int batchVectors, BatchConsumer consumer,
      LongConsumer progress) {
    int d = source.dimension();
    float[] batch = new float[batchVectors * d];
    long total = 0;
    try (VectorReader reader = source.open()) {
      int n;
      while ((n = reader.read(batch, 0, batchVectors)) >= 0) {
        checkFinite(batch, n, d, total);
        consumer.accept(batch, n);
        total += n;
        progress.accept(total);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw DataException.of(path, e);
    }
    return total;
  }

  private void checkFinite(float[] batch, int count, int d, long first) {
    try {
      io.signcodec.core.kernel.Checks.checkFinite(batch, 0, count, d, first);
    } catch (IllegalArgumentException e) {
      throw new DataException(path, e.getMessage());
    }
  }

  /** Fails unless the file's vectors have the codebook's dimension. */
  void checkDimension(VectorSource source, io.signcodec.core.Codebook codebook, Path codebookPath) {
    if (source.dimension() != codebook.dimension()) {
      throw new DataException(path, "vectors have dimension " + source.dimension() + ", but codebook "
          + codebookPath + " is for dimension " + codebook.dimension());
    }
  }
}
