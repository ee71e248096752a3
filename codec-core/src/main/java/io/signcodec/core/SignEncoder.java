package io.signcodec.core;

import io.signcodec.core.kernel.Checks;
import io.signcodec.core.kernel.FloatKernels;
import io.signcodec.core.kernel.Parallel;
import java.util.Objects;

/**
 * Encodes float vectors to packed sign codes with a {@link Codebook}: {@code z = sign(B (x − μ))},
 * packed as described in {@link SignCodes}; for a multi-stage codebook, stage by stage on the
 * residual the earlier stages leave.
 *
 * <p>Thread-safe: one instance may be shared by any number of threads. Methods write into arrays
 * owned by the caller and allocate nothing per vector (each thread keeps one scratch block).
 * Single-vector and batch calls produce identical bits. Large batches are split across the common
 * fork-join pool unless the encoder was built with {@code parallel(false)}.
 *
 * <p>Input is validated before anything is written: a wrong length, or a NaN or infinite
 * component, throws {@link IllegalArgumentException} naming the vector and component, and leaves
 * the output untouched.
 */
public final class SignEncoder {
  /** Vectors per kernel tile: their projections (tile × n floats) stay in L1/L2. */
  static final int TILE = 32;
  /** Vectors per parallel chunk; below two chunks' worth a batch runs on the calling thread. */
  static final int GRAIN = 128;

  private final Codebook codebook;
  private final int dimension;
  private final int bits;
  private final int codeBytes;
  private final boolean parallel;
  private final ThreadLocal<Scratch> scratch;
  private final StructuredTransform structure;

  private SignEncoder(Codebook codebook, boolean parallel) {
    this.codebook = codebook;
    this.dimension = codebook.dimension();
    this.bits = codebook.bits();
    this.codeBytes = codebook.codeBytes();
    this.parallel = parallel;
    int[] stages = codebook.stageBitsArray();
    int maxStage = java.util.Arrays.stream(stages).max().getAsInt();
    this.scratch = ThreadLocal.withInitial(
        () -> new Scratch(bits, dimension, stages.length, maxStage, codebook.isStructured()));
    this.structure = codebook.structure();
  }

  /** An encoder that uses the common pool for large batches. */
  public static SignEncoder of(Codebook codebook) {
    return builder(codebook).build();
  }

  public static Builder builder(Codebook codebook) {
    return new Builder(codebook);
  }

  /** Options for a {@link SignEncoder}. */
  public static final class Builder {
    private final Codebook codebook;
    private boolean parallel = true;

    private Builder(Codebook codebook) {
      this.codebook = Objects.requireNonNull(codebook, "codebook");
    }

    /** Whether large batches may use the common fork-join pool (default true). */
    public Builder parallel(boolean parallel) {
      this.parallel = parallel;
      return this;
    }

    public SignEncoder build() {
      return new SignEncoder(codebook, parallel);
    }
  }

  public Codebook codebook() {
    return codebook;
  }

  public int dimension() {
    return dimension;
  }

  public int bits() {
    return bits;
  }

  /** Bytes written per vector. */
  public int codeBytes() {
    return codeBytes;
  }

  /** Encodes one vector of {@link #dimension()} floats at {@code src[srcOff..]}. */
  public void encode(float[] src, int srcOff, byte[] dst, int dstOff) {
    encode(src, srcOff, dst, dstOff, 1);
  }

  /** Encodes {@code vector} (exactly {@link #dimension()} floats) into a new array. */
  public byte[] encode(float[] vector) {
    Objects.requireNonNull(vector, "vector");
    if (vector.length != dimension) {
      throw new IllegalArgumentException("vector has dimension " + vector.length
          + ", codebook expects " + dimension);
    }
    byte[] code = new byte[codeBytes];
    encode(vector, 0, code, 0, 1);
    return code;
  }

  /**
   * Encodes {@code count} vectors stored row-major at {@code src[srcOff..]} into {@code count}
   * consecutive codes at {@code dst[dstOff..]}.
   */
  public void encode(float[] src, int srcOff, byte[] dst, int dstOff, int count) {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Checks.checkRange("src", src.length, srcOff, count, dimension);
    Checks.checkRange("dst", dst.length, dstOff, count, codeBytes);
    Checks.checkFinite(src, srcOff, count, dimension);
    Parallel.forRange(count, GRAIN, parallel, (from, to) ->
        encodeRange(src, srcOff + from * dimension, dst, dstOff + from * codeBytes, to - from));
  }

  private void encodeRange(float[] src, int srcOff, byte[] dst, int dstOff, int count) {
    Scratch s = scratch.get();
    float[] mean = codebook.meanArray();
    float[][] bt = codebook.encoderTransposed();
    int[] stages = codebook.stageBitsArray();
    for (int t = 0; t < count; t += TILE) {
      int m = Math.min(TILE, count - t);
      int tileOff = srcOff + t * dimension;
      if (structure != null) {
        for (int i = 0; i < m; i += StructuredTransform.LANES) {
          structure.encodeLanes(src, tileOff + i * dimension,
              Math.min(StructuredTransform.LANES, m - i), mean, dst,
              dstOff + (t + i) * codeBytes, codeBytes, s.laneResiduals, s.laneWork);
        }
        continue;
      } else if (stages.length == 1) {
        FloatKernels.clear(s.projections, m, bits);
        FloatKernels.multiplyAdd(src, tileOff, dimension, mean, bt, 0, dimension, 0, bits,
            s.projections, m);
      } else {
        FloatKernels.clear(s.projections, m, bits);
        encodeStages(src, tileOff, m, s, mean, bt, stages);
      }
      for (int i = 0; i < m; i++) {
        SignCodes.pack(s.projections[i], 0, bits, dst, dstOff + (t + i) * codeBytes);
      }
    }
  }

  /**
   * Stage by stage: project the residual, take signs, and subtract what the stage decodes before
   * the next stage projects.
   */
  private void encodeStages(float[] src, int tileOff, int m, Scratch s, float[] mean,
      float[][] bt, int[] stages) {
    float[][] at = codebook.decoderTransposed();
    for (int i = 0; i < m; i++) {
      float[] r = s.residuals[i];
      int base = tileOff + i * dimension;
      for (int k = 0; k < dimension; k++) {
        r[k] = src[base + k] - mean[k];
      }
    }
    int first = 0;
    for (int stage = 0; stage < stages.length; stage++) {
      int n = stages[stage];
      FloatKernels.multiplyAdd(s.residuals, bt, 0, dimension, first, first + n, s.projections, m);
      if (stage < stages.length - 1) {
        for (int i = 0; i < m; i++) {
          float[] p = s.projections[i];
          float[] neg = s.negatedSigns[i];
          for (int j = 0; j < n; j++) {
            neg[j] = -SignCodes.withSignOf(p[first + j], 1f);
          }
        }
        FloatKernels.multiplyAdd(s.negatedSigns, at, first, n, 0, dimension, s.residuals, m);
      }
      first += n;
    }
  }

  /** Per-thread tile buffers. */
  private static final class Scratch {
    final float[][] projections;
    final float[][] residuals;
    final float[][] negatedSigns;
    final float[] laneResiduals;
    final float[] laneWork;

    Scratch(int bits, int dimension, int stages, int maxStageBits, boolean structured) {
      projections = structured ? null : new float[TILE][bits];
      residuals = stages > 1 && !structured ? new float[TILE][dimension] : null;
      negatedSigns = stages > 1 && !structured ? new float[TILE][maxStageBits] : null;
      laneResiduals = structured ? new float[dimension * StructuredTransform.LANES] : null;
      laneWork = structured ? new float[dimension * StructuredTransform.LANES] : null;
    }
  }
}
