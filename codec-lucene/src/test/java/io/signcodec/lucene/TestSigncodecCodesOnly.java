package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import java.io.IOException;
import java.util.Map;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnByteVectorQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;

/** The formats without raw vectors: codes alone, on fixed seeded vectors. */
public class TestSigncodecCodesOnly extends LuceneTestCase {
  private static final int D = 32;
  private static final float[][] DOCS = Vectors.anisotropic(61, 600, D, true);
  private static final VectorSimilarityFunction SIM = VectorSimilarityFunction.EUCLIDEAN;

  private static SigncodecHnswVectorsFormat codesOnly(Codebook codebook) {
    return SigncodecHnswVectorsFormat.builder().codebook(codebook).keepRawVectors(false).build();
  }

  /**
   * Every third document has no vector and some are deleted; after three segments merge into one
   * (the same codebook: codes copied) and the index reopens, each remaining vector's code is its
   * encoding, vectorValue is its reconstruction, the documents are right, only codes are stored,
   * and a search finds a document from its own vector.
   */
  public void testIndexDeleteMergeReopen() throws IOException {
    Codebook codebook = Vectors.train(DOCS, 2, 4);
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w =
          new IndexWriter(dir, Vectors.config(codesOnly(codebook)).setUseCompoundFile(false))) {
        for (int i = 0; i < DOCS.length; i++) {
          Document doc = new Document();
          doc.add(new NumericDocValuesField("id", i));
          if (i % 3 != 0) {
            doc.add(new KnnFloatVectorField(Vectors.FIELD, DOCS[i], SIM));
          }
          w.addDocument(doc);
          if ((i + 1) % 200 == 0) {
            w.commit();
          }
        }
        for (int i = 0; i < DOCS.length; i += 7) {
          w.deleteDocuments(NumericDocValuesField.newSlowExactQuery("id", i));
        }
      }
      assertNoRawVectors(dir); // the flushed segments
      TieredMergePolicy noCompoundFiles = new TieredMergePolicy();
      noCompoundFiles.setNoCFSRatio(0);
      try (IndexWriter w =
          new IndexWriter(
              dir,
              new IndexWriterConfig()
                  .setCodec(SigncodecCodecs.withFormat(codesOnly(codebook)))
                  .setMergePolicy(noCompoundFiles))) {
        w.forceMerge(1);
      }
      assertNoRawVectors(dir);
      try (DirectoryReader reader = Vectors.open(dir)) {
        assertEquals(1, reader.leaves().size());
        LeafReader leaf = reader.leaves().get(0).reader();
        SignFloatVectorValues values = Vectors.codes(reader);
        assertNull(values.raw);
        int expected = 0;
        for (int i = 0; i < DOCS.length; i++) {
          expected += i % 3 != 0 && i % 7 != 0 ? 1 : 0;
        }
        assertEquals(expected, values.size());
        SignEncoder encoder = SignEncoder.of(codebook);
        LinearDecoder decoder = LinearDecoder.of(codebook);
        NumericDocValues ids = leaf.getNumericDocValues("id");
        KnnVectorValues.DocIndexIterator it = values.iterator();
        int seen = 0;
        for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
          int ord = it.index();
          assertEquals(doc, values.ordToDoc(ord));
          assertTrue(ids.advanceExact(doc));
          int id = (int) ids.longValue();
          assertTrue("doc " + doc + " id " + id, id % 3 != 0 && id % 7 != 0);
          byte[] code = encoder.encode(DOCS[id]);
          assertArrayEquals("id " + id, code, values.codeValue(ord));
          assertArrayEquals(decoder.decode(code), values.vectorValue(ord), 0f);
          seen++;
        }
        assertEquals(expected, seen);

        KnnVectorsReader vectors =
            ((PerFieldKnnVectorsFormat.FieldsReader) ((CodecReader) leaf).getVectorReader())
                .getFieldReader(Vectors.FIELD);
        Map<String, Long> offHeap =
            vectors.getOffHeapByteSize(leaf.getFieldInfos().fieldInfo(Vectors.FIELD));
        // codes, ‖x̂‖² (EUCLIDEAN) and the document of each ordinal; no raw vectors
        assertEquals(
            (long) expected * (codebook.codeBytes() + Float.BYTES + Integer.BYTES),
            (long) offHeap.get("vsc"));
        assertFalse(offHeap.toString(), offHeap.containsKey("vec"));

        TopDocs top =
            new IndexSearcher(reader).search(new KnnFloatVectorQuery(Vectors.FIELD, DOCS[5], 1), 1);
        NumericDocValues idsAgain = leaf.getNumericDocValues("id");
        assertTrue(idsAgain.advanceExact(top.scoreDocs[0].doc));
        assertEquals(5, idsAgain.longValue());
      }
    }
  }

  /** Lucene99FlatVectorsFormat's raw vector files hold no vectors, only headers and footers. */
  private static void assertNoRawVectors(Directory dir) throws IOException {
    int files = 0;
    for (String file : dir.listAll()) {
      if (file.endsWith(".vec")) {
        assertTrue(file + ": " + dir.fileLength(file), dir.fileLength(file) < 200);
        files++;
      }
    }
    assertTrue("no .vec file", files > 0);
  }

  /** Segments without raw vectors cannot merge into another codebook: both fingerprints named. */
  public void testMergeIntoAnotherCodebookFails() throws IOException {
    Codebook a = Vectors.train(DOCS, 2, 4);
    Codebook b = Vectors.train(DOCS, 1, 5);
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(dir, Vectors.config(codesOnly(a)))) {
        Vectors.index(w, DOCS, SIM, 300);
      }
      IndexWriterConfig config =
          new IndexWriterConfig()
              .setCodec(SigncodecCodecs.withFormat(codesOnly(b)))
              .setMergeScheduler(new SerialMergeScheduler()); // the merge fails in this thread
      try (IndexWriter w = new IndexWriter(dir, config)) {
        // an exception in a merge is the writer's tragedy: it closes, and the index is left as it
        // was before the merge
        IllegalStateException e = expectThrows(IllegalStateException.class, () -> w.forceMerge(1));
        Throwable cause = e;
        while (cause.getCause() != null
            && !(cause.getMessage() != null && cause.getMessage().startsWith("cannot merge"))) {
          cause = cause.getCause();
        }
        assertNotNull(e.toString(), cause.getMessage());
        assertTrue(
            cause.getMessage(),
            cause
                .getMessage()
                .matches(
                    "cannot merge field \"v\" into segment _\\w+: a segment written with codebook "
                        + a.fingerprintHex()
                        + " kept no raw vectors to re-encode for the writing format's codebook "
                        + b.fingerprintHex()
                        + "; merge with a format of codebook "
                        + a.fingerprintHex()
                        + ", or keep raw vectors"));
      }
      try (DirectoryReader reader = Vectors.open(dir)) {
        assertEquals(2, reader.leaves().size()); // nothing lost
        assertEquals(a, Vectors.codes(reader).codebook);
      }
    }
  }

  /** Byte vectors are stored raw, also by a format that keeps no raw float vectors. */
  public void testByteVectorsStayRaw() throws IOException {
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w =
          new IndexWriter(
              dir,
              Vectors.config(
                  SigncodecHnswVectorsFormat.builder()
                      .dataFree(1, 1)
                      .keepRawVectors(false)
                      .build()))) {
        for (int i = 0; i < 50; i++) {
          Document doc = new Document();
          doc.add(new KnnByteVectorField("b", new byte[] {(byte) i, (byte) (2 * i), 1, 0}));
          doc.add(new NumericDocValuesField("id", i));
          w.addDocument(doc);
        }
      }
      try (DirectoryReader reader = Vectors.open(dir)) {
        TopDocs top =
            new IndexSearcher(reader)
                .search(new KnnByteVectorQuery("b", new byte[] {17, 34, 1, 0}, 1), 1);
        assertEquals(17, top.scoreDocs[0].doc);
        assertArrayEquals(
            new byte[] {17, 34, 1, 0},
            reader.leaves().get(0).reader().getByteVectorValues("b").vectorValue(17));
      }
    }
  }
}
