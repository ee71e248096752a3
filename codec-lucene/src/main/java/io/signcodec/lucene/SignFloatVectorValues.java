package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import java.io.IOException;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.VectorScorer;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.util.Bits;

/**
 * A field's raw vectors (from the raw delegate) together with their codes, ordinal for ordinal: the
 * codes file holds them in the raw file's ordinal order. {@link SignVectorScorer} recognizes these
 * values and scores the codes; everyone else sees the raw floats.
 */
final class SignFloatVectorValues extends FloatVectorValues {
  final FloatVectorValues raw;
  final Codebook codebook;
  final VectorSimilarityFunction similarity;
  private final IndexInput codes;
  private final int bytesPerVector;
  private final boolean norms;
  private final byte[] code;

  SignFloatVectorValues(
      FloatVectorValues raw,
      Codebook codebook,
      VectorSimilarityFunction similarity,
      IndexInput codes) {
    this.raw = raw;
    this.codebook = codebook;
    this.similarity = similarity;
    this.codes = codes;
    this.bytesPerVector = Similarities.bytesPerVector(codebook, similarity);
    this.norms = Similarities.storesNorms(similarity);
    this.code = new byte[codebook.codeBytes()];
  }

  /** The code of {@code ord}, in a buffer this instance reuses. */
  byte[] codeValue(int ord) throws IOException {
    codes.seek((long) ord * bytesPerVector);
    codes.readBytes(code, 0, code.length);
    return code;
  }

  /** ‖x̂‖² of {@code ord}, for the similarities that store it. */
  float codeNorm2(int ord) throws IOException {
    if (!norms) {
      throw new IllegalStateException(similarity + " stores no norms");
    }
    codes.seek((long) ord * bytesPerVector + code.length);
    return Float.intBitsToFloat(codes.readInt());
  }

  @Override
  public float[] vectorValue(int ord) throws IOException {
    return raw.vectorValue(ord);
  }

  @Override
  public SignFloatVectorValues copy() throws IOException {
    return new SignFloatVectorValues(raw.copy(), codebook, similarity, codes.clone());
  }

  @Override
  public int dimension() {
    return raw.dimension();
  }

  @Override
  public int size() {
    return raw.size();
  }

  @Override
  public int ordToDoc(int ord) {
    return raw.ordToDoc(ord);
  }

  @Override
  public Bits getAcceptOrds(Bits acceptDocs) {
    return raw.getAcceptOrds(acceptDocs);
  }

  @Override
  public DocIndexIterator iterator() {
    return raw.iterator();
  }

  @Override
  public VectorScorer scorer(float[] target) throws IOException {
    return raw.scorer(target);
  }

  @Override
  public VectorScorer rescorer(float[] target) throws IOException {
    return raw.rescorer(target);
  }
}
