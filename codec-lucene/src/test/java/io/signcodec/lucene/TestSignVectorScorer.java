package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import java.io.IOException;
import java.util.Random;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/** The scorer of float queries against the codes, node by node and in bulk. */
public class TestSignVectorScorer extends LuceneTestCase {
  private static final int D = 96;
  private static final float[][] DOCS = Vectors.anisotropic(71, 300, D, true);
  private static final float[][] QUERIES = Vectors.anisotropic(72, 3, D, false);

  /**
   * For every similarity, with and without raw vectors, quantized (codes past the exact tables' 16
   * bytes: bit planes) and exact: {@code bulkScore} gives each node's {@code score} bit for bit, in
   * the order asked, repeated nodes included, and returns their largest score (negative infinity
   * for none); a batch larger than the ones before it reads into a grown buffer and changes
   * nothing.
   */
  public void testBulkScoreIsEachNodesScore() throws IOException {
    Codebook codebook = Vectors.train(DOCS, 2, 3);
    assertTrue(codebook.codeBytes() > 16);
    Random random = new Random(73);
    for (VectorSimilarityFunction similarity : VectorSimilarityFunction.values()) {
      for (boolean keepRaw : new boolean[] {true, false}) {
        SigncodecHnswVectorsFormat format =
            SigncodecHnswVectorsFormat.builder().codebook(codebook).keepRawVectors(keepRaw).build();
        try (Directory dir = new ByteBuffersDirectory()) {
          try (IndexWriter w = new IndexWriter(dir, Vectors.config(format))) {
            Vectors.index(w, DOCS, similarity, DOCS.length);
          }
          try (DirectoryReader reader = Vectors.open(dir)) {
            SignFloatVectorValues values = Vectors.codes(reader);
            for (float[] query : QUERIES) {
              String where = similarity + (keepRaw ? " with raw vectors" : " codes only");
              assertBulkScores(
                  where + ", quantized",
                  SignVectorScorer.INSTANCE.getRandomVectorScorer(similarity, values, query),
                  random);
              assertBulkScores(
                  where + ", exact", SignVectorScorer.exactScorer(values, query), random);
            }
          }
        }
      }
    }
  }

  private static void assertBulkScores(String where, RandomVectorScorer scorer, Random random)
      throws IOException {
    int[] nodes = new int[2 * DOCS.length];
    float[] scores = new float[nodes.length];
    assertEquals(where, Float.NEGATIVE_INFINITY, scorer.bulkScore(nodes, scores, 0), 0f);
    for (int count : new int[] {1, 5, 32, nodes.length, 17}) {
      for (int i = 0; i < count; i++) {
        nodes[i] = random.nextInt(DOCS.length);
      }
      nodes[count - 1] = nodes[0]; // a repeated node
      float max = scorer.bulkScore(nodes, scores, count);
      float expectedMax = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < count; i++) {
        float expected = scorer.score(nodes[i]);
        assertEquals(where + ": node " + nodes[i] + " of " + count, expected, scores[i], 0f);
        expectedMax = Math.max(expectedMax, expected);
      }
      assertEquals(where + ": the largest of " + count, expectedMax, max, 0f);
    }
  }
}
