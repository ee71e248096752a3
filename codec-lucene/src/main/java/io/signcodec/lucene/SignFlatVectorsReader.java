package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.store.ChecksumIndexInput;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.RamUsageEstimator;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * Reads what {@link SignFlatVectorsWriter} wrote: each float field's codebook from the metadata,
 * its codes from the data file, its raw vectors from the delegate.
 */
final class SignFlatVectorsReader extends FlatVectorsReader {
  private static final long SHALLOW_SIZE =
      RamUsageEstimator.shallowSizeOfInstance(SignFlatVectorsReader.class);

  private final FlatVectorsReader rawDelegate;
  private final Map<String, FieldEntry> fields = new HashMap<>();
  private final IndexInput data;

  /**
   * One float field's codes: where they are, what codebook made them, whether the raw vectors are
   * kept and, if not, where the documents of the ordinals are (length 0: every document).
   */
  private record FieldEntry(
      VectorSimilarityFunction similarity,
      int dimension,
      int count,
      long offset,
      long length,
      Codebook codebook,
      boolean raw,
      long docsOffset,
      long docsLength) {}

  SignFlatVectorsReader(SegmentReadState state, FlatVectorsReader rawDelegate) throws IOException {
    this.rawDelegate = rawDelegate;
    IndexInput d = null;
    try {
      int version = readMetadata(state);
      d =
          state.directory.openInput(
              IndexFileNames.segmentFileName(
                  state.segmentInfo.name,
                  state.segmentSuffix,
                  SigncodecFlatVectorsFormat.DATA_EXTENSION),
              state.context);
      int dataVersion =
          CodecUtil.checkIndexHeader(
              d,
              SigncodecFlatVectorsFormat.DATA_CODEC_NAME,
              SigncodecFlatVectorsFormat.VERSION_START,
              SigncodecFlatVectorsFormat.VERSION_CURRENT,
              state.segmentInfo.getId(),
              state.segmentSuffix);
      if (dataVersion != version) {
        throw new CorruptIndexException(
            "format versions mismatch: meta=" + version + ", data=" + dataVersion, d);
      }
      CodecUtil.retrieveChecksum(d);
      long end = d.length() - CodecUtil.footerLength();
      for (FieldEntry e : fields.values()) {
        if (e.offset < 0 || e.offset + e.length > end) {
          throw new CorruptIndexException(
              "codes at " + e.offset + ".." + (e.offset + e.length) + " run past the data", d);
        }
        if (e.docsOffset < 0 || e.docsOffset + e.docsLength > end) {
          throw new CorruptIndexException(
              "documents at "
                  + e.docsOffset
                  + ".."
                  + (e.docsOffset + e.docsLength)
                  + " run past the data",
              d);
        }
      }
    } catch (Throwable t) {
      IOUtils.closeWhileSuppressingExceptions(t, d, rawDelegate);
      throw t;
    }
    this.data = d;
  }

  private int readMetadata(SegmentReadState state) throws IOException {
    String name =
        IndexFileNames.segmentFileName(
            state.segmentInfo.name, state.segmentSuffix, SigncodecFlatVectorsFormat.META_EXTENSION);
    int version = -1;
    try (ChecksumIndexInput meta = state.directory.openChecksumInput(name)) {
      Throwable priorE = null;
      try {
        version =
            CodecUtil.checkIndexHeader(
                meta,
                SigncodecFlatVectorsFormat.META_CODEC_NAME,
                SigncodecFlatVectorsFormat.VERSION_START,
                SigncodecFlatVectorsFormat.VERSION_CURRENT,
                state.segmentInfo.getId(),
                state.segmentSuffix);
        readFields(meta, state.fieldInfos, state.segmentInfo.maxDoc());
      } catch (Throwable t) {
        priorE = t;
      } finally {
        CodecUtil.checkFooter(meta, priorE);
      }
    }
    return version;
  }

  private void readFields(ChecksumIndexInput meta, FieldInfos infos, int maxDoc)
      throws IOException {
    for (int number = meta.readInt(); number != -1; number = meta.readInt()) {
      FieldInfo info = infos.fieldInfo(number);
      if (info == null) {
        throw new CorruptIndexException("invalid field number: " + number, meta);
      }
      int similarityOrd = meta.readInt();
      VectorSimilarityFunction[] similarities = VectorSimilarityFunction.values();
      if (similarityOrd < 0 || similarityOrd >= similarities.length) {
        throw new CorruptIndexException(
            "field \"" + info.name + "\": invalid similarity " + similarityOrd, meta);
      }
      VectorSimilarityFunction similarity = similarities[similarityOrd];
      int dimension = meta.readVInt();
      int count = meta.readVInt();
      long offset = meta.readVLong();
      long length = meta.readVLong();
      int codebookLength = meta.readVInt();
      if (codebookLength < 0 || codebookLength > meta.length() - meta.getFilePointer()) {
        throw new CorruptIndexException(
            "field \"" + info.name + "\": codebook length " + codebookLength, meta);
      }
      byte[] bytes = new byte[codebookLength];
      meta.readBytes(bytes, 0, bytes.length);
      long fingerprint = meta.readLong();
      byte rawFlag = meta.readByte();
      if (rawFlag != 0 && rawFlag != 1) {
        throw new CorruptIndexException(
            "field \"" + info.name + "\": invalid raw-vectors flag " + rawFlag, meta);
      }
      boolean raw = rawFlag == 1;
      long docsOffset = 0;
      long docsLength = 0;
      if (!raw) {
        docsOffset = meta.readVLong();
        docsLength = meta.readVLong();
        long expectedDocs = count == maxDoc ? 0 : (long) count * Integer.BYTES;
        if (docsLength != expectedDocs) {
          throw new CorruptIndexException(
              "field \""
                  + info.name
                  + "\": "
                  + docsLength
                  + " bytes of documents for "
                  + count
                  + " vectors in "
                  + maxDoc
                  + " documents, expected "
                  + expectedDocs,
              meta);
        }
      }
      if (similarity != info.getVectorSimilarityFunction()
          || dimension != info.getVectorDimension()
          || info.getVectorEncoding() != VectorEncoding.FLOAT32) {
        throw new CorruptIndexException(
            "field \""
                + info.name
                + "\": codes of "
                + similarity
                + ", dimension "
                + dimension
                + " for a field of "
                + info.getVectorSimilarityFunction()
                + ", dimension "
                + info.getVectorDimension()
                + ", "
                + info.getVectorEncoding(),
            meta);
      }
      Codebook codebook;
      try {
        codebook = Codebook.read(new ByteArrayInputStream(bytes));
      } catch (IOException | RuntimeException e) {
        throw new CorruptIndexException(
            "field \"" + info.name + "\": unreadable codebook: " + e.getMessage(), meta, e);
      }
      if (codebook.fingerprint() != fingerprint || codebook.dimension() != dimension) {
        throw new CorruptIndexException(
            "field \""
                + info.name
                + "\": codebook "
                + codebook.fingerprintHex()
                + " of dimension "
                + codebook.dimension()
                + " recorded as "
                + Long.toHexString(fingerprint)
                + " of dimension "
                + dimension,
            meta);
      }
      long expected = (long) count * Similarities.bytesPerVector(codebook, similarity);
      if (length != expected) {
        throw new CorruptIndexException(
            "field \""
                + info.name
                + "\": "
                + length
                + " bytes of codes for "
                + count
                + " vectors, expected "
                + expected,
            meta);
      }
      if (fields.put(
              info.name,
              new FieldEntry(
                  similarity,
                  dimension,
                  count,
                  offset,
                  length,
                  codebook,
                  raw,
                  docsOffset,
                  docsLength))
          != null) {
        throw new CorruptIndexException("duplicate field: " + info.name, meta);
      }
    }
  }

  @Override
  public FlatVectorsScorer getFlatVectorScorer(String field) {
    return SignVectorScorer.INSTANCE;
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(String field, float[] target) throws IOException {
    FieldEntry e = fields.get(field);
    if (e == null) {
      return rawDelegate.getRandomVectorScorer(field, target);
    }
    return SignVectorScorer.INSTANCE.getRandomVectorScorer(
        e.similarity, getFloatVectorValues(field), target);
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(String field, byte[] target) throws IOException {
    return rawDelegate.getRandomVectorScorer(field, target);
  }

  /** Scores every accepted vector: the flat format used alone, without a graph. */
  @Override
  public void search(String field, float[] target, KnnCollector collector, AcceptDocs acceptDocs)
      throws IOException {
    exhaustive(getRandomVectorScorer(field, target), collector, acceptDocs);
  }

  @Override
  public void search(String field, byte[] target, KnnCollector collector, AcceptDocs acceptDocs)
      throws IOException {
    exhaustive(getRandomVectorScorer(field, target), collector, acceptDocs);
  }

  private static void exhaustive(
      RandomVectorScorer scorer, KnnCollector collector, AcceptDocs acceptDocs) throws IOException {
    if (scorer == null) {
      return;
    }
    Bits accepted = scorer.getAcceptOrds(acceptDocs == null ? null : acceptDocs.bits());
    for (int ord = 0; ord < scorer.maxOrd() && !collector.earlyTerminated(); ord++) {
      if (accepted == null || accepted.get(ord)) {
        collector.incVisitedCount(1);
        collector.collect(scorer.ordToDoc(ord), scorer.score(ord));
      }
    }
  }

  @Override
  public void checkIntegrity() throws IOException {
    rawDelegate.checkIntegrity();
    CodecUtil.checksumEntireFile(data);
  }

  @Override
  public FloatVectorValues getFloatVectorValues(String field) throws IOException {
    FieldEntry e = fields.get(field);
    if (e != null && !e.raw) {
      IndexInput codes = data.slice("codes " + field, e.offset, e.length);
      IndexInput docs =
          e.docsLength == 0 ? null : data.slice("docs " + field, e.docsOffset, e.docsLength);
      return new SignFloatVectorValues(e.codebook, e.similarity, e.count, codes, docs);
    }
    FloatVectorValues raw = rawDelegate.getFloatVectorValues(field);
    if (e == null || raw == null) {
      return raw;
    }
    if (raw.size() != e.count) {
      throw new CorruptIndexException(
          "field \"" + field + "\": " + e.count + " codes for " + raw.size() + " raw vectors",
          data);
    }
    return new SignFloatVectorValues(
        raw, e.codebook, e.similarity, data.slice("codes " + field, e.offset, e.length));
  }

  @Override
  public ByteVectorValues getByteVectorValues(String field) throws IOException {
    return rawDelegate.getByteVectorValues(field);
  }

  @Override
  public int getVectorCount(FieldInfo fieldInfo) throws IOException {
    FieldEntry e = fields.get(fieldInfo.name);
    return e != null ? e.count : rawDelegate.getVectorCount(fieldInfo);
  }

  @Override
  public Map<String, Long> getOffHeapByteSize(FieldInfo fieldInfo) {
    FieldEntry e = fields.get(fieldInfo.name);
    if (e != null && !e.raw) {
      return Map.of(SigncodecFlatVectorsFormat.DATA_EXTENSION, e.length + e.docsLength);
    }
    Map<String, Long> raw = rawDelegate.getOffHeapByteSize(fieldInfo);
    if (e == null) {
      return raw;
    }
    return KnnVectorsReader.mergeOffHeapByteSizeMaps(
        raw, Map.of(SigncodecFlatVectorsFormat.DATA_EXTENSION, e.length));
  }

  @Override
  public long ramBytesUsed() {
    long codebooks = 0;
    for (FieldEntry e : fields.values()) {
      codebooks += e.codebook.serializedSize();
    }
    return SHALLOW_SIZE + codebooks + rawDelegate.ramBytesUsed();
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(data, rawDelegate);
  }
}
