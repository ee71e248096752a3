package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.VectorUtil;

/** What the formats score, store, merge and refuse, on fixed seeded vectors. */
public class TestSigncodecFormats extends LuceneTestCase {
  private static final int D = 32;

  /**
   * Every similarity scores a document as Lucene's formula on the query and the document's
   * reconstruction x̂ (COSINE: of the normalized vector), from an inner product within the
   * quantized query's bound of {@code ⟨q, x̂⟩}; the flat format's exhaustive search returns the top
   * k by that score; rescoring without raw vectors gives the formula itself. With codes that carry
   * a per-vector gain too.
   */
  public void testScoresAreLuceneFormulasOnTheReconstruction() throws IOException {
    for (int gainBits : new int[] {0, 3}) {
      for (VectorSimilarityFunction similarity : VectorSimilarityFunction.values()) {
        assertScoresAreLuceneFormulas(similarity, gainBits);
      }
    }
  }

  private void assertScoresAreLuceneFormulas(VectorSimilarityFunction similarity, int gainBits)
      throws IOException {
    boolean unit = similarity == VectorSimilarityFunction.DOT_PRODUCT;
    // 24-byte codes: more than the quantized query's exact head bytes, so that some are rounded
    int d = 96;
    float[][] docs = Vectors.anisotropic(11, 300, d, unit);
    float[][] queries = Vectors.anisotropic(12, 5, d, unit);
    Codebook codebook = Vectors.train(docs, 2, 3, gainBits);
    assertEquals(gainBits, codebook.gainBits());
    assertTrue(
        io.signcodec.core.CodeScorer.of(codebook).prepareQuantized(queries[0]).maxError() > 0);
    float[][] reconstructions = new float[docs.length][];
    for (int i = 0; i < docs.length; i++) {
      reconstructions[i] = reconstruction(codebook, docs[i], similarity);
    }
    for (boolean keepRaw : new boolean[] {true, false}) {
      try (Directory dir = new ByteBuffersDirectory()) {
        try (IndexWriter w =
            new IndexWriter(
                dir, Vectors.config(new SigncodecFlatVectorsFormat(codebook, keepRaw)))) {
          Vectors.index(w, docs, similarity, docs.length);
        }
        try (DirectoryReader reader = Vectors.open(dir)) {
          IndexSearcher searcher = new IndexSearcher(reader);
          for (float[] q : queries) {
            float[] query = q;
            if (similarity == VectorSimilarityFunction.COSINE) {
              query = VectorUtil.l2normalize(q.clone(), false);
            }
            double bound =
                io.signcodec.core.CodeScorer.of(codebook).prepareQuantized(query).maxError();
            float queryNorm2 = Similarities.norm2(query);
            float[] expected = new float[docs.length];
            float[] low = new float[docs.length];
            float[] high = new float[docs.length];
            for (int i = 0; i < docs.length; i++) {
              float[] x = reconstructions[i];
              expected[i] = similarity.compare(q, x);
              float dot = VectorUtil.dotProduct(query, x);
              float norm2 = Similarities.norm2(x);
              float slack = (float) bound + 1e-5f * Math.max(1, Math.abs(dot));
              low[i] = Similarities.score(similarity, dot - slack, queryNorm2, norm2);
              high[i] = Similarities.score(similarity, dot + slack, queryNorm2, norm2);
            }
            int k = 20;
            TopDocs top = searcher.search(new KnnFloatVectorQuery(Vectors.FIELD, q, k), k);
            assertEquals(similarity.toString(), k, top.scoreDocs.length);
            float[] sorted = low.clone();
            Arrays.sort(sorted);
            float kth = sorted[sorted.length - k];
            for (ScoreDoc hit : top.scoreDocs) {
              String what = similarity + " gain " + gainBits + " doc " + hit.doc;
              assertTrue(
                  what + ": " + hit.score + " below " + low[hit.doc],
                  hit.score >= low[hit.doc] - 1e-6f);
              assertTrue(
                  what + ": " + hit.score + " above " + high[hit.doc],
                  hit.score <= high[hit.doc] + 1e-6f);
              assertTrue(what + ": not a top-k score", high[hit.doc] >= kth - 1e-6f);
            }
            if (!keepRaw) {
              org.apache.lucene.search.VectorScorer rescorer =
                  reader.leaves().get(0).reader().getFloatVectorValues(Vectors.FIELD).rescorer(q);
              org.apache.lucene.search.DocIdSetIterator it = rescorer.iterator();
              for (int doc = it.nextDoc();
                  doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
                  doc = it.nextDoc()) {
                assertEquals(
                    similarity + " rescored doc " + doc,
                    expected[doc],
                    rescorer.score(),
                    1e-5f * Math.max(1, Math.abs(expected[doc])));
              }
            }
          }
        }
      }
    }
  }

  private static float[] reconstruction(
      Codebook codebook, float[] vector, VectorSimilarityFunction similarity) {
    float[] v = vector.clone();
    if (similarity == VectorSimilarityFunction.COSINE) {
      VectorUtil.l2normalize(v);
    }
    return LinearDecoder.of(codebook).decode(SignEncoder.of(codebook).encode(v));
  }

  /** The codes file holds 1 code per vector, plus ‖x̂‖² for COSINE and EUCLIDEAN. */
  public void testBytesPerVector() throws IOException {
    Codebook codebook = Vectors.train(Vectors.anisotropic(5, 200, D, false), 1, 5);
    for (VectorSimilarityFunction similarity : VectorSimilarityFunction.values()) {
      boolean norms =
          similarity == VectorSimilarityFunction.COSINE
              || similarity == VectorSimilarityFunction.EUCLIDEAN;
      assertEquals(
          codebook.codeBytes() + (norms ? 4 : 0),
          Similarities.bytesPerVector(codebook, similarity));
    }
    assertEquals(D / 8, codebook.codeBytes());
  }

  /**
   * A merge of segments written with the writer's codebook keeps their codes; segments of another
   * codebook are re-encoded from their raw vectors, and the merged segment records the writer's
   * codebook.
   */
  public void testMergeCopiesOrReencodes() throws IOException {
    float[][] docs = Vectors.anisotropic(21, 400, D, true);
    Codebook a = Vectors.train(docs, 2, 1);
    Codebook b = Vectors.train(docs, 1, 2);
    assertNotEquals(a.fingerprint(), b.fingerprint());
    VectorSimilarityFunction sim = VectorSimilarityFunction.DOT_PRODUCT;
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(dir, Vectors.config(hnsw(a)))) { // two segments of a
        Vectors.index(w, Arrays.copyOfRange(docs, 0, 200), sim, 100);
      }
      try (IndexWriter w = new IndexWriter(dir, Vectors.config(hnsw(b)))) { // one segment of b
        Vectors.index(w, Arrays.copyOfRange(docs, 200, 400), sim, 200);
      }
      try (DirectoryReader reader = Vectors.open(dir)) {
        assertEquals(3, reader.leaves().size());
      }
      try (IndexWriter w =
          new IndexWriter(
              dir,
              new IndexWriterConfig()
                  .setCodec(SigncodecCodecs.withFormat(hnsw(a)))
                  // keeps the segments' order, so document i is still docs[i]
                  .setMergePolicy(new LogDocMergePolicy()))) {
        w.forceMerge(1);
      }
      try (DirectoryReader reader = Vectors.open(dir)) {
        assertEquals(1, reader.leaves().size());
        SignFloatVectorValues values = Vectors.codes(reader);
        assertEquals(a, values.codebook);
        assertEquals(docs.length, values.size());
        SignEncoder encoder = SignEncoder.of(a);
        for (int ord = 0; ord < values.size(); ord++) {
          byte[] expected = encoder.encode(values.vectorValue(ord));
          assertArrayEquals("ord " + ord, expected, values.codeValue(ord));
        }
        assertRecall(reader, docs, sim, 0.5);
      }
    }
  }

  /** A field of another dimension than the given codebook's is refused, naming both. */
  public void testCodebookOfAnotherDimensionIsRefused() throws IOException {
    Codebook codebook = Vectors.train(Vectors.anisotropic(5, 200, 16, false), 1, 5);
    try (Directory dir = new ByteBuffersDirectory();
        IndexWriter w = new IndexWriter(dir, Vectors.config(hnsw(codebook)))) {
      Document doc = new Document();
      doc.add(new KnnFloatVectorField(Vectors.FIELD, new float[D]));
      IllegalArgumentException e =
          expectThrows(IllegalArgumentException.class, () -> w.addDocument(doc));
      assertEquals(
          "field \"v\" has dimension 32, the format's codebook "
              + codebook.fingerprintHex()
              + " has 16",
          e.getMessage());
    }
  }

  /** The builder refuses graph parameters out of Lucene's ranges. */
  public void testBuilderChecks() {
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> SigncodecHnswVectorsFormat.builder().maxConn(0));
    assertEquals("maxConn must be in 1..512: 0", e.getMessage());
    e =
        expectThrows(
            IllegalArgumentException.class,
            () -> SigncodecHnswVectorsFormat.builder().beamWidth(3201));
    assertEquals("beamWidth must be in 1..3200: 3201", e.getMessage());
    e =
        expectThrows(
            IllegalArgumentException.class,
            () -> SigncodecHnswVectorsFormat.builder().dataFree(0, 1));
    assertEquals("rate must be positive: 0.0", e.getMessage());
  }

  /**
   * The data-free form is fitted to unit vectors: mean 0, {@code 1/√d} per coordinate, so that the
   * reconstructions of centred unit vectors keep most of their energy (measured: mean ‖x̂‖² 0.92,
   * 0.89, 0.88 at d = 16, 64, 200, near the 2-bit Gaussian quantizer's 0.88; a scale off by √2
   * would give about 1.8 or 0.4); each dimension gets its own codebook of rate·d bits.
   */
  public void testDataFreeFormIsFittedToUnitVectors() {
    CodebookChoice choice = CodebookChoice.dataFree(2, 9);
    for (int d : new int[] {16, 64, 200}) {
      Codebook codebook = choice.forField(fieldOfDimension(d));
      assertEquals(2 * d, codebook.bits());
      assertTrue(codebook.isStructured() || codebook.isAllocated());
      float[][] unit = Vectors.anisotropic(70 + d, 200, d, true);
      double norm2 = 0;
      for (float[] x : unit) {
        // centre the test vectors, since the form assumes mean 0
        float[] v = x.clone();
        for (int j = 0; j < d; j++) {
          v[j] -= 0.3f / (float) Math.sqrt(d);
        }
        VectorUtil.l2normalize(v);
        float[] r = LinearDecoder.of(codebook).decode(SignEncoder.of(codebook).encode(v));
        norm2 += Similarities.norm2(r);
      }
      double mean = norm2 / unit.length;
      assertTrue("d = " + d + ": mean ‖x̂‖² " + mean, mean > 0.8 && mean < 1.0);
    }
    assertSame(choice.forField(fieldOfDimension(64)), choice.forField(fieldOfDimension(64)));
  }

  private static org.apache.lucene.index.FieldInfo fieldOfDimension(int d) {
    return new org.apache.lucene.index.FieldInfo(
        "v",
        0,
        false,
        false,
        false,
        org.apache.lucene.index.IndexOptions.NONE,
        org.apache.lucene.index.DocValuesType.NONE,
        org.apache.lucene.index.DocValuesSkipIndexType.NONE,
        -1,
        java.util.Map.of(),
        0,
        0,
        0,
        d,
        org.apache.lucene.index.VectorEncoding.FLOAT32,
        VectorSimilarityFunction.DOT_PRODUCT,
        false,
        false);
  }

  /**
   * {@link SigncodecCodecs#perField}: the chosen fields get the format, the others the default
   * codec's, and the codec keeps the default codec's name.
   */
  public void testPerFieldCodec() throws IOException {
    SigncodecHnswVectorsFormat format = new SigncodecHnswVectorsFormat();
    org.apache.lucene.codecs.Codec codec =
        SigncodecCodecs.perField(field -> field.equals("codes") ? format : null);
    assertEquals(org.apache.lucene.codecs.Codec.getDefault().getName(), codec.getName());
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setCodec(codec))) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("codes", new float[] {0.6f, 0.8f, 0, 0}));
        doc.add(new KnnFloatVectorField("floats", new float[] {0.6f, 0.8f, 0, 0}));
        w.addDocument(doc);
      }
      try (DirectoryReader reader = Vectors.open(dir)) {
        org.apache.lucene.index.FieldInfos infos = reader.leaves().get(0).reader().getFieldInfos();
        String key = "PerFieldKnnVectorsFormat.format";
        assertEquals(SigncodecHnswVectorsFormat.NAME, infos.fieldInfo("codes").getAttribute(key));
        assertNotEquals(
            SigncodecHnswVectorsFormat.NAME, infos.fieldInfo("floats").getAttribute(key));
      }
    }
  }

  /** Fields up to the maximum dimension, 4096, index and search with the default format. */
  public void testLargeDimensions() throws IOException {
    for (int d : new int[] {1000, SigncodecFlatVectorsFormat.MAX_DIMENSIONS}) {
      float[][] docs = Vectors.anisotropic(80 + d, 20, d, true);
      try (Directory dir = new ByteBuffersDirectory()) {
        try (IndexWriter w =
            new IndexWriter(dir, Vectors.config(new SigncodecHnswVectorsFormat()))) {
          Vectors.index(w, docs, VectorSimilarityFunction.DOT_PRODUCT, docs.length);
        }
        try (DirectoryReader reader = Vectors.open(dir)) {
          assertEquals(d, Vectors.codes(reader).codebook.dimension());
          TopDocs top =
              new IndexSearcher(reader)
                  .search(new KnnFloatVectorQuery(Vectors.FIELD, docs[3], 1), 1);
          assertEquals("d = " + d, 3, top.scoreDocs[0].doc);
        }
      }
    }
  }

  /** Both formats are found by their SPI names, which segments record. */
  public void testSpiNames() {
    assertTrue(
        org.apache.lucene.codecs.KnnVectorsFormat.forName("SigncodecHnsw")
            instanceof SigncodecHnswVectorsFormat);
    assertTrue(
        org.apache.lucene.codecs.KnnVectorsFormat.forName("SigncodecFlat")
            instanceof SigncodecFlatVectorsFormat);
    assertEquals("SigncodecHnsw", SigncodecHnswVectorsFormat.NAME);
    assertEquals("SigncodecFlat", SigncodecFlatVectorsFormat.NAME);
  }

  static SigncodecHnswVectorsFormat hnsw(Codebook codebook) {
    return SigncodecHnswVectorsFormat.builder().codebook(codebook).build();
  }

  /** Recall@10 of the index's top 10 against exact search on the raw vectors, over 20 queries. */
  static double recall(
      DirectoryReader reader, float[][] docs, VectorSimilarityFunction sim, float[][] queries)
      throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    int k = 10;
    long found = 0;
    for (float[] q : queries) {
      Integer[] order = IntStream.range(0, docs.length).boxed().toArray(Integer[]::new);
      Arrays.sort(order, Comparator.comparingDouble(i -> -sim.compare(q, docs[i])));
      Set<Integer> truth = new HashSet<>(Arrays.asList(order).subList(0, k));
      for (ScoreDoc hit :
          searcher.search(new KnnFloatVectorQuery(Vectors.FIELD, q, k), k).scoreDocs) {
        if (truth.contains(hit.doc)) {
          found++;
        }
      }
    }
    return found / (double) (k * queries.length);
  }

  private static void assertRecall(
      DirectoryReader reader, float[][] docs, VectorSimilarityFunction sim, double floor)
      throws IOException {
    double r = recall(reader, docs, sim, Vectors.anisotropic(99, 20, docs[0].length, true));
    assertTrue("recall@10 " + r + " below " + floor, r >= floor);
  }
}
