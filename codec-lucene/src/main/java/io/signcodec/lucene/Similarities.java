package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;

/**
 * What each similarity function does on codes, and the coding of one field's vectors.
 *
 * <p>Every score starts from {@code ⟨q, x̂⟩}, which {@link io.signcodec.core.CodeScorer} computes
 * on the code (a search's within {@link io.signcodec.core.CodeScorer.QuantizedQuery#maxError}, a
 * rescoring's exactly); Lucene's own formulas then turn it into a score:
 *
 * <ul>
 *   <li>DOT_PRODUCT: {@code max((1 + ⟨q, x̂⟩) / 2, 0)}.
 *   <li>MAXIMUM_INNER_PRODUCT: {@code VectorUtil.scaleMaxInnerProductScore(⟨q, x̂⟩)}.
 *   <li>COSINE: vectors are coded normalized (the raw vectors are kept as given), the query is
 *       normalized, and the score is {@code max((1 + ⟨q/‖q‖, x̂⟩ / ‖x̂‖) / 2, 0)}, the cosine of
 *       the query and the reconstruction; ‖x̂‖² is stored with each code.
 *   <li>EUCLIDEAN: {@code 1 / (1 + max(‖q‖² − 2⟨q, x̂⟩ + ‖x̂‖², 0))}, the squared distance to the
 *       reconstruction; ‖x̂‖² is stored with each code.
 * </ul>
 */
final class Similarities {
  private Similarities() {}

  /** Whether a field of this similarity stores ‖x̂‖² (a float) after each code. */
  static boolean storesNorms(VectorSimilarityFunction similarity) {
    return similarity == VectorSimilarityFunction.EUCLIDEAN
        || similarity == VectorSimilarityFunction.COSINE;
  }

  /** Bytes each vector takes in the codes file. */
  static int bytesPerVector(Codebook codebook, VectorSimilarityFunction similarity) {
    return codebook.codeBytes() + (storesNorms(similarity) ? Float.BYTES : 0);
  }

  /**
   * The score of a code whose inner product with the (for COSINE normalized) query is {@code dot}.
   *
   * @param queryNorm2 ‖q‖², used by EUCLIDEAN
   * @param codeNorm2 ‖x̂‖², used by EUCLIDEAN and COSINE
   */
  static float score(
      VectorSimilarityFunction similarity, float dot, float queryNorm2, float codeNorm2) {
    return switch (similarity) {
      case DOT_PRODUCT -> VectorUtil.normalizeToUnitInterval(dot);
      case MAXIMUM_INNER_PRODUCT -> VectorUtil.scaleMaxInnerProductScore(dot);
      case COSINE ->
          VectorUtil.normalizeToUnitInterval(
              codeNorm2 > 0 ? (float) (dot / Math.sqrt(codeNorm2)) : 0f);
      case EUCLIDEAN ->
          VectorUtil.normalizeDistanceToUnitInterval(
              Math.max(queryNorm2 - 2 * dot + codeNorm2, 0f));
    };
  }

  static float norm2(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return (float) s;
  }

  /** Codes one field's vectors. Not thread-safe (scratch arrays); one per writer and field. */
  static final class FieldCoder {
    final Codebook codebook;
    final VectorSimilarityFunction similarity;
    final boolean norms;
    private final SignEncoder encoder;
    private final LinearDecoder decoder;
    private final float[] scratch;
    private final float[] decoded;
    final byte[] code;

    FieldCoder(Codebook codebook, VectorSimilarityFunction similarity) {
      this.codebook = codebook;
      this.similarity = similarity;
      this.norms = storesNorms(similarity);
      this.encoder = SignEncoder.of(codebook);
      this.decoder = LinearDecoder.of(codebook);
      this.scratch = new float[codebook.dimension()];
      this.decoded = new float[codebook.dimension()];
      this.code = new byte[codebook.codeBytes()];
    }

    /**
     * Codes {@code vector} (normalized first for COSINE, into a copy) into {@link #code}, and
     * returns ‖x̂‖² if the field stores it, else NaN.
     */
    float encode(float[] vector) {
      float[] v = vector;
      if (similarity == VectorSimilarityFunction.COSINE) {
        System.arraycopy(vector, 0, scratch, 0, scratch.length);
        v = VectorUtil.l2normalize(scratch, false);
      }
      encoder.encode(v, 0, code, 0);
      return norms ? codeNorm2(code) : Float.NaN;
    }

    /** ‖x̂‖² of a code of this codebook. */
    float codeNorm2(byte[] c) {
      decoder.decode(c, 0, decoded, 0);
      return norm2(decoded);
    }
  }
}
