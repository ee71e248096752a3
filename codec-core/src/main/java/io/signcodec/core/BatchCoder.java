package io.signcodec.core;

import java.util.Objects;

/**
 * What {@link SignEncoder} and {@link LinearDecoder} share: the codebook, its sizes, and whether
 * large batches may be split across the common fork-join pool.
 */
abstract sealed class BatchCoder permits SignEncoder, LinearDecoder {
  /** Vectors per parallel chunk; below two chunks' worth a batch runs on the calling thread. */
  static final int GRAIN = 128;

  final Codebook codebook;
  final int dimension;
  final int bits;
  final int codeBytes;
  final boolean parallel;

  BatchCoder(Builder<?, ?> options) {
    this.codebook = options.codebook;
    this.dimension = codebook.dimension();
    this.bits = codebook.bits();
    this.codeBytes = codebook.codeBytes();
    this.parallel = options.parallel;
  }

  public Codebook codebook() {
    return codebook;
  }

  /** Dimension d of the vectors. */
  public int dimension() {
    return dimension;
  }

  /** Bits n of a code. */
  public int bits() {
    return bits;
  }

  /** Bytes of a code, {@code ceil(n / 8)}. */
  public int codeBytes() {
    return codeBytes;
  }

  /** Options of an encoder or decoder. */
  abstract static class Builder<B extends Builder<B, T>, T> {
    private final Codebook codebook;
    private boolean parallel = true;

    Builder(Codebook codebook) {
      this.codebook = Objects.requireNonNull(codebook, "codebook");
    }

    /** Whether large batches may use the common fork-join pool (default true). */
    public B parallel(boolean parallel) {
      this.parallel = parallel;
      return self();
    }

    abstract B self();

    public abstract T build();
  }
}
