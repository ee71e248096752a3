package io.signcodec.bench;

import io.signcodec.core.CodeScorer;
import io.signcodec.core.internal.Parallel;

/**
 * Recall@k of maximum-inner-product search: the queries (uncompressed) search a compressed database
 * by inner product with the reconstructions (signcodec on the codes themselves, with {@link
 * CodeScorer}; peers over their decoded vectors), and the hits are compared with the exact top k
 * over the original database vectors.
 */
final class Retrieval {
  static final int K = 10;

  private Retrieval() {}

  /** The indices of the top {@code K} database vectors for each query, {@code queries × K}. */
  static int[] topK(float[] queries, int queryCount, float[] database, int dbCount, int d) {
    float[][] dbT = new float[d][dbCount];
    for (int i = 0; i < dbCount; i++) {
      for (int k = 0; k < d; k++) {
        dbT[k][i] = database[i * d + k];
      }
    }
    int[] top = new int[queryCount * K];
    Linalg.productTiles(
        queries,
        queryCount,
        d,
        null,
        dbT,
        dbCount,
        1,
        () -> {
          float[] best = new float[K];
          int[] bestIndex = new int[K];
          return (first, m, scores) -> {
            for (int q = 0; q < m; q++) {
              select(scores[q], dbCount, best, bestIndex);
              System.arraycopy(bestIndex, 0, top, (first + q) * K, K);
            }
          };
        });
    return top;
  }

  /**
   * As {@link #topK}, scoring the database's codes without decoding them: one {@link
   * CodeScorer.Query} per query, {@code ⟨q, x̂⟩} straight from the code bytes.
   */
  static int[] topKOnCodes(
      float[] queries, int queryCount, CodeScorer scorer, byte[] codes, int dbCount) {
    int d = scorer.codebook().dimension();
    int[] top = new int[queryCount * K];
    Parallel.forRange(
        queryCount,
        8,
        true,
        (from, to) -> {
          float[] scores = new float[dbCount];
          float[] best = new float[K];
          int[] bestIndex = new int[K];
          for (int q = from; q < to; q++) {
            CodeScorer.Query query =
                scorer.prepare(java.util.Arrays.copyOfRange(queries, q * d, (q + 1) * d));
            query.scoreAll(codes, 0, dbCount, scores, 0);
            select(scores, dbCount, best, bestIndex);
            System.arraycopy(bestIndex, 0, top, q * K, K);
          }
        });
    return top;
  }

  /** Top K of {@code s[0..n)} by value (ties to the lower index), best first. */
  private static void select(float[] s, int n, float[] best, int[] bestIndex) {
    int size = 0;
    for (int i = 0; i < n; i++) {
      float v = s[i];
      if (size == K && !(v > best[K - 1])) {
        continue;
      }
      int pos = size == K ? K - 1 : size++;
      while (pos > 0 && v > best[pos - 1]) {
        best[pos] = best[pos - 1];
        bestIndex[pos] = bestIndex[pos - 1];
        pos--;
      }
      best[pos] = v;
      bestIndex[pos] = i;
    }
  }

  /** Mean over queries of |approximate top K ∩ exact top K| / K. */
  static double recall(int[] exact, int[] approximate) {
    int queries = exact.length / K;
    long hits = 0;
    for (int q = 0; q < queries; q++) {
      for (int a = 0; a < K; a++) {
        int candidate = approximate[q * K + a];
        for (int e = 0; e < K; e++) {
          if (exact[q * K + e] == candidate) {
            hits++;
            break;
          }
        }
      }
    }
    return (double) hits / ((long) queries * K);
  }
}
