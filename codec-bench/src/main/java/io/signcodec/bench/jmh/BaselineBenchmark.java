package io.signcodec.bench.jmh;

import java.util.concurrent.TimeUnit;
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
 *   <li>{@code readOnly} (depends on {@code dim} only): reads the same float input as
 *       {@link EncodeBenchmark}, a batch of the same rotating 64 MiB pool, once, and does nothing
 *       else (a vectorised sum into a dim-wide accumulator): the memory-bandwidth bound for
 *       encoding.
 *   <li>{@code fma}: {@code n·dim} single-precision fused multiply-adds per vector, the
 *       arithmetic of encoding (or decoding) one vector, in the same vectorisable loop as the
 *       codec's kernel, {@code c[j] = fma(s, r[j], c[j])}, over 16 × 256 independent
 *       accumulators and 8 rows that stay in the L1 cache: the compute bound. (Java 17 has no way
 *       to ask for register-resident SIMD accumulators; C2 vectorises this loop.)
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BaselineBenchmark {
  static final int WIDTH = 256;
  static final int ACCUMULATORS = 16;
  static final int ROWS = 8;

  /** The input of {@code readOnly}. */
  @State(Scope.Thread)
  public static class Input {
    @Param({"384", "768"})
    public int dim;

    float[] pool;
    float[] acc;
    int poolVectors;
    int cursor;

    @Setup
    public void setup() {
      pool = BenchInputs.gaussianPool(dim, 1);
      poolVectors = pool.length / dim;
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

    float[][] c;
    float[][] r;
    float[] s;
    long passes;

    @Setup
    public void setup() {
      c = new float[ACCUMULATORS][WIDTH];
      r = new float[ROWS][WIDTH];
      s = new float[ACCUMULATORS];
      java.util.Random random = new java.util.Random(1);
      for (float[] row : r) {
        for (int j = 0; j < WIDTH; j++) {
          row[j] = (float) random.nextGaussian();
        }
      }
      for (int i = 0; i < ACCUMULATORS; i++) {
        s[i] = 1e-6f * (i + 1);
      }
      long fmas = (long) BenchInputs.BATCH * BenchInputs.bits(dim, rate) * dim;
      passes = Math.max(1, fmas / ((long) ROWS * ACCUMULATORS * WIDTH));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BenchInputs.BATCH)
  public float readOnly(Input in) {
    int dim = in.dim;
    float[] pool = in.pool;
    float[] acc = in.acc;
    int first = in.cursor;
    in.cursor = (first + BenchInputs.BATCH) % in.poolVectors;
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
    float[][] c = a.c;
    float[][] r = a.r;
    float[] s = a.s;
    for (long p = 0; p < a.passes; p++) {
      for (int t = 0; t < ROWS; t++) {
        float[] row = r[t];
        for (int i = 0; i < ACCUMULATORS; i++) {
          float si = s[i];
          float[] ci = c[i];
          for (int j = 0; j < WIDTH; j++) {
            ci[j] = Math.fma(si, row[j], ci[j]);
          }
        }
      }
    }
    return c[0][0];
  }
}
