package io.signcodec.bench.jmh;

import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.pq.PQVectors;
import io.github.jbellis.jvector.pq.ProductQuantization;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.ByteSequence;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;

/**
 * JVector product quantization at the same bits per vector as signcodec: {@code round(rate·dim)/8}
 * subspaces of 256 centroids, trained on 5 000 of the pool's vectors. {@code pqEncode} is {@code
 * ProductQuantization.encodeTo}, {@code pqDecode} is {@code ProductQuantization.decode}, one vector
 * at a time on one thread over the same rotating 64 MiB pool (JVector's input type is one {@code
 * VectorFloat} per vector). Score: vectors per second. {@code pqScore}: asymmetric distance
 * computation, JVector's {@code PQVectors.precomputedScoreFunctionFor} (a query's partial sums per
 * subspace and centroid, computed once) then {@code similarityTo} for {@value ScoreBenchmark#CODES}
 * codes by dot product, as {@code ScoreBenchmark.onCodes} scores signcodec codes: codes per second.
 */
// One fork with nothing appended: JVector runs without the Vector API module that the base adds.
@Fork(
    value = 1,
    jvmArgsAppend = {})
public class PeerBenchmark extends ShapeBenchmark {
  static final int TRAIN = 5_000;

  private List<VectorFloat<?>> vectors;
  private ByteSequence<?>[] codes;
  private ProductQuantization pq;
  private BenchInputs.PoolCursor cursor;
  private ScoreFunction.ApproximateScoreFunction adc;
  private float[] scores;

  @Setup
  public void setup() {
    VectorTypeSupport vts = VectorizationProvider.getInstance().getVectorTypeSupport();
    float[] input = BenchInputs.gaussianPool(dim, 1);
    int count = input.length / dim;
    cursor = new BenchInputs.PoolCursor(count);
    vectors = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      vectors.add(vts.createFloatVector(Arrays.copyOfRange(input, i * dim, (i + 1) * dim)));
    }
    int subspaces = BenchInputs.bits(dim, rate) / 8;
    pq =
        ProductQuantization.compute(
            new ListRandomAccessVectorValues(vectors.subList(0, TRAIN), dim), subspaces, 256, true);
    codes = new ByteSequence<?>[count];
    for (int i = 0; i < count; i++) {
      codes[i] = vts.createByteSequence(subspaces);
      pq.encodeTo(vectors.get(i), codes[i]);
    }
    PQVectors encoded =
        PQVectors.encodeAndBuild(
            pq,
            ScoreBenchmark.CODES,
            new ListRandomAccessVectorValues(vectors.subList(0, ScoreBenchmark.CODES), dim),
            java.util.concurrent.ForkJoinPool.commonPool());
    adc =
        encoded.precomputedScoreFunctionFor(
            vectors.get(ScoreBenchmark.CODES), VectorSimilarityFunction.DOT_PRODUCT);
    scores = new float[ScoreBenchmark.CODES];
  }

  @Benchmark
  @OperationsPerInvocation(ScoreBenchmark.CODES)
  public float[] pqScore() {
    for (int i = 0; i < ScoreBenchmark.CODES; i++) {
      scores[i] = adc.similarityTo(i);
    }
    return scores;
  }

  @Benchmark
  @OperationsPerInvocation(BenchInputs.BATCH)
  public ByteSequence<?> pqEncode() {
    int first = cursor.nextBatch();
    for (int i = first; i < first + BenchInputs.BATCH; i++) {
      pq.encodeTo(vectors.get(i), codes[i]);
    }
    return codes[first];
  }

  @Benchmark
  @OperationsPerInvocation(BenchInputs.BATCH)
  public VectorFloat<?> pqDecode() {
    int first = cursor.nextBatch();
    for (int i = first; i < first + BenchInputs.BATCH; i++) {
      pq.decode(codes[i], vectors.get(i)); // the pool doubles as the output
    }
    return vectors.get(first);
  }
}
