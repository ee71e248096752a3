package io.signcodec.bench.jmh;

import io.signcodec.core.Codebook;
import io.signcodec.core.SignEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@link SignEncoder#encode} of a batch of float32 vectors to packed sign codes, on one thread
 * ({@code parallel(false)}). Score: vectors per second.
 */
public class EncodeBenchmark extends KernelBenchmark {
  private float[] input;
  private BenchInputs.PoolCursor cursor;
  private byte[] codes;
  private SignEncoder encoder;

  @Setup
  public void setup() {
    Codebook cb = codebook();
    encoder = SignEncoder.builder(cb).parallel(false).build();
    input = BenchInputs.gaussianPool(dim, 1);
    cursor = new BenchInputs.PoolCursor(input.length / dim);
    codes = new byte[BenchInputs.BATCH * cb.codeBytes()];
  }

  @Benchmark
  @OperationsPerInvocation(BenchInputs.BATCH)
  public byte[] encode() {
    int first = cursor.nextBatch();
    encoder.encode(input, first * dim, codes, 0, BenchInputs.BATCH);
    return codes;
  }
}
