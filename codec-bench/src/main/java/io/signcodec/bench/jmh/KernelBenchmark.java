package io.signcodec.bench.jmh;

import io.signcodec.core.Codebook;
import org.openjdk.jmh.annotations.Param;

/** A {@link ShapeBenchmark} of signcodec's own coding, over both forms and both kernel sets. */
public abstract class KernelBenchmark extends ShapeBenchmark {
  /**
   * Sign codes as {@code dense} matrices (what a trained sign codebook runs) or the {@code
   * structured} form, in residual stages above one bit per coordinate; or the allocated codebooks,
   * the trainer's default, on a dense basis ({@code allocated}, what a trained one runs) or a
   * structured one ({@code allocated-structured}).
   */
  @Param({"dense", "structured", "allocated", "allocated-structured"})
  public String form;

  /**
   * signcodec's kernels: {@code vector} (the Vector API, as with {@code --add-modules
   * jdk.incubator.vector}) or {@code scalar} (what runs without it; the "before").
   */
  @Param({"vector", "scalar"})
  public String kernels;

  /** Selects the kernels, then makes the codebook of this trial's dimension, rate and form. */
  Codebook codebook() {
    BenchInputs.useKernels(kernels);
    return BenchInputs.codebook(dim, rate, form);
  }
}
