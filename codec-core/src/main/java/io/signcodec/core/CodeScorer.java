package io.signcodec.core;

import java.util.Objects;

/**
 * Inner products between float queries and encoded vectors, without decoding them.
 *
 * <p>Because decoding is linear, {@code ⟨q, μ + A z⟩ = ⟨q, μ⟩ + Σ_j w_j z_j} with {@code w = Aᵀ q}.
 * With {@code z_j = ±1} that is {@code ⟨q, μ⟩ − Σ_j w_j + 2 Σ_{j: bit set} w_j}, and the last sum
 * is read byte by byte from tables of 256 partial sums per code byte. Preparing a query costs one
 * {@code n×d} product and {@code 256·⌈n/8⌉} table entries; scoring a code then costs {@code ⌈n/8⌉}
 * table look-ups instead of the {@code n·d} multiply-adds of decoding. Works for multi-stage
 * codebooks too, whose decoder is the same single linear map.
 *
 * <p>Thread-safe; so is every {@link Query} it prepares.
 */
public final class CodeScorer {
  private final Codebook codebook;
  private final int dimension;
  private final int bits;
  private final int codeBytes;

  private CodeScorer(Codebook codebook) {
    this.codebook = codebook;
    this.dimension = codebook.dimension();
    this.bits = codebook.bits();
    this.codeBytes = codebook.codeBytes();
  }

  public static CodeScorer of(Codebook codebook) {
    return new CodeScorer(Objects.requireNonNull(codebook, "codebook"));
  }

  public Codebook codebook() {
    return codebook;
  }

  /** Prepares {@code query} (the codebook's dimension, finite) for scoring many codes. */
  public Query prepare(float[] query) {
    Weights weights = weights(query);
    float[] tables = new float[codeBytes * 256];
    fillTables(weights.bitWeights, tables);
    return new Query(weights.constant, tables, codeBytes);
  }

  /**
   * The costly half of {@link #prepare}, one {@code n×d} product: {@code w = Aᵀ q} and the constant
   * {@code ⟨q, μ⟩ − Σ_j w_j}. {@link SearchRecall} keeps these for many queries and rebuilds the
   * tables ({@code n/8} KiB each, 32 times the query's size at one bit per coordinate) when it
   * needs them, with {@link #fillTables} and {@link #scoreAll}, so that its scores are exactly
   * {@link Query#scoreAll}'s.
   */
  Weights weights(float[] query) {
    VectorChecks.checkDimension("query", query, dimension);
    io.signcodec.core.internal.Checks.checkFinite(query, 0, 1, dimension);
    float[] mean = codebook.meanArray();
    double constant = 0;
    for (int k = 0; k < dimension; k++) {
      constant += (double) query[k] * mean[k];
    }
    double[] w = codebook.form().decoderWeights(query);
    for (double wj : w) {
      constant -= wj;
    }
    return new Weights((float) constant, w);
  }

  /** What {@link #weights} computes for one query. */
  static final class Weights {
    final float constant;
    final double[] bitWeights;

    Weights(float constant, double[] bitWeights) {
      this.constant = constant;
      this.bitWeights = bitWeights;
    }
  }

  /** Bytes per code: the number of 256-entry tables a query needs. */
  int codeBytes() {
    return codeBytes;
  }

  /**
   * Fills {@code tables[0 .. 256·codeBytes)}: entry {@code v} of table {@code b} is {@code Σ 2 w_j}
   * over the bits j set in byte value v of code byte b.
   */
  void fillTables(double[] w, float[] tables) {
    for (int b = 0; b < codeBytes; b++) {
      int base = b * 256;
      int width = Math.min(8, bits - 8 * b);
      tables[base] = 0;
      for (int v = 1; v < 256; v++) {
        // Entry v extends entry v without its lowest set bit.
        int low = Integer.numberOfTrailingZeros(v);
        double add = low < width ? 2 * w[8 * b + low] : 0;
        tables[base + v] = (float) (tables[base + (v & (v - 1))] + add);
      }
    }
  }

  /** {@code ⟨q, x̂⟩} of the code at {@code codes[offset..]}, from a query's constant and tables. */
  static float score(float constant, float[] tables, int codeBytes, byte[] codes, int offset) {
    float s = constant;
    for (int b = 0; b < codeBytes; b++) {
      s += tables[(b << 8) | (codes[offset + b] & 0xFF)];
    }
    return s;
  }

  /** {@link #score} of {@code count} consecutive codes into {@code scores[scoresOffset..]}. */
  static void scoreAll(
      float constant,
      float[] tables,
      int codeBytes,
      byte[] codes,
      int offset,
      int count,
      float[] scores,
      int scoresOffset) {
    for (int i = 0; i < count; i++) {
      scores[scoresOffset + i] = score(constant, tables, codeBytes, codes, offset + i * codeBytes);
    }
  }

  /** A prepared query: scores codes of its codebook. Immutable. */
  public static final class Query {
    private final float constant;
    private final float[] tables;
    private final int codeBytes;

    private Query(float constant, float[] tables, int codeBytes) {
      this.constant = constant;
      this.tables = tables;
      this.codeBytes = codeBytes;
    }

    /** {@code ⟨q, x̂⟩} for the code at {@code codes[offset..]}. */
    public float score(byte[] codes, int offset) {
      io.signcodec.core.internal.Checks.checkRange("codes", codes.length, offset, 1, codeBytes);
      return CodeScorer.score(constant, tables, codeBytes, codes, offset);
    }

    /** Scores {@code count} consecutive codes into {@code scores[scoresOffset..]}. */
    public void scoreAll(byte[] codes, int offset, int count, float[] scores, int scoresOffset) {
      io.signcodec.core.internal.Checks.checkRange("codes", codes.length, offset, count, codeBytes);
      io.signcodec.core.internal.Checks.checkRange("scores", scores.length, scoresOffset, count, 1);
      CodeScorer.scoreAll(constant, tables, codeBytes, codes, offset, count, scores, scoresOffset);
    }
  }
}
