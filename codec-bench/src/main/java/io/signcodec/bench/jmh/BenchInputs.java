package io.signcodec.bench.jmh;

import io.signcodec.core.Codebook;
import io.signcodec.core.train.CodebookTrainer;
import java.util.Random;

/**
 * Inputs shared by the JMH benchmarks. Every benchmark works through a pool of about 64 MiB of
 * float32 vectors, {@link #BATCH} vectors per invocation, moving on to the next batch each time, so
 * that the data come from memory rather than from a cache that a single small batch would fit in;
 * that makes {@link BaselineBenchmark#readOnly} the memory-bandwidth bound for the same input.
 */
public final class BenchInputs {
  /** Vectors per benchmark invocation: scores are vectors per second. */
  public static final int BATCH = 1024;

  /** Size of the rotating input (and, for decoders, output) pool. */
  static final long POOL_BYTES = 64L << 20;

  private BenchInputs() {}

  /**
   * Where each invocation's batch of a pool starts: one batch further every time, back to the start
   * after the last, so that consecutive invocations read different memory.
   */
  static final class PoolCursor {
    private final int poolVectors;
    private int next;

    PoolCursor(int poolVectors) {
      this.poolVectors = poolVectors;
    }

    /** The first vector of this invocation's batch. */
    int nextBatch() {
      int first = next;
      next = (first + BATCH) % poolVectors;
      return first;
    }
  }

  /** Vectors in the pool at dimension {@code dim}: a whole number of batches. */
  static int poolVectors(int dim) {
    int v = (int) (POOL_BYTES / 4 / dim);
    return Math.max(BATCH, v / BATCH * BATCH);
  }

  /** N(0, I) vectors filling the pool, row-major. */
  static float[] gaussianPool(int dim, long seed) {
    Random random = new Random(seed);
    float[] x = new float[poolVectors(dim) * dim];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  /**
   * A data-free codebook of the given shape: costing to run what a trained one of the same form
   * costs, and quick to make. {@code dense}: sign codes as dense matrices, in residual stages above
   * one bit per coordinate; {@code structured}: the same as randomized Hadamard transforms (O(d log
   * d)); {@code allocated}: the trainer's default, tied levels over the directions of a dense
   * basis; {@code allocated-structured}: the same on a randomized Hadamard basis.
   */
  static Codebook codebook(int dim, double rate, String form) {
    CodebookTrainer.Builder b = CodebookTrainer.builder().rate(rate).seed(1);
    switch (form) {
      case "dense":
        b.staged();
        break;
      case "structured":
        b.staged().structured();
        break;
      case "allocated":
        break;
      case "allocated-structured":
        b.structured();
        break;
      default:
        throw new IllegalArgumentException(
            "form must be dense, structured, allocated or" + " allocated-structured: " + form);
    }
    return b.build().isotropic(dim);
  }

  static Codebook codebook(int dim, double rate) {
    return codebook(dim, rate, "dense");
  }

  /**
   * Chooses signcodec's kernels for this benchmark's JVM (each parameter combination runs in its
   * own fork). Must run before anything in the fork touches a kernel: the library reads the
   * property once.
   */
  static void useKernels(String kernels) {
    System.setProperty("signcodec.kernels", kernels);
  }

  /** Bits per vector at this rate, as the trainer rounds it. */
  static int bits(int dim, double rate) {
    return (int) Math.max(1, Math.round(rate * dim));
  }
}
