package io.signcodec.lucene;

import io.signcodec.core.CodeScorer;
import io.signcodec.core.LinearDecoder;
import java.io.IOException;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;
import org.apache.lucene.util.hnsw.UpdateableRandomVectorScorer;

/**
 * Scores float queries against codes with {@link CodeScorer}, and codes against codes (for the
 * graph a merge builds) by decoding the scoring ordinal's code to x̂ and preparing it as the query:
 * {@code ⟨x̂_i, x̂_j⟩} exactly. Values that carry no codes (the vectors of a segment being flushed,
 * byte vectors) go to Lucene's own float scorer, as Lucene's quantized formats do.
 */
final class SignVectorScorer implements FlatVectorsScorer {
  static final SignVectorScorer INSTANCE =
      new SignVectorScorer(FlatVectorScorerUtil.getLucene99FlatVectorsScorer());

  private final FlatVectorsScorer rawScorer;

  private SignVectorScorer(FlatVectorsScorer rawScorer) {
    this.rawScorer = rawScorer;
  }

  @Override
  public RandomVectorScorerSupplier getRandomVectorScorerSupplier(
      VectorSimilarityFunction similarity, KnnVectorValues values) throws IOException {
    if (values instanceof SignFloatVectorValues sign) {
      return new CodeSupplier(sign);
    }
    return rawScorer.getRandomVectorScorerSupplier(similarity, values);
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(
      VectorSimilarityFunction similarity, KnnVectorValues values, float[] target)
      throws IOException {
    if (values instanceof SignFloatVectorValues sign) {
      FlatVectorsScorer.checkDimensions(target.length, values.dimension());
      return new QueryScorer(sign, target);
    }
    return rawScorer.getRandomVectorScorer(similarity, values, target);
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(
      VectorSimilarityFunction similarity, KnnVectorValues values, byte[] target)
      throws IOException {
    return rawScorer.getRandomVectorScorer(similarity, values, target);
  }

  @Override
  public String toString() {
    return "SignVectorScorer(rawScorer=" + rawScorer + ")";
  }

  /** A prepared float query over the codes. */
  private static final class QueryScorer extends RandomVectorScorer.AbstractRandomVectorScorer {
    private final SignFloatVectorValues values;
    private final CodeScorer.Query query;
    private final float queryNorm2;

    QueryScorer(SignFloatVectorValues values, float[] target) {
      super(values);
      this.values = values;
      float[] q = target;
      if (values.similarity == VectorSimilarityFunction.COSINE) {
        q = VectorUtil.l2normalize(target.clone(), false);
      }
      this.query = CodeScorer.of(values.codebook).prepare(q);
      this.queryNorm2 = Similarities.norm2(q);
    }

    @Override
    public float score(int ord) throws IOException {
      return SignVectorScorer.score(values, query, queryNorm2, ord);
    }
  }

  private static float score(
      SignFloatVectorValues values, CodeScorer.Query query, float queryNorm2, int ord)
      throws IOException {
    float dot = query.score(values.codeValue(ord), 0);
    return switch (values.similarity) {
      case DOT_PRODUCT, MAXIMUM_INNER_PRODUCT ->
          Similarities.score(values.similarity, dot, queryNorm2, Float.NaN);
      case COSINE, EUCLIDEAN ->
          Similarities.score(values.similarity, dot, queryNorm2, values.codeNorm2(ord));
    };
  }

  /** Code against code: each scorer decodes its scoring ordinal and prepares it as the query. */
  private static final class CodeSupplier implements RandomVectorScorerSupplier {
    private final SignFloatVectorValues values;

    CodeSupplier(SignFloatVectorValues values) {
      this.values = values;
    }

    @Override
    public UpdateableRandomVectorScorer scorer() throws IOException {
      SignFloatVectorValues targets = values.copy();
      SignFloatVectorValues scored = values.copy();
      LinearDecoder decoder = LinearDecoder.of(values.codebook);
      CodeScorer codeScorer = CodeScorer.of(values.codebook);
      float[] decoded = new float[values.codebook.dimension()];
      return new UpdateableRandomVectorScorer.AbstractUpdateableRandomVectorScorer(scored) {
        private CodeScorer.Query query;
        private float queryNorm2;

        @Override
        public void setScoringOrdinal(int node) throws IOException {
          decoder.decode(targets.codeValue(node), 0, decoded, 0);
          float norm2 = Similarities.norm2(decoded);
          if (values.similarity == VectorSimilarityFunction.COSINE && norm2 > 0) {
            float inv = (float) (1 / Math.sqrt(norm2));
            for (int i = 0; i < decoded.length; i++) {
              decoded[i] *= inv;
            }
            norm2 = 1;
          }
          query = codeScorer.prepare(decoded);
          queryNorm2 = norm2;
        }

        @Override
        public float score(int ord) throws IOException {
          return SignVectorScorer.score(scored, query, queryNorm2, ord);
        }
      };
    }

    @Override
    public RandomVectorScorerSupplier copy() throws IOException {
      return new CodeSupplier(values.copy());
    }
  }
}
