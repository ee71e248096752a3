package io.signcodec.core;

/**
 * Every size cap of the library in one place: what codebooks, containers, vector files and
 * in-memory loads may declare or hold. Readers check each length or count an input declares against
 * these before they allocate anything from it, so that a short hostile input cannot ask for a huge
 * buffer; writers and builders refuse what a reader would refuse.
 */
public final class Caps {
  private Caps() {}

  /**
   * Largest vector dimension: of a codebook, a container, a frame and a vector file, and of the
   * arguments naming one. It also bounds the per-row buffer of a vector file reader (at most 512
   * KiB, for float64 npy) that a hostile dimension field could otherwise inflate.
   */
  public static final int MAX_DIMENSION = 65_536;

  /** Most stages a codebook may have. */
  public static final int MAX_STAGES = 64;

  /**
   * Most bits of one direction of an allocated codebook ({@link Codebook#allocated}), and so most
   * stages of one: its stage k holds bit k of the directions that have one. Above {@value
   * #MAX_PLAIN_DEPTH} only with a gain searched jointly with the directions (format version 6).
   */
  public static final int MAX_DEPTH = 16;

  /**
   * Most bits of one direction of an allocated codebook without a jointly searched gain (format
   * versions 4 and 5).
   */
  public static final int MAX_PLAIN_DEPTH = 8;

  /** Most bits per coordinate of a multi-stage codebook (a single stage has at most 2). */
  public static final int MAX_STAGED_RATE = 8;

  /** Most bits per coordinate of a single-stage codebook. */
  public static final int MAX_SINGLE_STAGE_RATE = 2;

  /** Largest n·d of a codebook: 2^26 elements, 256 MiB per float32 matrix. */
  public static final long MAX_MATRIX_ELEMENTS = 1L << 26;

  /** Largest code payload of one container block or frame block: 16 MiB. */
  public static final int MAX_BLOCK_BYTES = 1 << 24;

  /** Largest {@code .npy} header, in bytes, read into memory (NumPy itself writes under 100). */
  public static final int MAX_NPY_HEADER_LENGTH = 1 << 20;

  /**
   * Most floats {@link io.signcodec.core.vectors.VectorFiles#readAll} puts in one array: the
   * largest array length the JVM reliably allocates.
   */
  public static final int MAX_LOADED_FLOATS = Integer.MAX_VALUE - 8;

  /**
   * Memory limit handed to decompressors that have one (xz), in KiB: 256 MiB, enough for any preset
   * of {@code xz -9}.
   */
  public static final int DECOMPRESSION_MEMORY_LIMIT_KIB = 256 * 1024;

  /**
   * Largest code length for a dimension and number of stages: 2d for one stage, 8d for more, within
   * {@link #MAX_MATRIX_ELEMENTS}.
   */
  public static int maxBits(int dimension, int stages) {
    long rate = stages == 1 ? MAX_SINGLE_STAGE_RATE : MAX_STAGED_RATE;
    return (int) Math.min(rate * dimension, MAX_MATRIX_ELEMENTS / dimension);
  }

  /**
   * Largest code length any codebook of this dimension may have, whatever its form or number of
   * stages: {@code min(8d, 2^26 / d)}. Containers and frames accept exactly this, so that every
   * codebook's codes can be written and read back.
   */
  public static int maxCodeBits(int dimension) {
    return maxBits(dimension, MAX_STAGES);
  }

  /** Most vectors one block may hold for codes of {@code codeBytes} bytes. */
  public static int maxBlockVectors(int codeBytes) {
    return MAX_BLOCK_BYTES / codeBytes;
  }
}
