package io.signcodec.core;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.Parallel;
import io.signcodec.core.internal.form.CodebookForm;
import java.util.Objects;

/**
 * Decodes packed sign codes with a {@link Codebook}: {@code x̂ = μ + A z}, one linear map; for
 * codes with a per-vector gain ({@link Codebook#gainBits()}), {@code x̂ = μ + ŝ A z}.
 *
 * <p>Thread-safe and allocation-free per vector, like {@link SignEncoder}. Every code decodes: the
 * padding bits of the last byte are ignored (see {@link SignCodes}). Single-code and batch calls
 * give bit-identical floats.
 */
public final class LinearDecoder extends BatchCoder {
  /** The form's tiles, one per thread, as each owns scratch. */
  private final ThreadLocal<CodebookForm.TileDecoder> tiles;

  private LinearDecoder(Builder options) {
    super(options);
    CodebookForm form = codebook.form();
    this.tiles = ThreadLocal.withInitial(form::newTileDecoder);
  }

  /** A decoder that uses the common pool for large batches. */
  public static LinearDecoder of(Codebook codebook) {
    return builder(codebook).build();
  }

  public static Builder builder(Codebook codebook) {
    return new Builder(codebook);
  }

  /** Options for a {@link LinearDecoder}. */
  public static final class Builder extends BatchCoder.Builder<Builder, LinearDecoder> {
    private Builder(Codebook codebook) {
      super(codebook, LinearDecoder::new);
    }
  }

  /** Decodes one code at {@code src[srcOff..]} into {@link #dimension()} floats at {@code dst}. */
  public void decode(byte[] src, int srcOff, float[] dst, int dstOff) {
    decode(src, srcOff, dst, dstOff, 1);
  }

  /** Decodes one code ({@link #codeBytes()} bytes) into a new array. */
  public float[] decode(byte[] code) {
    VectorChecks.checkCodeLength("code", code, codeBytes);
    float[] out = new float[dimension];
    decode(code, 0, out, 0, 1);
    return out;
  }

  /** Decodes {@code count} consecutive codes into {@code count} row-major vectors. */
  public void decode(byte[] src, int srcOff, float[] dst, int dstOff, int count) {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Checks.checkRange("src", src.length, srcOff, count, codeBytes);
    Checks.checkRange("dst", dst.length, dstOff, count, dimension);
    Parallel.forRange(
        count,
        GRAIN,
        parallel,
        (from, to) ->
            tiles
                .get()
                .decode(src, srcOff + from * codeBytes, dst, dstOff + from * dimension, to - from));
  }
}
