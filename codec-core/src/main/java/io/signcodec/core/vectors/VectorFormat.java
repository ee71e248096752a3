package io.signcodec.core.vectors;

import java.util.Locale;
import java.util.Optional;

/**
 * The vector file layouts {@link VectorFiles} reads. Compression (gzip, bzip2, xz, zstd) is not a
 * format: it is detected from the first bytes of any input, whatever its format.
 */
public enum VectorFormat {
  /** Per vector: int32 little-endian dimension {@code d}, then {@code d} float32 little-endian. */
  FVECS,
  /** Per vector: int32 little-endian dimension {@code d}, then {@code d} unsigned bytes. */
  BVECS,
  /** A NumPy {@code .npy} array of shape {@code (n, d)} or {@code (d,)}, format version 1 to 3. */
  NPY,
  /** A NumPy {@code .npz} zip of {@code .npy} members, one of which is read. */
  NPZ,
  /**
   * Headerless float32 little-endian values, row-major; the dimension must be given in {@link
   * VectorFileOptions#withDimension(int)} because the file does not record it.
   */
  RAW_FLOAT32;

  private static final String[] COMPRESSION_SUFFIXES = {
    ".gz", ".gzip", ".bz2", ".xz", ".zst", ".zstd"
  };

  /**
   * The format a file name announces: {@code .fvecs}, {@code .bvecs}, {@code .npy} or {@code .npz},
   * case-insensitively, after dropping one compression suffix ({@code .gz}, {@code .gzip}, {@code
   * .bz2}, {@code .xz}, {@code .zst}, {@code .zstd}). Raw float32 files have no standard extension
   * and are never guessed.
   *
   * <p>Only the format is taken from the name; whether the bytes are compressed is decided by their
   * magic number, so a gzip file named {@code x.fvecs} still reads.
   */
  public static Optional<VectorFormat> fromFileName(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    for (String suffix : COMPRESSION_SUFFIXES) {
      if (name.endsWith(suffix)) {
        name = name.substring(0, name.length() - suffix.length());
        break;
      }
    }
    if (name.endsWith(".fvecs")) {
      return Optional.of(FVECS);
    } else if (name.endsWith(".bvecs")) {
      return Optional.of(BVECS);
    } else if (name.endsWith(".npy")) {
      return Optional.of(NPY);
    } else if (name.endsWith(".npz")) {
      return Optional.of(NPZ);
    }
    return Optional.empty();
  }
}
