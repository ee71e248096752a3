package io.signcodec.core;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.Parallel;
import io.signcodec.core.internal.TopK;
import io.signcodec.core.internal.form.GainLevels;
import java.util.Arrays;
import java.util.Objects;

/**
 * The queries of a search on codes ({@link CodeSearch}, {@link SearchRecall}, {@link
 * CodeScorer#prepareAll}): each query's constant and decoder weights ({@link CodeScorer#weights}),
 * computed on the fork-join pool, and the scoring of a block of codes for up to {@link
 * CodeScorer#TILE} of them at a time.
 */
final class QueryBatch {
  final CodeScorer scorer;
  final int count;
  final float[] constants;
  final float[] bases;
  final double[][] bitWeights;

  private QueryBatch(
      CodeScorer scorer, int count, float[] constants, float[] bases, double[][] bitWeights) {
    this.scorer = scorer;
    this.count = count;
    this.constants = constants;
    this.bases = bases;
    this.bitWeights = bitWeights;
  }

  /**
   * Checks {@code queries} (row-major, the scorer's dimension, finite) and {@code k} lists of them,
   * whose entries the messages call {@code entries} ("neighbours", "hits"), and prepares them.
   *
   * @throws IllegalArgumentException if there are no queries, their length is not whole vectors, a
   *     component is not finite, or k is below 1 or the lists would not fit in arrays
   */
  static QueryBatch of(CodeScorer scorer, float[] queries, int k, String entries) {
    Objects.requireNonNull(queries, "queries");
    int dimension = scorer.codebook().dimension();
    if (queries.length == 0) {
      throw new IllegalArgumentException("queries: none given");
    }
    if (queries.length % dimension != 0) {
      throw new IllegalArgumentException(
          "queries: "
              + queries.length
              + " floats are not whole vectors of the codebook's dimension "
              + dimension);
    }
    int count = queries.length / dimension;
    Checks.checkAtLeast("k", k, 1);
    if ((long) count * k > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          count + " queries × k = " + k + " " + entries + " do not fit in one array");
    }
    try {
      Checks.checkFinite(queries, 0, count, dimension);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "queries: " + e.getMessage().replace("vector", "query"), e);
    }
    return prepare(scorer, queries, 0, count);
  }

  /** The {@code count} queries at {@code queries[offset ..]}, already checked. */
  static QueryBatch prepare(CodeScorer scorer, float[] queries, int offset, int count) {
    int dimension = scorer.codebook().dimension();
    float[] constants = new float[count];
    float[] bases = new float[count];
    double[][] bitWeights = new double[count][];
    Parallel.forRange(
        count,
        16,
        true,
        (from, to) -> {
          for (int q = from; q < to; q++) {
            int at = offset + q * dimension;
            CodeScorer.Weights weights =
                scorer.weights(Arrays.copyOfRange(queries, at, at + dimension));
            constants[q] = weights.constant;
            bases[q] = weights.base;
            bitWeights[q] = weights.bitWeights;
          }
        });
    return new QueryBatch(scorer, count, constants, bases, bitWeights);
  }

  /**
   * Each query's {@link CodeScorer.QuantizedQuery}, built on the fork-join pool: for {@link
   * #offerQuantized}.
   */
  CodeScorer.QuantizedQuery[] quantized() {
    CodeScorer.QuantizedQuery[] out = new CodeScorer.QuantizedQuery[count];
    Parallel.forRange(
        count,
        16,
        true,
        (from, to) -> {
          for (int q = from; q < to; q++) {
            out[q] = quantized(q);
          }
        });
    return out;
  }

  /** Query {@code q}'s {@link CodeScorer.QuantizedQuery}. */
  CodeScorer.QuantizedQuery quantized(int q) {
    return scorer.quantized(constants[q], bases[q], bitWeights[q]);
  }

  /**
   * Scores the {@code m} codes from index {@code offset} of a block ({@code codes}, and the same
   * packed, {@link PackedCodes#pack}; offset a multiple of {@link PackedCodes#BLOCK}) for query
   * {@code q} with its quantized query's nibble tables, keeps the {@code candidates} best of them
   * by that score, and offers those, scored exactly ({@link CodeScorer.Query#score}'s floats, from
   * the query's exact nibble tables, {@link CodeScorer#fillNibbleTables}), to list {@code base} of
   * {@code into}, ids from {@code firstId}.
   */
  void offerQuantized(
      int q,
      CodeScorer.QuantizedQuery quantized,
      int candidates,
      byte[] codes,
      byte[] packed,
      int offset,
      int m,
      TopK into,
      int base,
      long firstId,
      Scratch s) {
    int codeBytes = scorer.codeBytes();
    quantized.rankPacked(packed, offset / PackedCodes.BLOCK, m, s.sums(m), s.row);
    TopK best = new TopK(1, Math.max(1, Math.min(candidates, m)));
    best.offer(0, s.row, m, 0);
    long[] local = best.sortedIndices(0);
    GainLevels gain = scorer.gain();
    float[] nibbles = s.nibbles(codeBytes);
    scorer.fillNibbleTables(bitWeights[q], nibbles);
    for (long id : local) {
      int at = (offset + (int) id) * codeBytes;
      float sum = CodeScorer.exactSum(nibbles, constants[q], codes, at, codeBytes);
      into.offer(base, CodeScorer.finish(gain, bases[q], sum, codes, at), firstId + id);
    }
  }

  /**
   * One thread's buffers for {@link #offer}: a query's tables and scores of up to {@code codes}
   * codes, and for a batch of more than one query a tile's.
   */
  Scratch scratch(int codes) {
    return scratch(codes, false);
  }

  /** As {@link #scratch(int)}; for {@link #offerQuantized} alone, only the scores, if quantized. */
  Scratch scratch(int codes, boolean quantized) {
    return new Scratch(scorer.codeBytes(), codes, !quantized && count > 1, !quantized);
  }

  static final class Scratch {
    final float[] tables;
    final float[] tiled;
    final float[] scores;
    final float[] row;

    /** A range's whole-number sums, for {@link #offerQuantized}: allocated on first use. */
    private int[] sums;

    /**
     * A query's exact nibble tables ({@link CodeScorer#fillNibbleTables}): allocated on first use.
     */
    private float[] nibbles;

    float[] nibbles(int codeBytes) {
      if (nibbles == null) {
        nibbles = new float[32 * codeBytes];
      }
      return nibbles;
    }

    int[] sums(int codes) {
      int blocks = (codes + PackedCodes.BLOCK - 1) / PackedCodes.BLOCK;
      if (sums == null || sums.length < blocks * PackedCodes.BLOCK) {
        sums = new int[blocks * PackedCodes.BLOCK];
      }
      return sums;
    }

    private Scratch(int codeBytes, int codes, boolean tiles, boolean tables) {
      this.tables = tables ? new float[codeBytes * 256] : null;
      this.tiled = tiles ? new float[codeBytes * 256 * CodeScorer.TILE] : null;
      this.scores = tiles ? new float[codes * CodeScorer.TILE] : null;
      this.row = new float[codes];
    }
  }

  /**
   * Scores the {@code m} codes at {@code codes[offset ..]} for queries {@code q0 .. q0 + qn}
   * ({@code qn ≤ TILE}) and offers query {@code q0 + i}'s scores to list {@code base + i} of {@code
   * into}, ids from {@code firstId}. Eight queries are scored together ({@link
   * CodeScorer#scoreTile}), one alone; the scores are {@link CodeScorer.Query#score}'s either way,
   * bit for bit.
   */
  void offer(
      int q0,
      int qn,
      byte[] codes,
      int offset,
      int m,
      TopK into,
      int base,
      long firstId,
      Scratch s) {
    int codeBytes = scorer.codeBytes();
    GainLevels gain = scorer.gain();
    if (qn == 1) {
      scorer.fillTables(bitWeights[q0], s.tables);
      CodeScorer.scoreAll(
          constants[q0], bases[q0], gain, s.tables, codeBytes, codes, offset, m, s.row, 0);
      into.offer(base, s.row, m, firstId);
      return;
    }
    scorer.fillTiledTables(bitWeights, q0, qn, s.tables, s.tiled);
    CodeScorer.scoreTile(constants, q0, s.tiled, codeBytes, codes, offset, m, s.scores);
    for (int i = 0; i < qn; i++) {
      float b = bases[q0 + i];
      for (int c = 0; c < m; c++) {
        s.row[c] =
            CodeScorer.finish(
                gain, b, s.scores[c * CodeScorer.TILE + i], codes, offset + c * codeBytes);
      }
      into.offer(base + i, s.row, m, firstId);
    }
  }
}
