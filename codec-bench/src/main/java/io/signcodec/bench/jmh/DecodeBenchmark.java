package io.signcodec.bench.jmh;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
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
 * {@link LinearDecoder#decode} of a batch of packed sign codes to float32 vectors, on one thread
 * ({@code parallel(false)}), writing into a rotating 64 MiB output pool. Score: vectors per
 * second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DecodeBenchmark {
  @Param({"384", "768"})
  public int dim;

  @Param({"0.5", "1", "2"})
  public double rate;

  /** {@code dense} matrices (what a trained codebook runs) or the {@code structured} form. */
  @Param({"dense", "structured"})
  public String form;

  /**
   * signcodec's kernels: {@code vector} (the Vector API, as with {@code --add-modules
   * jdk.incubator.vector}) or {@code scalar} (what runs without it; the "before").
   */
  @Param({"vector", "scalar"})
  public String kernels;

  private byte[] codes;
  private int codeBytes;
  private float[] output;
  private int poolVectors;
  private int cursor;
  private LinearDecoder decoder;

  @Setup
  public void setup() {
    BenchInputs.useKernels(kernels);
    Codebook cb = BenchInputs.codebook(dim, rate, form);
    float[] input = BenchInputs.gaussianPool(dim, 1);
    poolVectors = input.length / dim;
    codeBytes = cb.codeBytes();
    codes = new byte[poolVectors * codeBytes];
    SignEncoder.of(cb).encode(input, 0, codes, 0, poolVectors);
    output = input; // reuse the pool as the output
    decoder = LinearDecoder.builder(cb).parallel(false).build();
  }

  @Benchmark
  @OperationsPerInvocation(BenchInputs.BATCH)
  public float[] decode() {
    int first = cursor;
    cursor = (cursor + BenchInputs.BATCH) % poolVectors;
    decoder.decode(codes, first * codeBytes, output, first * dim, BenchInputs.BATCH);
    return output;
  }
}
