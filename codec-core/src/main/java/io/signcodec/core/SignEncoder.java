package io.signcodec.core;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.Parallel;
import io.signcodec.core.internal.form.CodebookForm;
import java.util.Objects;

/**
 * Encodes float vectors to packed sign codes with a {@link Codebook}: {@code z = sign(B (x − μ))},
 * packed as described in {@link SignCodes}; for a multi-stage codebook, stage by stage on the
 * residual the earlier stages leave.
 *
 * <p>Thread-safe: one instance may be shared by any number of threads. Methods write into arrays
 * owned by the caller and allocate nothing per vector (each thread keeps one scratch block).
 * Single-vector and batch calls produce identical bits. Large batches are split across the common
 * fork-join pool unless the encoder was built with {@code parallel(false)}.
 *
 * <p>Input is validated before anything is written: a wrong length, a NaN or infinite component, or
 * a vector so large that one of its projections overflows float32 (components near ±3.4e38; see
 * {@link VectorChecks#checkEncodable}) throws {@link IllegalArgumentException} naming the vector
 * (its index in the batch) and the component or projection, and leaves the output untouched.
 */
public final class SignEncoder extends BatchCoder {
  /** The form's tiles, one per thread, as each owns scratch. */
  private final ThreadLocal<CodebookForm.TileEncoder> tiles;

  private SignEncoder(Builder options) {
    super(options);
    CodebookForm form = codebook.form();
    LevelSearch search = options.search;
    this.tiles = ThreadLocal.withInitial(() -> form.newTileEncoder(search));
  }

  /** An encoder that uses the common pool for large batches. */
  public static SignEncoder of(Codebook codebook) {
    return builder(codebook).build();
  }

  public static Builder builder(Codebook codebook) {
    return new Builder(codebook);
  }

  /** Options for a {@link SignEncoder}. */
  public static final class Builder extends BatchCoder.Builder<Builder, SignEncoder> {
    private LevelSearch search = LevelSearch.NEAREST;

    private Builder(Codebook codebook) {
      super(codebook, SignEncoder::new);
    }

    /**
     * How the bits of a direction with several are chosen, for allocated codebooks (default {@link
     * LevelSearch#NEAREST}, the search docs/FORMAT.md §1.1 defines codes by). The decoder is the
     * same either way, and nothing records which search made a code: codes are reproducible from
     * the codebook alone only with the default.
     */
    public Builder levelSearch(LevelSearch search) {
      this.search = java.util.Objects.requireNonNull(search, "search");
      return this;
    }
  }

  /** Encodes one vector of {@link #dimension()} floats at {@code src[srcOff..]}. */
  public void encode(float[] src, int srcOff, byte[] dst, int dstOff) {
    encode(src, srcOff, dst, dstOff, 1);
  }

  /** Encodes {@code vector} (exactly {@link #dimension()} floats) into a new array. */
  public byte[] encode(float[] vector) {
    VectorChecks.checkDimension("vector", vector, dimension);
    byte[] code = new byte[codeBytes];
    encode(vector, 0, code, 0, 1);
    return code;
  }

  /**
   * Encodes {@code count} vectors stored row-major at {@code src[srcOff..]} into {@code count}
   * consecutive codes at {@code dst[dstOff..]}.
   */
  public void encode(float[] src, int srcOff, byte[] dst, int dstOff, int count) {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Checks.checkRange("src", src.length, srcOff, count, dimension);
    Checks.checkRange("dst", dst.length, dstOff, count, codeBytes);
    VectorChecks.checkEncodable(codebook, src, srcOff, count, 0);
    Parallel.forRange(
        count,
        GRAIN,
        parallel,
        (from, to) ->
            tiles
                .get()
                .encode(src, srcOff + from * dimension, dst, dstOff + from * codeBytes, to - from));
  }
}
