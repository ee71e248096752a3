package io.signcodec.core.train;

import io.signcodec.core.CodeScorer;
import io.signcodec.core.Codebook;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.internal.FloatKernels;
import java.util.Arrays;

/**
 * Recall@{@value #K} of codebooks of the same code length on the training vectors, for {@link
 * CodebookTrainer#GAIN_AUTO}: a few of the vectors are the queries, the vectors of the pass the
 * database, and for each query a list of the {@value #K} best is kept by the exact inner product
 * {@code ⟨q, x⟩} (float32) and one by the scores of each codebook's codes ({@link CodeScorer}). A
 * database vector equal to the query, bit for bit, is left out of its lists. Only the first {@link
 * #DATABASE} vectors of each part are scored, so that the pass costs a bounded time; the others are
 * only counted.
 *
 * <p>Parts merge as if the other's vectors followed these: its ids are shifted by this part's
 * count, and the lists keep the {@value #K} best of both, ties to the lower id.
 */
final class GainRecallAccumulator implements PassAccumulator<GainRecallAccumulator> {
  private static final long serialVersionUID = 1L;

  /** The neighbours counted. */
  static final int K = 10;

  /** The vectors scored per part. */
  static final int DATABASE = 50_000;

  /** The rankings: exact, then each codebook's. */
  private final int rankings;

  private final int dimension;
  private final float[] queries;
  private final int queryCount;
  private final transient Codebook[] codebooks;
  private transient Scoring scoring;

  /** {@code scores[ranking][q][r]} and {@code ids[ranking][q][r]}, best first; ids −1 if empty. */
  private final float[][][] scores;

  private final long[][][] ids;
  private long count;

  GainRecallAccumulator(Codebook first, Codebook second, float[] queries) {
    this(queries, first, second);
  }

  /** Recall of each of {@code codebooks} (of one dimension) for {@code queries}. */
  GainRecallAccumulator(float[] queries, Codebook... codebooks) {
    this.dimension = codebooks[0].dimension();
    this.codebooks = codebooks.clone();
    this.rankings = 1 + codebooks.length;
    this.queries = queries;
    this.queryCount = queries.length / dimension;
    this.scores = new float[rankings][queryCount][K];
    this.ids = new long[rankings][queryCount][K];
    for (long[][] r : ids) {
      for (long[] q : r) {
        Arrays.fill(q, -1);
      }
    }
  }

  /** What scoring needs where vectors are added: the prepared queries and scratch. */
  private static final class Scoring {
    final SignEncoder[] encoders;
    final CodeScorer.Queries[] prepared;
    final float[][] transposed;

    Scoring(Codebook[] codebooks, float[] queries, int queryCount, int d) {
      this.encoders = new SignEncoder[codebooks.length];
      this.prepared = new CodeScorer.Queries[codebooks.length];
      for (int c = 0; c < codebooks.length; c++) {
        encoders[c] = SignEncoder.of(codebooks[c]);
        prepared[c] = CodeScorer.of(codebooks[c]).prepareAll(queries, 0, queryCount);
      }
      this.transposed = new float[d][queryCount];
      for (int q = 0; q < queryCount; q++) {
        for (int t = 0; t < d; t++) {
          transposed[t][q] = queries[q * d + t];
        }
      }
    }
  }

  @Override
  public void add(float[] vectors, int offset, int count) {
    int scored = (int) Math.max(0, Math.min(count, DATABASE - this.count));
    if (scored > 0 && queryCount > 0) {
      if (scoring == null) {
        if (codebooks == null) {
          throw new IllegalStateException(
              "a gain recall accumulator that was serialized only merges");
        }
        scoring = new Scoring(codebooks, queries, queryCount, dimension);
      }
      score(vectors, offset, scored);
    }
    this.count += count;
  }

  private void score(float[] vectors, int offset, int m) {
    Scoring s = scoring;
    float[][] exact = new float[m][queryCount];
    FloatKernels.multiplyAdd(
        vectors, offset, dimension, null, s.transposed, 0, dimension, 0, queryCount, exact, m);
    int n = rankings - 1;
    float[][][] coded = new float[n][queryCount][m];
    for (int c = 0; c < n; c++) {
      int bytes = s.encoders[c].codeBytes();
      byte[] codes = new byte[m * bytes];
      s.encoders[c].encode(vectors, offset, codes, 0, m);
      s.prepared[c].scoreAll(codes, 0, m, coded[c], 0);
    }
    for (int q = 0; q < queryCount; q++) {
      for (int v = 0; v < m; v++) {
        long id = count + v;
        float e = exact[v][q];
        boolean enters = enters(0, q, e, id);
        for (int c = 0; c < n && !enters; c++) {
          enters = enters(1 + c, q, coded[c][q][v], id);
        }
        if (!enters
            || Arrays.equals(
                vectors,
                offset + v * dimension,
                offset + (v + 1) * dimension,
                queries,
                q * dimension,
                (q + 1) * dimension)) {
          continue; // in no list, or the query itself
        }
        offer(0, q, e, id);
        for (int c = 0; c < n; c++) {
          offer(1 + c, q, coded[c][q][v], id);
        }
      }
    }
  }

  /** Whether {@code (score, id)} would enter list q of a ranking. */
  private boolean enters(int ranking, int q, float score, long id) {
    long last = ids[ranking][q][K - 1];
    return last < 0 || better(score, id, scores[ranking][q][K - 1], last);
  }

  /** Offers {@code (score, id)} to list q of a ranking: by score, ties to the lower id. */
  private void offer(int ranking, int q, float score, long id) {
    float[] s = scores[ranking][q];
    long[] d = ids[ranking][q];
    int at = K;
    while (at > 0 && (d[at - 1] < 0 || better(score, id, s[at - 1], d[at - 1]))) {
      at--;
    }
    if (at == K) {
      return;
    }
    System.arraycopy(s, at, s, at + 1, K - 1 - at);
    System.arraycopy(d, at, d, at + 1, K - 1 - at);
    s[at] = score;
    d[at] = id;
  }

  private static boolean better(float score, long id, float than, long thanId) {
    return score > than || (score == than && id < thanId);
  }

  @Override
  public void merge(GainRecallAccumulator other) {
    for (int r = 0; r < rankings; r++) {
      for (int q = 0; q < queryCount; q++) {
        for (int i = 0; i < K && other.ids[r][q][i] >= 0; i++) {
          offer(r, q, other.scores[r][q][i], count + other.ids[r][q][i]);
        }
      }
    }
    count += other.count;
  }

  @Override
  public long count() {
    return count;
  }

  /**
   * Recall@{@value #K} of codebook {@code which}'s ranking (0 the first) against the exact one,
   * over all queries; NaN if there were no queries.
   */
  double recall(int which) {
    long hits = 0;
    long total = 0;
    for (int q = 0; q < queryCount; q++) {
      for (long t : ids[0][q]) {
        if (t < 0) {
          continue;
        }
        total++;
        for (long f : ids[1 + which][q]) {
          if (f == t) {
            hits++;
          }
        }
      }
    }
    return total == 0 ? Double.NaN : hits / (double) total;
  }
}
