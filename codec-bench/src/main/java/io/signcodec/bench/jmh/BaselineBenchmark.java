package io.signcodec.bench.jmh;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the machine can do for the same work, on one thread, in vectors per second, so that each
 * codec result can be read as a fraction of it.
 *
 * <ul>
 *   <li>{@code readOnly} (depends on {@code dim} only): reads the same float input as {@link
 *       EncodeBenchmark}, a batch of the same rotating 64 MiB pool, once, and does nothing else (a
 *       vectorised sum into a dim-wide accumulator): the memory-bandwidth bound for encoding.
 *   <li>{@code fma}: {@code n·dim} single-precision fused multiply-adds per vector, the arithmetic
 *       of encoding (or decoding) one vector, as {@value #CHAINS} independent chains of Vector API
 *       FMAs on register-resident accumulators (enough to cover the FMA latency on every FMA unit):
 *       the compute bound, the machine's peak for single-precision FMAs on one core.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BaselineBenchmark {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  static final int CHAINS = 12;

  /** The input of {@code readOnly}. */
  @State(Scope.Thread)
  public static class Input {
    @Param({"384", "768"})
    public int dim;

    float[] pool;
    float[] acc;
    BenchInputs.PoolCursor cursor;

    @Setup
    public void setup() {
      pool = BenchInputs.gaussianPool(dim, 1);
      cursor = new BenchInputs.PoolCursor(pool.length / dim);
      acc = new float[dim];
    }
  }

  /** The operands of {@code fma}. */
  @State(Scope.Thread)
  public static class Arithmetic {
    @Param({"384", "768"})
    public int dim;

    @Param({"0.5", "1", "2"})
    public double rate;

    float x;
    float y;
    long passes;

    @Setup
    public void setup() {
      x = 1e-3f;
      y = 1e-4f;
      long fmas = (long) BenchInputs.BATCH * BenchInputs.bits(dim, rate) * dim;
      passes = Math.max(1, fmas / ((long) CHAINS * SPECIES.length()));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BenchInputs.BATCH)
  public float readOnly(Input in) {
    int dim = in.dim;
    float[] pool = in.pool;
    float[] acc = in.acc;
    int first = in.cursor.nextBatch();
    for (int v = first; v < first + BenchInputs.BATCH; v++) {
      int off = v * dim;
      for (int k = 0; k < dim; k++) {
        acc[k] += pool[off + k];
      }
    }
    return acc[0];
  }

  @Benchmark
  @OperationsPerInvocation(BenchInputs.BATCH)
  public float fma(Arithmetic a) {
    FloatVector x = FloatVector.broadcast(SPECIES, a.x);
    FloatVector y = FloatVector.broadcast(SPECIES, a.y);
    FloatVector c0 = FloatVector.zero(SPECIES);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    FloatVector c4 = c0;
    FloatVector c5 = c0;
    FloatVector c6 = c0;
    FloatVector c7 = c0;
    FloatVector c8 = c0;
    FloatVector c9 = c0;
    FloatVector c10 = c0;
    FloatVector c11 = c0;
    for (long p = 0; p < a.passes; p++) {
      c0 = x.fma(y, c0);
      c1 = x.fma(y, c1);
      c2 = x.fma(y, c2);
      c3 = x.fma(y, c3);
      c4 = x.fma(y, c4);
      c5 = x.fma(y, c5);
      c6 = x.fma(y, c6);
      c7 = x.fma(y, c7);
      c8 = x.fma(y, c8);
      c9 = x.fma(y, c9);
      c10 = x.fma(y, c10);
      c11 = x.fma(y, c11);
    }
    return c0.add(c1)
        .add(c2)
        .add(c3)
        .add(c4)
        .add(c5)
        .add(c6)
        .add(c7)
        .add(c8)
        .add(c9)
        .add(c10)
        .add(c11)
        .reduceLanes(VectorOperators.ADD);
  }
}
