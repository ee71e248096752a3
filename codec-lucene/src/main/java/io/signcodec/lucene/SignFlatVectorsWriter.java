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
import org.apache.lucene.store.IndexOutput;
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
  private final FlatVectorsWriter rawDelegate;
  private final List<FieldWriter> fields = new ArrayList<>();
  private final IndexOutput meta;
  private final IndexOutput data;
  private boolean finished;

  SignFlatVectorsWriter(
      SegmentWriteState state, CodebookChoice codebooks, FlatVectorsWriter rawDelegate)
      throws IOException {
    super(SignVectorScorer.INSTANCE);
    this.state = state;
    this.codebooks = codebooks;
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
    FlatFieldVectorsWriter<?> raw = rawDelegate.addField(fieldInfo);
    if (fieldInfo.getVectorEncoding() != VectorEncoding.FLOAT32) {
      return raw; // byte vectors stay unquantized, as in Lucene's quantized formats
    }
    Codebook codebook = codebooks.forField(fieldInfo);
    @SuppressWarnings("unchecked")
    FieldWriter field = new FieldWriter(fieldInfo, codebook, (FlatFieldVectorsWriter<float[]>) raw);
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
      if (sortMap == null) {
        for (float[] v : vectors) {
          writeCode(coder, v);
        }
      } else {
        // new ordinal -> old ordinal, as the raw delegate sorts its vectors
        int[] ordMap = new int[field.getDocsWithFieldSet().cardinality()];
        KnnVectorsWriter.mapOldOrdToNewOrd(
            field.getDocsWithFieldSet(), sortMap, null, ordMap, new DocsWithFieldSet());
        for (int oldOrd : ordMap) {
          writeCode(coder, vectors.get(oldOrd));
        }
      }
      writeMeta(field.fieldInfo, field.codebook, vectors.size(), offset);
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

  private void writeMeta(FieldInfo field, Codebook codebook, int count, long offset)
      throws IOException {
    long length = data.getFilePointer() - offset;
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
  }

  @Override
  public void mergeOneFlatVectorField(FieldInfo fieldInfo, MergeState mergeState)
      throws IOException {
    rawDelegate.mergeOneFlatVectorField(fieldInfo, mergeState);
    if (fieldInfo.getVectorEncoding() != VectorEncoding.FLOAT32) {
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
        subs.add(new MergeSub(mergeState.docMaps[i], values, codebook));
      }
    }
    DocIDMerger<MergeSub> merger = DocIDMerger.of(subs, mergeState.needsIndexSort);
    long offset = data.alignFilePointer(Float.BYTES);
    int count = 0;
    for (MergeSub sub = merger.next(); sub != null; sub = merger.next()) {
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
    writeMeta(fieldInfo, codebook, count, offset);
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
      total += FieldWriter.SHALLOW_SIZE;
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(meta, data, rawDelegate);
  }

  /** A float field: the raw delegate holds the vectors until the flush codes them. */
  private static final class FieldWriter extends FlatFieldVectorsWriter<float[]> {
    static final long SHALLOW_SIZE = RamUsageEstimator.shallowSizeOfInstance(FieldWriter.class);

    final FieldInfo fieldInfo;
    final Codebook codebook;
    private final FlatFieldVectorsWriter<float[]> raw;
    private boolean finished;

    FieldWriter(FieldInfo fieldInfo, Codebook codebook, FlatFieldVectorsWriter<float[]> raw) {
      this.fieldInfo = fieldInfo;
      this.codebook = codebook;
      this.raw = raw;
    }

    @Override
    public void addValue(int docID, float[] vectorValue) throws IOException {
      raw.addValue(docID, vectorValue);
    }

    @Override
    public float[] copyValue(float[] vectorValue) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<float[]> getVectors() {
      return raw.getVectors();
    }

    @Override
    public DocsWithFieldSet getDocsWithFieldSet() {
      return raw.getDocsWithFieldSet();
    }

    @Override
    public void finish() throws IOException {
      if (finished) {
        return;
      }
      assert raw.isFinished();
      finished = true;
    }

    @Override
    public boolean isFinished() {
      return finished && raw.isFinished();
    }

    @Override
    public long ramBytesUsed() {
      return SHALLOW_SIZE + raw.ramBytesUsed();
    }
  }
}
