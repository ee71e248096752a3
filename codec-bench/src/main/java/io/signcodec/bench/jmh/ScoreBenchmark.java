package io.signcodec.bench.jmh;

import io.signcodec.core.CodeScorer;
import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.PackedCodes;
import io.signcodec.core.SignEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;

/**
 * Inner products of one float query with {@link #CODES} encoded vectors of a dense codebook, on one
 * thread. {@code onCodes}: {@link CodeScorer.Query#scoreAll} (byte tables, no decoding); {@code
 * decodeThenDot}: {@link LinearDecoder#decode} of every code then a dot product, what a caller
 * without a scorer does. Both score codes per second. {@code prepare}: building the query's tables
 * ({@link CodeScorer#prepare}), queries per second, reported apart because it is paid once per
 * query and amortised over the codes it scores. {@code onCodesTogether}: {@link
 * CodeScorer.Queries#scoreAll} of {@value #TOGETHER} queries prepared together, scores (codes ×
 * queries) per second, to compare with {@code onCodes}' codes per second of one query. {@code
 * onCodesQuantized}: {@link CodeScorer.QuantizedQuery#scoreAll} (8-bit bit planes, population
 * counts), codes per second; {@code onCodesPacked}: the same query's {@link
 * CodeScorer.QuantizedQuery#scoreAll(PackedCodes, int, int, float[], int)} over the codes packed
 * once ({@link PackedCodes}, 8-bit nibble tables looked up by register shuffles), codes per second;
 * {@code pack}: {@link PackedCodes#of}, codes per second; {@code prepareQuantized} the quantized
 * query's preparation, queries per second.
 */
public class ScoreBenchmark extends ShapeBenchmark {
  static final int CODES = 10_000;
  static final int TOGETHER = 16;

  private float[] query;
  private byte[] codes;
  private float[] decoded;
  private float[] scores;
  private CodeScorer scorer;
  private CodeScorer.Query prepared;
  private CodeScorer.QuantizedQuery quantized;
  private PackedCodes packed;
  private LinearDecoder decoder;
  private CodeScorer.Queries together;
  private float[][] togetherScores;

  @Setup
  public void setup() {
    Codebook cb = BenchInputs.codebook(dim, rate);
    float[] x = java.util.Arrays.copyOf(BenchInputs.gaussianPool(dim, 2), (CODES + 1) * dim);
    query = java.util.Arrays.copyOfRange(x, CODES * dim, (CODES + 1) * dim);
    codes = new byte[CODES * cb.codeBytes()];
    SignEncoder.of(cb).encode(x, 0, codes, 0, CODES);
    decoded = new float[CODES * dim];
    scores = new float[CODES];
    scorer = CodeScorer.of(cb);
    prepared = scorer.prepare(query);
    quantized = scorer.prepareQuantized(query);
    packed = PackedCodes.of(cb, codes, 0, CODES);
    decoder = LinearDecoder.builder(cb).parallel(false).build();
    float[] queries = java.util.Arrays.copyOf(BenchInputs.gaussianPool(dim, 3), TOGETHER * dim);
    together = scorer.prepareAll(queries, 0, TOGETHER);
    togetherScores = new float[TOGETHER][CODES];
  }

  @Benchmark
  @OperationsPerInvocation(CODES * TOGETHER)
  public float[][] onCodesTogether() {
    together.scoreAll(codes, 0, CODES, togetherScores, 0);
    return togetherScores;
  }

  @Benchmark
  @OperationsPerInvocation(CODES)
  public float[] onCodes() {
    prepared.scoreAll(codes, 0, CODES, scores, 0);
    return scores;
  }

  @Benchmark
  @OperationsPerInvocation(CODES)
  public float[] onCodesQuantized() {
    quantized.scoreAll(codes, 0, CODES, scores, 0);
    return scores;
  }

  @Benchmark
  @OperationsPerInvocation(CODES)
  public float[] onCodesPacked() {
    quantized.scoreAll(packed, 0, CODES, scores, 0);
    return scores;
  }

  @Benchmark
  @OperationsPerInvocation(CODES)
  public PackedCodes pack() {
    return PackedCodes.of(packed.codebook(), codes, 0, CODES);
  }

  @Benchmark
  @OperationsPerInvocation(CODES)
  public float[] decodeThenDot() {
    decoder.decode(codes, 0, decoded, 0, CODES);
    for (int v = 0; v < CODES; v++) {
      float s = 0;
      int off = v * dim;
      for (int k = 0; k < dim; k++) {
        s = Math.fma(query[k], decoded[off + k], s);
      }
      scores[v] = s;
    }
    return scores;
  }

  @Benchmark
  public CodeScorer.Query prepare() {
    return scorer.prepare(query);
  }

  @Benchmark
  public CodeScorer.QuantizedQuery prepareQuantized() {
    return scorer.prepareQuantized(query);
  }
}
