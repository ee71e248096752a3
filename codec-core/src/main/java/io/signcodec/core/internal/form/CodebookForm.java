package io.signcodec.core.internal.form;

import io.signcodec.core.LevelSearch;

/**
 * How a codebook's maps are represented: what {@link Codebook} delegates to, one implementation per
 * form. Each owns the tiles that encode and decode batches, the weights that score codes and the
 * scratch all of these need; the encoder, decoder and scorer choose nothing themselves. The file
 * format reads and writes each form's body ({@code io.signcodec.core.internal.format}).
 *
 * <p>Immutable. The tile objects it makes are per thread.
 */
public sealed interface CodebookForm permits DenseForm, StructuredForm, AllocatedForm {

  /** Encodes batches of vectors; one per thread, as it owns scratch. */
  interface TileEncoder {
    /** Encodes {@code count} validated vectors, overwriting {@code count} codes. */
    void encode(float[] src, int srcOff, byte[] dst, int dstOff, int count);
  }

  /** Decodes batches of codes; one per thread, as it owns scratch. */
  interface TileDecoder {
    void decode(byte[] src, int srcOff, float[] dst, int dstOff, int count);
  }

  TileEncoder newTileEncoder(LevelSearch search);

  /**
   * The projections of the vector at {@code x[off..]}, as the tile encoders compute them, to the
   * bit (docs/FORMAT.md §1.1): {@code p_0 … p_{n−1}}, whose signs are the code bits, or for an
   * allocated codebook {@code y_0 … y_{m−1}}, one per direction. One vector at a time: what the
   * encoder looks at when a vector is too large for {@link #safeMagnitude} to vouch for it.
   */
  float[] projections(float[] x, int off);

  /**
   * A magnitude below which no component can make a projection overflow: if every {@code |x_t| ≤
   * safeMagnitude()}, every projection (and every value the encoder computes on the way) is finite.
   * Zero or negative if no input is safe without looking.
   */
  double safeMagnitude();

  /**
   * The {@link #safeMagnitude} of a form in which every value the encoder computes is at most
   * {@code gain · (max_t |x_t − μ_t| + offset)} in exact arithmetic. The margin of 4 covers the
   * roundings: each is a factor of at most 1 + 2^-24, and no value goes through more than 2^17 of
   * them (d terms of a projection, n of a residual), a factor below 1.01.
   */
  static double safeMagnitude(double gain, double offset, float[] mean) {
    double largest = 0;
    for (float v : mean) {
      largest = Math.max(largest, Math.abs(v));
    }
    return Float.MAX_VALUE / (4 * Math.max(gain, 1)) - offset - largest;
  }

  TileDecoder newTileDecoder();

  /**
   * {@code w = Aᵀ q}: the weight of each code bit in {@code ⟨q, A z⟩}, in double precision (an
   * allocated codebook with a dense basis forms its projections {@code u_i · q} in float32, with
   * the encoder's kernel, and scales them in double).
   */
  double[] decoderWeights(float[] query);

  /**
   * {@link #decoderWeights} from a cheaper projection, for quantized queries: for every code, the
   * scores {@code Σ_j w_j s_j} ({@code s_j = ±1}) of these weights and of {@link #decoderWeights}'
   * differ by at most {@code ‖q‖ ·} {@link #approximationError}, up to float rounding. By default
   * the exact weights.
   */
  default double[] approximateWeights(float[] query) {
    return decoderWeights(query);
  }

  /** The bound of {@link #approximateWeights} per unit of {@code ‖q‖}; 0 by default. */
  default double approximationError() {
    return 0;
  }

  /** The encoder B, n×d row-major, as a new array. */
  float[] denseEncoder();

  /** The decoder A, d×n row-major, as a new array. */
  float[] denseDecoder();

  /**
   * {@code A = Bᵀ diag(scales)} (d×n) from the encoder B (n×d): the decoder of the forms whose bit
   * j is decoded along its own encoder row, times that bit's scale.
   */
  static float[] scaledTranspose(float[] encoder, int bits, int dimension, float[] scales) {
    float[] a = new float[dimension * bits];
    for (int j = 0; j < bits; j++) {
      for (int t = 0; t < dimension; t++) {
        a[t * bits + j] = scales[j] * encoder[j * dimension + t];
      }
    }
    return a;
  }

  /** n_0 … n_{K−1}, the code bits of each stage (the form's own array, not copied). */
  int[] stageBits();

  /** μ, d floats (the form's own array, not copied). */
  float[] mean();

  /** Whether both forms hold the same maps, to the bit. */
  boolean sameAs(CodebookForm other);
}
