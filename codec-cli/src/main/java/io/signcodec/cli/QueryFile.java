package io.signcodec.cli;

import io.signcodec.core.Codebook;
import io.signcodec.core.SearchRecall;
import io.signcodec.core.VectorChecks;
import io.signcodec.core.VectorReader;
import io.signcodec.core.vectors.VectorFileOptions;
import io.signcodec.core.vectors.VectorFiles;
import io.signcodec.core.vectors.VectorFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The query vectors of {@code eval --queries FILE} and {@code search --queries FILE}, read whole
 * into memory. The format comes from the name as for {@code --input} (.fvecs, .bvecs, .npy, .npz
 * with the array {@code --queries-key} names or its first, optionally compressed); any other name
 * is raw float32 of the codebook's dimension, which the queries must have anyway. A pipe is read
 * once, like any file.
 */
final class QueryFile {
  /** Most queries eval reads. */
  static final int MAX_QUERIES = 100_000;

  /**
   * Most bytes the queries and what the search keeps for each ({@link SearchRecall#bytesPerQuery})
   * may take together; at d = n = 768 and k = 10, about 115 000 queries' worth.
   */
  static final long MAX_BYTES = 1L << 30;

  private static final int BATCH = 1024;

  private QueryFile() {}

  /** How many queries eval holds for this codebook and k: both caps above. */
  static int maxQueries(Codebook codebook, int k) {
    long perQuery = 4L * codebook.dimension() + SearchRecall.bytesPerQuery(codebook, k);
    return (int) Math.min(MAX_QUERIES, MAX_BYTES / perQuery);
  }

  /**
   * Reads the queries for {@code command} (from the npz array {@code npzKey}, or the first if
   * null), row-major, checking that they are finite, have the codebook's dimension and are no more
   * than {@link #maxQueries}.
   *
   * @throws DataException about the file if it is unreadable, empty, too large or does not match
   */
  static float[] read(
      Path path, String npzKey, Codebook codebook, Path codebookPath, int k, String command) {
    String name = CliFiles.inputName(path);
    int d = codebook.dimension();
    int max = maxQueries(codebook, k);
    float[] queries = new float[Math.min(max, BATCH) * d];
    int count = 0;
    try (VectorReader reader = open(path, npzKey, "queries", codebook, codebookPath)) {
      while (true) {
        if (count == queries.length / d) {
          if (count == max) {
            // One more vector tells a file of exactly max queries from a larger one.
            if (reader.read(new float[d], 0, 1) < 0) {
              break;
            }
            throw new DataException(
                name,
                "has more than "
                    + max
                    + " queries, the most "
                    + command
                    + " holds in memory (at most "
                    + MAX_QUERIES
                    + ", and their vectors and search "
                    + "state within "
                    + (MAX_BYTES >> 30)
                    + " GiB at "
                    + (4L * d + SearchRecall.bytesPerQuery(codebook, k))
                    + " bytes each for k = "
                    + k
                    + ")");
          }
          queries = Arrays.copyOf(queries, Math.min(max, 2 * count) * d);
        }
        int n = reader.read(queries, count * d, queries.length / d - count);
        if (n < 0) {
          break;
        }
        VectorChecks.checkFinite(queries, count * d, n, d, count);
        count += n;
      }
    } catch (IOException | IllegalArgumentException e) {
      throw CliFiles.inputError(path, e);
    }
    if (count == 0) {
      throw new DataException(name, "contains no vectors");
    }
    return count * d == queries.length ? queries : Arrays.copyOf(queries, count * d);
  }

  /**
   * A reader of the vectors in {@code path} (the npz array {@code npzKey}, or the first if null),
   * in the format its name says, raw float32 of the codebook's dimension if none, which {@code
   * what} ("queries", "vectors") must have.
   *
   * @throws DataException about the file if its vectors have another dimension
   */
  static VectorReader open(
      Path path, String npzKey, String what, Codebook codebook, Path codebookPath)
      throws IOException {
    int d = codebook.dimension();
    VectorFormat format =
        VectorFormat.fromFileName(CliFiles.libraryName(path)).orElse(VectorFormat.RAW_FLOAT32);
    VectorFileOptions options = VectorFileOptions.defaults().withFormat(format);
    if (npzKey != null) {
      options = options.withNpzKey(npzKey);
    }
    if (format == VectorFormat.RAW_FLOAT32) {
      options = options.withDimension(d);
    }
    VectorReader reader = open(path, format, options);
    if (reader.dimension() != d) {
      int found = reader.dimension();
      reader.close();
      throw new DataException(
          CliFiles.inputName(path),
          what
              + " have dimension "
              + found
              + ", but codebook "
              + codebookPath
              + " is for dimension "
              + d);
    }
    return reader;
  }

  /**
   * A usage error if {@code file}, given to {@code option}, is standard input or the pipe given to
   * {@code inputOption} as {@code input} (each can be read only once, and is that option's).
   */
  static void refuseInputStream(
      CliCommand command, String option, Path file, String inputOption, Path input, String what) {
    if (CliFiles.isStandardStream(file)) {
      throw command.usage(
          "Invalid value for option '"
              + option
              + "': standard input (-) is for "
              + inputOption
              + "; give the "
              + what
              + " as a file");
    }
    if (CliFiles.readableOnce(input) && CliFiles.sameFile(file, input)) {
      throw command.usage(
          "Invalid value for option '"
              + option
              + "': '"
              + file
              + "' is the pipe given to "
              + inputOption
              + ", which can be read only once");
    }
  }

  /** A reader over the file: re-openable files through the library, pipes as one stream. */
  private static VectorReader open(Path path, VectorFormat format, VectorFileOptions options)
      throws IOException {
    if (!CliFiles.readableOnce(path)) {
      return VectorFiles.open(path, options).open();
    }
    // Standard input is --input's; eval refuses "--queries -" before this.
    InputStream in = CliFiles.openInput(path, InputStream.nullInputStream());
    return VectorFiles.reader(in, CliFiles.libraryName(path), format, options);
  }
}
