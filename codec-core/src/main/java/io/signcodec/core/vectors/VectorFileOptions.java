package io.signcodec.core.vectors;

import io.signcodec.core.Caps;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How {@link VectorFiles} reads a vector file: an immutable value, built from {@link #defaults()}
 * with the {@code with...} methods.
 *
 * <p>All settings are optional except the dimension of {@link VectorFormat#RAW_FLOAT32} input,
 * which the bytes do not record.
 */
public final class VectorFileOptions {
  private static final VectorFileOptions DEFAULTS = new VectorFileOptions(null, null, 0, true);

  private final VectorFormat format;
  private final String npzKey;
  private final int dimension;
  private final boolean detectCompression;

  private VectorFileOptions(
      VectorFormat format, String npzKey, int dimension, boolean detectCompression) {
    this.format = format;
    this.npzKey = npzKey;
    this.dimension = dimension;
    this.detectCompression = detectCompression;
  }

  /** No format override, first npz member, no dimension, compression detection on. */
  public static VectorFileOptions defaults() {
    return DEFAULTS;
  }

  /** Reads the file as {@code format} instead of deciding from its name. */
  public VectorFileOptions withFormat(VectorFormat format) {
    return new VectorFileOptions(
        Objects.requireNonNull(format, "format"), npzKey, dimension, detectCompression);
  }

  /**
   * Selects the {@code .npz} member to read by its NumPy key: the member name without the {@code
   * .npy} suffix (the full member name is accepted too). By default the first member is read. Other
   * formats ignore it.
   */
  public VectorFileOptions withNpzKey(String key) {
    return new VectorFileOptions(
        format, Objects.requireNonNull(key, "key"), dimension, detectCompression);
  }

  /**
   * The vector dimension. Required for {@link VectorFormat#RAW_FLOAT32}; for the other formats it
   * is a check (a file of another dimension is rejected as malformed) and lets an empty {@code
   * .fvecs}/{@code .bvecs} file, which records no dimension, be read as zero vectors.
   *
   * @throws IllegalArgumentException unless {@code 1 <= dimension <= Caps.MAX_DIMENSION}
   */
  public VectorFileOptions withDimension(int dimension) {
    if (dimension < 1 || dimension > Caps.MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "dimension must be in 1.." + Caps.MAX_DIMENSION + ": " + dimension);
    }
    return new VectorFileOptions(format, npzKey, dimension, detectCompression);
  }

  /**
   * Whether to look for a gzip, bzip2, xz or zstd magic number at the start of the input (default
   * on). Turn it off only for {@link VectorFormat#RAW_FLOAT32} data whose first float happens to
   * encode such a magic number; the other formats cannot start with one.
   */
  public VectorFileOptions withCompressionDetection(boolean detect) {
    return new VectorFileOptions(format, npzKey, dimension, detect);
  }

  public Optional<VectorFormat> format() {
    return Optional.ofNullable(format);
  }

  public Optional<String> npzKey() {
    return Optional.ofNullable(npzKey);
  }

  public OptionalInt dimension() {
    return dimension == 0 ? OptionalInt.empty() : OptionalInt.of(dimension);
  }

  public boolean compressionDetection() {
    return detectCompression;
  }

  @Override
  public String toString() {
    return "VectorFileOptions[format="
        + format
        + ", npzKey="
        + npzKey
        + ", dimension="
        + (dimension == 0 ? "unset" : dimension)
        + ", detectCompression="
        + detectCompression
        + "]";
  }
}
