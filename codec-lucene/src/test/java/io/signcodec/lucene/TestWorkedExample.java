package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;

/** The worked example of docs/LUCENE.md, as it is written there. */
public class TestWorkedExample extends LuceneTestCase {

  public void testWorkedExample() throws IOException {
    int d = 64;
    float[][] vectors = Vectors.anisotropic(41, 1000, d, true); // your unit-length embeddings
    float[] sample = Vectors.flat(Arrays.copyOfRange(vectors, 0, 500));
    float[] query = vectors[123];

    // 1. Train a codebook on a sample: 2 bits per coordinate.
    Codebook codebook =
        CodebookTrainer.builder().rate(2).seed(42).build().train(VectorSource.of(sample, d));

    // 2. Index with the format (here for every vector field of the default codec).
    SigncodecHnswVectorsFormat format =
        SigncodecHnswVectorsFormat.builder().codebook(codebook).build();
    try (Directory dir = new ByteBuffersDirectory()) {
      IndexWriterConfig config =
          new IndexWriterConfig().setCodec(SigncodecCodecs.withFormat(format));
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (float[] v : vectors) {
          Document doc = new Document();
          doc.add(new KnnFloatVectorField("embedding", v, VectorSimilarityFunction.DOT_PRODUCT));
          writer.addDocument(doc);
        }
      }

      // 3. Search: the HNSW graph, scored on the codes.
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        Query knn = new KnnFloatVectorQuery("embedding", query, 50);

        // 4. Rescore: the top 50 by codes, re-ranked by the raw vectors the index keeps.
        Query rescored =
            RescoreTopNQuery.createFullPrecisionRescorerQuery(knn, query, "embedding", 10);
        TopDocs top = searcher.search(rescored, 10);

        assertEquals(10, top.scoreDocs.length);
        assertEquals(123, top.scoreDocs[0].doc);
        // rescored scores are the float formula: (1 + ⟨q, x⟩) / 2 = 1 for the query itself
        assertEquals(1f, top.scoreDocs[0].score, 1e-5f);
      }
    }
  }
}
