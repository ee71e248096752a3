package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatFieldVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.index.DocIDMerger;
import org.apache.lucene.index.DocsWithFieldSet;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.Sorter;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.RamUsageEstimator;

/**
 * Writes the raw vectors through the delegate and, for float fields, their codes in the same
 * ordinal order, with the codebook in the segment's metadata ({@link SigncodecFlatVectorsFormat}
 * draws the files).
 */
final class SignFlatVectorsWriter extends FlatVectorsWriter {
  private static final long SHALLOW_RAM_BYTES_USED =
      RamUsageEstimator.shallowSizeOfInstance(SignFlatVectorsWriter.class);

  private final SegmentWriteState state;
  private final CodebookChoice codebooks;
  private final boolean keepRaw;
  private final FlatVectorsWriter rawDelegate;
  private final List<FieldWriter> fields = new ArrayList<>();
  private final IndexOutput meta;
  private final IndexOutput data;
  private boolean finished;

  /**
   * @param keepRaw whether float vectors go to the raw delegate too; byte vectors always do
   */
  SignFlatVectorsWriter(
      SegmentWriteState state,
      CodebookChoice codebooks,
      boolean keepRaw,
      FlatVectorsWriter rawDelegate)
      throws IOException {
    super(SignVectorScorer.INSTANCE);
    this.state = state;
    this.codebooks = codebooks;
    this.keepRaw = keepRaw;
    this.rawDelegate = rawDelegate;
    IndexOutput m = null;
    IndexOutput d = null;
    try {
      m =
          state.directory.createOutput(
              IndexFileNames.segmentFileName(
                  state.segmentInfo.name,
                  state.segmentSuffix,
                  SigncodecFlatVectorsFormat.META_EXTENSION),
              state.context);
      d =
          state.directory.createOutput(
              IndexFileNames.segmentFileName(
                  state.segmentInfo.name,
                  state.segmentSuffix,
                  SigncodecFlatVectorsFormat.DATA_EXTENSION),
              state.context);
      CodecUtil.writeIndexHeader(
          m,
          SigncodecFlatVectorsFormat.META_CODEC_NAME,
          SigncodecFlatVectorsFormat.VERSION_CURRENT,
          state.segmentInfo.getId(),
          state.segmentSuffix);
      CodecUtil.writeIndexHeader(
          d,
          SigncodecFlatVectorsFormat.DATA_CODEC_NAME,
          SigncodecFlatVectorsFormat.VERSION_CURRENT,
          state.segmentInfo.getId(),
          state.segmentSuffix);
    } catch (Throwable t) {
      IOUtils.closeWhileSuppressingExceptions(t, m, d, rawDelegate);
      throw t;
    }
    this.meta = m;
    this.data = d;
  }

  @Override
  public FlatFieldVectorsWriter<?> addField(FieldInfo fieldInfo) throws IOException {
    if (fieldInfo.getVectorEncoding() != VectorEncoding.FLOAT32) {
      // byte vectors stay unquantized, as in Lucene's quantized formats
      return rawDelegate.addField(fieldInfo);
    }
    Codebook codebook = codebooks.forField(fieldInfo);
    FlatFieldVectorsWriter<float[]> raw = null;
    if (keepRaw) {
      @SuppressWarnings("unchecked")
      FlatFieldVectorsWriter<float[]> r =
          (FlatFieldVectorsWriter<float[]>) rawDelegate.addField(fieldInfo);
      raw = r;
    }
    FieldWriter field = new FieldWriter(fieldInfo, codebook, raw);
    fields.add(field);
    return field;
  }

  @Override
  public void flush(int maxDoc, Sorter.DocMap sortMap) throws IOException {
    rawDelegate.flush(maxDoc, sortMap);
    for (FieldWriter field : fields) {
      List<float[]> vectors = field.getVectors();
      Similarities.FieldCoder coder =
          new Similarities.FieldCoder(
              field.codebook, field.fieldInfo.getVectorSimilarityFunction());
      long offset = data.alignFilePointer(Float.BYTES);
      DocsWithFieldSet docs = field.getDocsWithFieldSet();
      if (sortMap == null) {
        for (float[] v : vectors) {
          writeCode(coder, v);
        }
      } else {
        // new ordinal -> old ordinal, as the raw delegate sorts its vectors
        int[] ordMap = new int[docs.cardinality()];
        DocsWithFieldSet sorted = new DocsWithFieldSet();
        KnnVectorsWriter.mapOldOrdToNewOrd(docs, sortMap, null, ordMap, sorted);
        for (int oldOrd : ordMap) {
          writeCode(coder, vectors.get(oldOrd));
        }
        docs = sorted;
      }
      long codesLength = data.getFilePointer() - offset;
      writeMeta(field.fieldInfo, field.codebook, vectors.size(), offset, codesLength, docs, maxDoc);
      field.finish();
    }
  }

  private void writeCode(Similarities.FieldCoder coder, float[] vector) throws IOException {
    float norm2 = coder.encode(vector);
    data.writeBytes(coder.code, coder.code.length);
    if (coder.norms) {
      data.writeInt(Float.floatToIntBits(norm2));
    }
  }

  /**
   * Writes a field's entry; without raw vectors, first the documents of its ordinals to the data
   * file unless every document has a vector.
   */
  private void writeMeta(
      FieldInfo field,
      Codebook codebook,
      int count,
      long offset,
      long length,
      DocsWithFieldSet docs,
      int maxDoc)
      throws IOException {
    long docsOffset = 0;
    long docsLength = 0;
    if (!keepRaw && count != maxDoc) {
      docsOffset = data.alignFilePointer(Integer.BYTES);
      DocIdSetIterator it = docs.iterator();
      for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
        data.writeInt(doc);
      }
      docsLength = data.getFilePointer() - docsOffset;
    }
    meta.writeInt(field.number);
    meta.writeInt(field.getVectorSimilarityFunction().ordinal());
    meta.writeVInt(field.getVectorDimension());
    meta.writeVInt(count);
    meta.writeVLong(offset);
    meta.writeVLong(length);
    byte[] bytes = codebook.toByteArray();
    meta.writeVInt(bytes.length);
    meta.writeBytes(bytes, bytes.length);
    meta.writeLong(codebook.fingerprint());
    meta.writeByte((byte) (keepRaw ? 1 : 0));
    if (!keepRaw) {
      meta.writeVLong(docsOffset);
      meta.writeVLong(docsLength);
    }
  }

  @Override
  public void mergeOneFlatVectorField(FieldInfo fieldInfo, MergeState mergeState)
      throws IOException {
    if (fieldInfo.getVectorEncoding() != VectorEncoding.FLOAT32) {
      rawDelegate.mergeOneFlatVectorField(fieldInfo, mergeState);
      return;
    }
    Codebook codebook = codebooks.forField(fieldInfo);
    Similarities.FieldCoder coder =
        new Similarities.FieldCoder(codebook, fieldInfo.getVectorSimilarityFunction());
    List<MergeSub> subs = new ArrayList<>();
    for (int i = 0; i < mergeState.knnVectorsReaders.length; i++) {
      KnnVectorsReader reader = mergeState.knnVectorsReaders[i];
      if (reader == null
          || !KnnVectorsWriter.MergedVectorValues.hasVectorValues(
              mergeState.fieldInfos[i], fieldInfo.name)) {
        continue;
      }
      FloatVectorValues values = reader.getFloatVectorValues(fieldInfo.name);
      if (values != null) {
        MergeSub sub = new MergeSub(mergeState.docMaps[i], values, codebook);
        if (sub.sameCodebook == null
            && values instanceof SignFloatVectorValues sign
            && sign.raw == null) {
          throw new IllegalStateException(
              "cannot merge field \""
                  + fieldInfo.name
                  + "\" into segment "
                  + mergeState.segmentInfo.name
                  + ": a segment written with codebook "
                  + sign.codebook.fingerprintHex()
                  + " kept no raw vectors to re-encode for the writing format's codebook "
                  + codebook.fingerprintHex()
                  + "; merge with a format of codebook "
                  + sign.codebook.fingerprintHex()
                  + ", or keep raw vectors");
        }
        subs.add(sub);
      }
    }
    if (keepRaw) {
      rawDelegate.mergeOneFlatVectorField(fieldInfo, mergeState);
    }
    DocIDMerger<MergeSub> merger = DocIDMerger.of(subs, mergeState.needsIndexSort);
    long offset = data.alignFilePointer(Float.BYTES);
    int count = 0;
    DocsWithFieldSet docs = new DocsWithFieldSet();
    for (MergeSub sub = merger.next(); sub != null; sub = merger.next()) {
      docs.add(sub.mappedDocID);
      int ord = sub.iterator.index();
      if (sub.sameCodebook != null) {
        // the same codebook: the code (and its norm) is copied as it is
        data.writeBytes(sub.sameCodebook.codeValue(ord), codebook.codeBytes());
        if (coder.norms) {
          data.writeInt(Float.floatToIntBits(sub.sameCodebook.codeNorm2(ord)));
        }
      } else {
        writeCode(coder, sub.values.vectorValue(ord));
      }
      count++;
    }
    long length = data.getFilePointer() - offset;
    writeMeta(fieldInfo, codebook, count, offset, length, docs, mergeState.segmentInfo.maxDoc());
  }

  /** One segment's vectors of a merged field, with its codes when they are of the codebook. */
  private static final class MergeSub extends DocIDMerger.Sub {
    final FloatVectorValues values;
    final KnnVectorValues.DocIndexIterator iterator;
    final SignFloatVectorValues sameCodebook;

    MergeSub(MergeState.DocMap docMap, FloatVectorValues values, Codebook codebook) {
      super(docMap);
      this.values = values;
      this.iterator = values.iterator();
      this.sameCodebook =
          values instanceof SignFloatVectorValues sign
                  && sign.codebook.fingerprint() == codebook.fingerprint()
                  && sign.codebook.equals(codebook)
              ? sign
              : null;
    }

    @Override
    public int nextDoc() throws IOException {
      return iterator.nextDoc();
    }
  }

  @Override
  public void finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    finished = true;
    rawDelegate.finish();
    meta.writeInt(-1); // end of fields
    CodecUtil.writeFooter(meta);
    CodecUtil.writeFooter(data);
  }

  @Override
  public long ramBytesUsed() {
    long total = SHALLOW_RAM_BYTES_USED + rawDelegate.ramBytesUsed();
    for (FieldWriter field : fields) {
      // with raw vectors kept, the delegate counts them
      total += keepRaw ? FieldWriter.SHALLOW_SIZE : field.ramBytesUsed();
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(meta, data, rawDelegate);
  }

  /**
   * A float field: the raw delegate holds the vectors until the flush codes them, or, when raw
   * vectors are not kept, this writer does.
   */
  private static final class FieldWriter extends FlatFieldVectorsWriter<float[]> {
    static final long SHALLOW_SIZE = RamUsageEstimator.shallowSizeOfInstance(FieldWriter.class);

    final FieldInfo fieldInfo;
    final Codebook codebook;
    private final FlatFieldVectorsWriter<float[]> raw;
    private final List<float[]> vectors;
    private final DocsWithFieldSet docs;
    private int lastDoc = -1;
    private boolean finished;

    /**
     * @param raw the raw delegate's writer, or null to hold the vectors here
     */
    FieldWriter(FieldInfo fieldInfo, Codebook codebook, FlatFieldVectorsWriter<float[]> raw) {
      this.fieldInfo = fieldInfo;
      this.codebook = codebook;
      this.raw = raw;
      this.vectors = raw == null ? new ArrayList<>() : null;
      this.docs = raw == null ? new DocsWithFieldSet() : null;
    }

    @Override
    public void addValue(int docID, float[] vectorValue) throws IOException {
      if (raw != null) {
        raw.addValue(docID, vectorValue);
        return;
      }
      if (finished) {
        throw new IllegalStateException("already finished, cannot add more values");
      }
      if (docID == lastDoc) {
        throw new IllegalArgumentException(
            "VectorValuesField \""
                + fieldInfo.name
                + "\" appears more than once in this document (only one value is allowed per field)");
      }
      assert docID > lastDoc;
      vectors.add(copyValue(vectorValue));
      docs.add(docID);
      lastDoc = docID;
    }

    @Override
    public float[] copyValue(float[] vectorValue) {
      return ArrayUtil.copyOfSubArray(vectorValue, 0, vectorValue.length);
    }

    @Override
    public List<float[]> getVectors() {
      return raw != null ? raw.getVectors() : vectors;
    }

    @Override
    public DocsWithFieldSet getDocsWithFieldSet() {
      return raw != null ? raw.getDocsWithFieldSet() : docs;
    }

    @Override
    public void finish() throws IOException {
      if (finished) {
        return;
      }
      assert raw == null || raw.isFinished();
      finished = true;
    }

    @Override
    public boolean isFinished() {
      return finished && (raw == null || raw.isFinished());
    }

    @Override
    public long ramBytesUsed() {
      if (raw != null) {
        return SHALLOW_SIZE + raw.ramBytesUsed();
      }
      return SHALLOW_SIZE
          + docs.ramBytesUsed()
          + (long) vectors.size()
              * (RamUsageEstimator.NUM_BYTES_OBJECT_REF + RamUsageEstimator.NUM_BYTES_ARRAY_HEADER)
          + (long) vectors.size() * fieldInfo.getVectorDimension() * Float.BYTES;
    }
  }
}
