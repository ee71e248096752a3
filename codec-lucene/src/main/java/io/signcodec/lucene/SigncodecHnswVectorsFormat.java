package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsWriter;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * Lucene's HNSW graph ({@link Lucene99HnswVectorsWriter}, {@link Lucene99HnswVectorsReader}) over
 * signcodec codes ({@link SigncodecFlatVectorsFormat}), the way Lucene's own quantized HNSW formats
 * are built. A search walks the graph scoring the query against codes; the raw vectors stay in the
 * index for rescoring (e.g. {@code RescoreTopNQuery} over the field's raw vectors).
 *
 * <p>Similarity functions. Scores follow {@link org.apache.lucene.index.VectorSimilarityFunction}'s
 * formulas with the reconstruction {@code x̂ = μ + A z} in place of the vector:
 *
 * <ul>
 *   <li>DOT_PRODUCT (unit vectors): {@code max((1 + ⟨q, x̂⟩) / 2, 0)}.
 *   <li>MAXIMUM_INNER_PRODUCT: {@code ⟨q, x̂⟩} through {@code
 *       VectorUtil.scaleMaxInnerProductScore}.
 *   <li>COSINE: vectors are coded normalized, the query is normalized, and the score is that of the
 *       cosine between the query and x̂, {@code ⟨q, x̂⟩ / (‖q‖ ‖x̂‖)}; ‖x̂‖² is stored (4 bytes per
 *       vector).
 *   <li>EUCLIDEAN: {@code 1 / (1 + ‖q − x̂‖²)} with {@code ‖q − x̂‖² = ‖q‖² − 2⟨q, x̂⟩ + ‖x̂‖²};
 *       ‖x̂‖² is stored (4 bytes per vector).
 * </ul>
 *
 * <p>Graphs are built on the raw vectors the format keeps, when a segment is flushed and when
 * segments merge, with Lucene's float scorer; searches score the codes. Registered as {@value
 * #NAME}; the no-argument constructor, which the SPI uses, is {@code builder().build()}.
 */
public final class SigncodecHnswVectorsFormat extends KnnVectorsFormat {
  /** The SPI name, written into every segment; it never changes. */
  public static final String NAME = "SigncodecHnsw";

  private final int maxConn;
  private final int beamWidth;
  private final SigncodecFlatVectorsFormat flatFormat;

  /** {@code builder().build()}: Lucene's default graph, the data-free form at 1 bit. */
  public SigncodecHnswVectorsFormat() {
    this(builder());
  }

  private SigncodecHnswVectorsFormat(Builder b) {
    super(NAME);
    this.maxConn = b.maxConn;
    this.beamWidth = b.beamWidth;
    this.flatFormat =
        new SigncodecFlatVectorsFormat(
            b.codebooks != null
                ? b.codebooks
                : CodebookChoice.dataFree(
                    SigncodecFlatVectorsFormat.DEFAULT_RATE,
                    SigncodecFlatVectorsFormat.DEFAULT_SEED),
            b.keepRawVectors);
  }

  /** Options, each with Lucene's default or the data-free default codebook. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options for a {@link SigncodecHnswVectorsFormat}. */
  public static final class Builder {
    private CodebookChoice codebooks;
    private int maxConn = Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN;
    private int beamWidth = Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH;
    private boolean keepRawVectors = true;

    private Builder() {}

    /**
     * Whether segments keep the raw float vectors beside the codes (default true): for rescoring,
     * for {@code vectorValue}, and to re-encode segments of another codebook when they merge.
     * Without them see {@link SigncodecFlatVectorsFormat#SigncodecFlatVectorsFormat(Codebook,
     * boolean)}; graphs are then built at merge on the reconstructions.
     */
    public Builder keepRawVectors(boolean keepRawVectors) {
      this.keepRawVectors = keepRawVectors;
      return this;
    }

    /** Writes every float field with {@code codebook}, of the fields' dimension. */
    public Builder codebook(Codebook codebook) {
      this.codebooks = CodebookChoice.given(codebook);
      return this;
    }

    /**
     * Writes with the data-free form of {@code rate} bits per coordinate drawn from {@code seed}
     * (see {@link SigncodecFlatVectorsFormat#dataFree}); the default is rate {@value
     * SigncodecFlatVectorsFormat#DEFAULT_RATE}, seed {@value
     * SigncodecFlatVectorsFormat#DEFAULT_SEED}.
     */
    public Builder dataFree(double rate, long seed) {
      this.codebooks = CodebookChoice.dataFree(rate, seed);
      return this;
    }

    /** Neighbours per node ({@code M}), 1 to 512; default 16. */
    public Builder maxConn(int maxConn) {
      if (maxConn <= 0 || maxConn > 512) {
        throw new IllegalArgumentException("maxConn must be in 1..512: " + maxConn);
      }
      this.maxConn = maxConn;
      return this;
    }

    /** Candidates kept while inserting a node, 1 to 3200; default 100. */
    public Builder beamWidth(int beamWidth) {
      if (beamWidth <= 0 || beamWidth > 3200) {
        throw new IllegalArgumentException("beamWidth must be in 1..3200: " + beamWidth);
      }
      this.beamWidth = beamWidth;
      return this;
    }

    public SigncodecHnswVectorsFormat build() {
      return new SigncodecHnswVectorsFormat(this);
    }
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return new Lucene99HnswVectorsWriter(
        state, maxConn, beamWidth, flatFormat, flatFormat.fieldsWriter(state), 1, null);
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return new Lucene99HnswVectorsReader(state, flatFormat.fieldsReader(state));
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return SigncodecFlatVectorsFormat.MAX_DIMENSIONS;
  }

  @Override
  public String toString() {
    return NAME
        + "(maxConn="
        + maxConn
        + ", beamWidth="
        + beamWidth
        + ", flatVectorFormat="
        + flatFormat
        + ")";
  }
}
