package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
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
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Indexing, merging, reopening, rescoring and corruption, on fixed seeded vectors: 2000 unit
 * vectors of dimension 64, 40 queries.
 */
public class TestSigncodecIndex extends LuceneTestCase {
  private static final int D = 64;
  private static final int K = 10;
  private static final float[][] DOCS = Vectors.anisotropic(31, 2000, D, true);
  private static final float[][] QUERIES = Vectors.anisotropic(32, 40, D, true);
  private static final VectorSimilarityFunction SIM = VectorSimilarityFunction.DOT_PRODUCT;

  /**
   * Recall@10 against exact search, on one force-merged segment, with and without rescoring the top
   * 5·k by the raw vectors. The floors are the values measured with these seeds (docs/LUCENE.md,
   * and the assertion message), less about 0.05.
   */
  public void testRecallAboveFloor() throws IOException {
    Codebook trained = Vectors.train(Arrays.copyOfRange(DOCS, 0, 500), 2, 7);
    assertEquals(16, trained.codeBytes()); // 2 bits × 64 coordinates, as docs/LUCENE.md says
    // measured 0.61 / 0.9875
    assertRecall(TestSigncodecFormats.hnsw(trained), 0.56, 0.93);
    // measured 0.46 / 0.865: the data-free form assumes centred data, these have a mean
    assertRecall(SigncodecHnswVectorsFormat.builder().dataFree(2, 7).build(), 0.41, 0.81);
    // measured 0.27 / 0.65
    assertRecall(SigncodecHnswVectorsFormat.builder().dataFree(1, 7).build(), 0.22, 0.60);
  }

  private void assertRecall(KnnVectorsFormat format, double floor, double rescoredFloor)
      throws IOException {
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(dir, Vectors.config(format))) {
        Vectors.index(w, DOCS, SIM, 500);
      }
      try (IndexWriter w = new IndexWriter(dir, mergingConfig(format))) {
        w.forceMerge(1);
      }
      try (DirectoryReader reader = Vectors.open(dir)) {
        assertEquals(1, reader.leaves().size());
        double plain = recall(reader, 1);
        double rescored = recall(reader, 5);
        String what = format + ": recall@10 " + plain + ", rescored top 5k " + rescored;
        assertTrue(what, plain >= floor);
        assertTrue(what, rescored >= rescoredFloor);
      }
    }
  }

  /** Recall@10 of the top {@code oversample·k} by codes, re-ranked by the raw vectors. */
  private static double recall(DirectoryReader reader, int oversample) throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    FloatVectorValues raw = reader.leaves().get(0).reader().getFloatVectorValues(Vectors.FIELD);
    long found = 0;
    for (float[] q : QUERIES) {
      Set<Integer> truth = exactTop(q);
      int n = oversample * K;
      TopDocs top = searcher.search(new KnnFloatVectorQuery(Vectors.FIELD, q, n), n);
      List<ScoreDoc> hits = new ArrayList<>(Arrays.asList(top.scoreDocs));
      if (oversample > 1) {
        // the index keeps the raw vectors: rescore with them (ordinal = document here)
        hits.sort(
            Comparator.comparingDouble(
                (ScoreDoc h) -> {
                  try {
                    return -SIM.compare(q, raw.vectorValue(h.doc));
                  } catch (IOException e) {
                    throw new AssertionError(e);
                  }
                }));
      }
      for (ScoreDoc hit : hits.subList(0, Math.min(K, hits.size()))) {
        if (truth.contains(hit.doc)) {
          found++;
        }
      }
    }
    return found / (double) (K * QUERIES.length);
  }

  private static Set<Integer> exactTop(float[] q) {
    Integer[] order = IntStream.range(0, DOCS.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> -SIM.compare(q, DOCS[i])));
    return new HashSet<>(Arrays.asList(order).subList(0, K));
  }

  private static IndexWriterConfig mergingConfig(KnnVectorsFormat format) {
    return new IndexWriterConfig()
        .setCodec(SigncodecCodecs.withFormat(format))
        .setMergePolicy(new LogDocMergePolicy()); // keeps document i = DOCS[i]
  }

  /**
   * An index written with a codebook is searched after reopening with no codec configured: each
   * segment names its format and records its codebook.
   */
  public void testReopenFindsFormatAndCodebook() throws IOException {
    Codebook trained = Vectors.train(Arrays.copyOfRange(DOCS, 0, 500), 1, 8);
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w =
          new IndexWriter(dir, Vectors.config(TestSigncodecFormats.hnsw(trained)))) {
        Vectors.index(w, Arrays.copyOfRange(DOCS, 0, 300), SIM, 300);
      }
      try (DirectoryReader reader = Vectors.open(dir)) {
        CodecReader leaf = (CodecReader) reader.leaves().get(0).reader();
        assertEquals(
            SigncodecHnswVectorsFormat.NAME,
            leaf.getFieldInfos()
                .fieldInfo(Vectors.FIELD)
                .getAttribute("PerFieldKnnVectorsFormat.format"));
        assertEquals(trained, Vectors.codes(reader).codebook);
        TopDocs top =
            new IndexSearcher(reader).search(new KnnFloatVectorQuery(Vectors.FIELD, DOCS[7], 1), 1);
        assertEquals(7, top.scoreDocs[0].doc);
      }
    }
  }

  /** A byte changed in the codes file fails checkIntegrity with CorruptIndexException. */
  public void testCorruptCodesFailCheckIntegrity() throws IOException {
    Path path = createTempDir("corrupt-codes");
    writeSmallIndex(path);
    flipByteInMiddle(onlyFile(path, ".vsc"));
    try (Directory dir = FSDirectory.open(path);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      CodecReader leaf = (CodecReader) reader.leaves().get(0).reader();
      CorruptIndexException e = expectThrows(CorruptIndexException.class, leaf::checkIntegrity);
      assertTrue(e.getMessage(), e.getMessage().contains("checksum failed"));
      assertTrue(e.getMessage(), e.getMessage().contains(".vsc"));
    }
  }

  /** A byte changed in the metadata (which holds the codebook) fails opening the segment. */
  public void testCorruptCodebookFailsOpening() throws IOException {
    Path path = createTempDir("corrupt-codebook");
    writeSmallIndex(path);
    flipByteInMiddle(onlyFile(path, ".vmsc"));
    try (Directory dir = FSDirectory.open(path)) {
      CorruptIndexException e =
          expectThrows(CorruptIndexException.class, () -> DirectoryReader.open(dir).close());
      assertTrue(e.getMessage(), e.getMessage().contains(".vmsc"));
    }
  }

  private static void writeSmallIndex(Path path) throws IOException {
    try (Directory dir = FSDirectory.open(path);
        IndexWriter w =
            new IndexWriter(
                dir, Vectors.config(new SigncodecHnswVectorsFormat()).setUseCompoundFile(false))) {
      Vectors.index(w, Arrays.copyOfRange(DOCS, 0, 100), SIM, 100);
    }
  }

  private static Path onlyFile(Path dir, String extension) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> found = files.filter(p -> p.toString().endsWith(extension)).toList();
      assertEquals(found.toString(), 1, found.size());
      return found.get(0);
    }
  }

  private static void flipByteInMiddle(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = f.length() / 2;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x5A);
    }
  }
}
