package io.signcodec.bench.jmh;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@link LinearDecoder#decode} of a batch of packed sign codes to float32 vectors, on one thread
 * ({@code parallel(false)}), writing into a rotating 64 MiB output pool. Score: vectors per second.
 */
public class DecodeBenchmark extends KernelBenchmark {
  private byte[] codes;
  private int codeBytes;
  private float[] output;
  private int poolVectors;
  private BenchInputs.PoolCursor cursor;
  private LinearDecoder decoder;

  @Setup
  public void setup() {
    Codebook cb = codebook();
    float[] input = BenchInputs.gaussianPool(dim, 1);
    poolVectors = input.length / dim;
    cursor = new BenchInputs.PoolCursor(poolVectors);
    codeBytes = cb.codeBytes();
    codes = new byte[poolVectors * codeBytes];
    SignEncoder.of(cb).encode(input, 0, codes, 0, poolVectors);
    output = input; // reuse the pool as the output
    decoder = LinearDecoder.builder(cb).parallel(false).build();
  }

  @Benchmark
  @OperationsPerInvocation(BenchInputs.BATCH)
  public float[] decode() {
    int first = cursor.nextBatch();
    decoder.decode(codes, first * codeBytes, output, first * dim, BenchInputs.BATCH);
    return output;
  }
}
