package io.signcodec.core;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.Parallel;
import java.util.Arrays;
import java.util.Objects;

/**
 * The queries of a search on codes ({@link CodeSearch}, {@link SearchRecall}), checked, with each
 * query's constant and decoder weights ({@link CodeScorer#weights}), computed on the fork-join
 * pool.
 */
final class QueryBatch {
  final int count;
  final float[] constants;
  final double[][] bitWeights;

  private QueryBatch(int count, float[] constants, double[][] bitWeights) {
    this.count = count;
    this.constants = constants;
    this.bitWeights = bitWeights;
  }

  /**
   * Checks {@code queries} (row-major, the scorer's dimension, finite) and {@code k} lists of them,
   * whose entries the messages call {@code entries} ("neighbours", "hits").
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
    float[] constants = new float[count];
    double[][] bitWeights = new double[count][];
    Parallel.forRange(
        count,
        16,
        true,
        (from, to) -> {
          for (int q = from; q < to; q++) {
            CodeScorer.Weights weights =
                scorer.weights(Arrays.copyOfRange(queries, q * dimension, (q + 1) * dimension));
            constants[q] = weights.constant;
            bitWeights[q] = weights.bitWeights;
          }
        });
    return new QueryBatch(count, constants, bitWeights);
  }
}
