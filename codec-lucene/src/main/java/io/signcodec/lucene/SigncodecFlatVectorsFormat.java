package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import java.io.IOException;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * A flat vector format that stores each float vector as a signcodec code beside the raw vector, and
 * scores queries on the codes ({@code ⟨q, x̂⟩} by {@link io.signcodec.core.CodeScorer}'s quantized
 * queries, within {@link io.signcodec.core.CodeScorer.QuantizedQuery#maxError}; rescoring without
 * raw vectors reads its exact tables). Used alone, a search scans every code; {@link
 * SigncodecHnswVectorsFormat} builds Lucene's HNSW graph over it. Byte vectors are stored raw,
 * unquantized.
 *
 * <p>Files, per segment (each with Lucene's index header and checksum footer):
 *
 * <ul>
 *   <li>{@code .vmsc}, metadata: per float field its number, similarity, dimension, vector count,
 *       the codes' offset and length in {@code .vsc}, the codebook ({@link Codebook#toByteArray()})
 *       and its fingerprint, whether the raw vectors are kept and, if not, the offset and length of
 *       the documents' list; −1 ends the list.
 *   <li>{@code .vsc}, codes: per field, in the raw vectors' ordinal order, each vector's {@link
 *       Codebook#codeBytes()} bytes, followed for COSINE and EUCLIDEAN by ‖x̂‖² as a float; without
 *       raw vectors, then the document of each ordinal (an int each) unless every document has one.
 *   <li>the raw vectors (unless not kept) and byte vectors, in {@link Lucene99FlatVectorsFormat}'s
 *       files: for rescoring, for {@link org.apache.lucene.index.FloatVectorValues#vectorValue},
 *       and for re-encoding when segments of another codebook merge.
 * </ul>
 *
 * <p>The codebook is the caller's ({@link #SigncodecFlatVectorsFormat(Codebook)}) or the data-free
 * form ({@link #dataFree}). Readers need neither: each segment records its codebook. A merge copies
 * the codes of segments written with the writing format's codebook and re-encodes the others' raw
 * vectors. What each similarity function does is said in {@link SigncodecHnswVectorsFormat}.
 *
 * <p>Registered as {@value #NAME}; the no-argument constructor, which the SPI uses, writes with the
 * data-free form at {@value #DEFAULT_RATE} bit per coordinate and seed {@value #DEFAULT_SEED}.
 */
public final class SigncodecFlatVectorsFormat extends FlatVectorsFormat {
  /** The SPI name, written into every segment; it never changes. */
  public static final String NAME = "SigncodecFlat";

  /** The largest dimension a field may have. */
  public static final int MAX_DIMENSIONS = 4096;

  /** Bits per coordinate of the data-free form the no-argument constructor writes with. */
  public static final double DEFAULT_RATE = 1.0;

  /** Seed of the data-free form the no-argument constructor writes with. */
  public static final long DEFAULT_SEED = 42;

  static final String META_CODEC_NAME = "SigncodecFlatVectorsFormatMeta";
  static final String DATA_CODEC_NAME = "SigncodecFlatVectorsFormatData";
  static final String META_EXTENSION = "vmsc";
  static final String DATA_EXTENSION = "vsc";
  static final int VERSION_START = 0;
  static final int VERSION_CURRENT = VERSION_START;

  private static final FlatVectorsFormat RAW_FORMAT =
      new Lucene99FlatVectorsFormat(FlatVectorScorerUtil.getLucene99FlatVectorsScorer());

  private final CodebookChoice codebooks;
  private final boolean keepRawVectors;

  /** Writes with the data-free form at {@value #DEFAULT_RATE} bit per coordinate. */
  public SigncodecFlatVectorsFormat() {
    this(CodebookChoice.dataFree(DEFAULT_RATE, DEFAULT_SEED), true);
  }

  /**
   * Writes every float field with {@code codebook}, whose dimension must be the field's (a field of
   * another dimension is refused when it is added), keeping the raw vectors.
   */
  public SigncodecFlatVectorsFormat(Codebook codebook) {
    this(codebook, true);
  }

  /**
   * As {@link #SigncodecFlatVectorsFormat(Codebook)}, keeping the raw float vectors or not. Without
   * them a segment stores only the codes (and their documents where not every document has a
   * vector): {@link org.apache.lucene.index.FloatVectorValues#vectorValue} gives the reconstruction
   * x̂, nothing can be rescored, and a merge of segments of another codebook fails, naming both
   * codebooks' fingerprints, since nothing is left to re-encode.
   */
  public SigncodecFlatVectorsFormat(Codebook codebook, boolean keepRawVectors) {
    this(CodebookChoice.given(codebook), keepRawVectors);
  }

  SigncodecFlatVectorsFormat(CodebookChoice codebooks, boolean keepRawVectors) {
    super(NAME);
    this.codebooks = codebooks;
    this.keepRawVectors = keepRawVectors;
  }

  /**
   * Writes with the data-free form (structured, nothing to train) for each field's dimension d: the
   * allocated codebook of {@code rate·d} bits fitted to unit vectors (mean 0, {@code 1/√d} per
   * coordinate), drawn from {@code seed}. Codes of the same rate, seed and dimension never need
   * re-encoding.
   *
   * @throws IllegalArgumentException if the rate is not positive or the trainer refuses it
   */
  public static SigncodecFlatVectorsFormat dataFree(double rate, long seed) {
    return dataFree(rate, seed, true);
  }

  /**
   * {@link #dataFree(double, long)}, keeping the raw float vectors or not (see {@link
   * #SigncodecFlatVectorsFormat(Codebook, boolean)}).
   */
  public static SigncodecFlatVectorsFormat dataFree(
      double rate, long seed, boolean keepRawVectors) {
    return new SigncodecFlatVectorsFormat(CodebookChoice.dataFree(rate, seed), keepRawVectors);
  }

  @Override
  public FlatVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return new SignFlatVectorsWriter(
        state, codebooks, keepRawVectors, RAW_FORMAT.fieldsWriter(state));
  }

  @Override
  public FlatVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return new SignFlatVectorsReader(state, RAW_FORMAT.fieldsReader(state));
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return MAX_DIMENSIONS;
  }

  @Override
  public String toString() {
    return NAME
        + "("
        + codebooks
        + ", keepRawVectors="
        + keepRawVectors
        + ", rawVectorFormat="
        + RAW_FORMAT
        + ")";
  }
}
