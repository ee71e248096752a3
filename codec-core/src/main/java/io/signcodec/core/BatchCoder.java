package io.signcodec.core;

import java.util.Objects;
import java.util.function.Function;

/**
 * What {@link SignEncoder} and {@link LinearDecoder} share: the codebook, its sizes, and whether
 * large batches may be split across the common fork-join pool ({@link Builder#parallel}).
 */
public abstract sealed class BatchCoder permits SignEncoder, LinearDecoder {
  /** Vectors per parallel chunk; below two chunks' worth a batch runs on the calling thread. */
  static final int GRAIN = 128;

  final Codebook codebook;

  /** The codebook's sizes, kept as fields for the batch methods' checks. */
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

  /** The codebook this encodes or decodes with. */
  public Codebook codebook() {
    return codebook;
  }

  /** Dimension d of the vectors: the codebook's. */
  public int dimension() {
    return codebook.dimension();
  }

  /** Bits n of a code: the codebook's. */
  public int bits() {
    return codebook.bits();
  }

  /** Bytes of a code, {@code ceil(n / 8)}: the codebook's. */
  public int codeBytes() {
    return codebook.codeBytes();
  }

  /**
   * Options of an encoder or decoder.
   *
   * @param <B> the builder's own type, which the setters return
   * @param <C> what it builds
   */
  public abstract static sealed class Builder<B extends Builder<B, C>, C>
      permits SignEncoder.Builder, LinearDecoder.Builder {
    private final Codebook codebook;
    private final Function<B, C> constructor;
    private boolean parallel = true;

    Builder(Codebook codebook, Function<B, C> constructor) {
      this.codebook = Objects.requireNonNull(codebook, "codebook");
      this.constructor = constructor;
    }

    /** Whether large batches may use the common fork-join pool (default true). */
    public B parallel(boolean parallel) {
      this.parallel = parallel;
      return self();
    }

    @SuppressWarnings("unchecked") // B is this builder's own class, as its declaration says
    private B self() {
      return (B) this;
    }

    /** The encoder or decoder with these options. */
    public C build() {
      return constructor.apply(self());
    }
  }
}
