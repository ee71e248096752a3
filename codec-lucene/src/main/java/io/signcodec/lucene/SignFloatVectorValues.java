package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import java.io.IOException;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.VectorScorer;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.util.BitUtil;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * A field's codes, ordinal for ordinal with its raw vectors when the segment keeps them (the codes
 * file holds them in the raw file's ordinal order). {@link SignVectorScorer} recognizes these
 * values and scores the codes; everyone else sees the raw floats, or, without them, the
 * reconstructions x̂.
 */
final class SignFloatVectorValues extends FloatVectorValues {
  /** The raw vectors, or null if the segment keeps only the codes. */
  final FloatVectorValues raw;

  final Codebook codebook;
  final VectorSimilarityFunction similarity;
  private final int count;
  private final IndexInput codes;

  /** Without raw vectors: the document of each ordinal (an int each), or null if dense. */
  private final IndexInput docs;

  private final int bytesPerVector;
  private final boolean norms;
  private final byte[] code;
  private byte[] batch = new byte[0];
  private LinearDecoder decoder;
  private float[] decoded;

  /** Codes beside raw vectors. */
  SignFloatVectorValues(
      FloatVectorValues raw,
      Codebook codebook,
      VectorSimilarityFunction similarity,
      IndexInput codes) {
    this(raw, codebook, similarity, raw.size(), codes, null);
  }

  /**
   * Codes alone.
   *
   * @param docs the document of each ordinal (an int each), or null if ordinal = document
   */
  SignFloatVectorValues(
      Codebook codebook,
      VectorSimilarityFunction similarity,
      int count,
      IndexInput codes,
      IndexInput docs) {
    this(null, codebook, similarity, count, codes, docs);
  }

  private SignFloatVectorValues(
      FloatVectorValues raw,
      Codebook codebook,
      VectorSimilarityFunction similarity,
      int count,
      IndexInput codes,
      IndexInput docs) {
    this.raw = raw;
    this.codebook = codebook;
    this.similarity = similarity;
    this.count = count;
    this.codes = codes;
    this.docs = docs;
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

  /** Bytes of one ordinal's record in the codes file: its code, then ‖x̂‖² if stored. */
  int recordBytes() {
    return bytesPerVector;
  }

  /**
   * The records ({@link #recordBytes} each: code, then ‖x̂‖² if stored) of {@code ords[0 ..
   * count)}, record i at {@code i·recordBytes()} of a buffer this instance reuses. All are read
   * before any is scored, so that their cache misses overlap rather than wait on each other's
   * scoring.
   */
  byte[] records(int[] ords, int count) throws IOException {
    int need = count * bytesPerVector;
    if (batch.length < need) {
      batch = new byte[Math.max(need, 2 * batch.length)];
    }
    for (int i = 0; i < count; i++) {
      codes.seek((long) ords[i] * bytesPerVector);
      codes.readBytes(batch, i * bytesPerVector, bytesPerVector);
    }
    return batch;
  }

  /** The record of {@code ord}, at the start of the buffer {@link #records} reuses. */
  byte[] record(int ord) throws IOException {
    if (batch.length < bytesPerVector) {
      batch = new byte[bytesPerVector];
    }
    codes.seek((long) ord * bytesPerVector);
    codes.readBytes(batch, 0, bytesPerVector);
    return batch;
  }

  /** ‖x̂‖² from the record at {@code records[offset ..]}, for the similarities that store it. */
  float recordNorm2(byte[] records, int offset) {
    return Float.intBitsToFloat((int) BitUtil.VH_LE_INT.get(records, offset + code.length));
  }

  /** ‖x̂‖² of {@code ord}, for the similarities that store it. */
  float codeNorm2(int ord) throws IOException {
    if (!norms) {
      throw new IllegalStateException(similarity + " stores no norms");
    }
    codes.seek((long) ord * bytesPerVector + code.length);
    return Float.intBitsToFloat(codes.readInt());
  }

  /** The raw vector, or without it the reconstruction x̂ (for COSINE, of the normalized vector). */
  @Override
  public float[] vectorValue(int ord) throws IOException {
    if (raw != null) {
      return raw.vectorValue(ord);
    }
    if (decoder == null) {
      decoder = LinearDecoder.of(codebook);
      decoded = new float[codebook.dimension()];
    }
    decoder.decode(codeValue(ord), 0, decoded, 0);
    return decoded;
  }

  @Override
  public SignFloatVectorValues copy() throws IOException {
    return new SignFloatVectorValues(
        raw == null ? null : raw.copy(),
        codebook,
        similarity,
        count,
        codes.clone(),
        docs == null ? null : docs.clone());
  }

  @Override
  public int dimension() {
    return codebook.dimension();
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public int ordToDoc(int ord) {
    if (raw != null) {
      return raw.ordToDoc(ord);
    }
    if (docs == null) {
      return ord;
    }
    try {
      docs.seek((long) ord * Integer.BYTES);
      return docs.readInt();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public Bits getAcceptOrds(Bits acceptDocs) {
    return raw != null ? raw.getAcceptOrds(acceptDocs) : super.getAcceptOrds(acceptDocs);
  }

  @Override
  public DocIndexIterator iterator() {
    if (raw != null) {
      return raw.iterator();
    }
    return docs == null ? createDenseIterator() : createSparseIterator();
  }

  /** With raw vectors, their exact scorer; without, the quantized scorer of the codes. */
  @Override
  public VectorScorer scorer(float[] target) throws IOException {
    if (raw != null) {
      return raw.scorer(target);
    }
    SignFloatVectorValues values = copy();
    return codeScorer(
        values, SignVectorScorer.INSTANCE.getRandomVectorScorer(similarity, values, target));
  }

  /**
   * With raw vectors, their exact scorer; without, the codes' scores from {@code ⟨q, x̂⟩} exact to
   * float rounding (not quantized): the best a rescoring can read.
   */
  @Override
  public VectorScorer rescorer(float[] target) throws IOException {
    if (raw != null) {
      return raw.rescorer(target);
    }
    SignFloatVectorValues values = copy();
    return codeScorer(values, SignVectorScorer.exactScorer(values, target));
  }

  private static VectorScorer codeScorer(SignFloatVectorValues values, RandomVectorScorer scorer) {
    DocIndexIterator iterator = values.iterator();
    return new VectorScorer() {
      @Override
      public float score() throws IOException {
        return scorer.score(iterator.index());
      }

      @Override
      public DocIdSetIterator iterator() {
        return iterator;
      }
    };
  }
}
