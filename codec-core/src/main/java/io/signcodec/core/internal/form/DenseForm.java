package io.signcodec.core.internal.form;

import io.signcodec.core.LevelSearch;
import io.signcodec.core.SignCodes;
import io.signcodec.core.internal.FloatKernels;
import java.util.Arrays;

/**
 * A codebook held as matrices: encoder B (n×d) and decoder A (d×n), in K stages of consecutive rows
 * of B and columns of A (docs/FORMAT.md §2.2).
 *
 * <p>Only the layouts the kernels read are kept: Bᵀ as d rows of n (for {@code X·Bᵀ}) and Aᵀ as n
 * rows of d (for {@code Z·Aᵀ}); the row-major matrices are computed when asked for or written.
 * Encoding follows the order of float operations in docs/FORMAT.md §1.1, which the kernels keep
 * whatever their blocking.
 */
public final class DenseForm extends StageLayout implements CodebookForm {
  /** Vectors per kernel tile: their projections (tile × n floats) stay in L1/L2. */
  static final int TILE = 32;

  private final float[][] encoderTransposed;
  private final float[][] decoderTransposed;
  private final double safeMagnitude;

  /**
   * From Bᵀ as d rows of n and Aᵀ as n rows of d, taking ownership of every array: the layouts the
   * kernels read, as the format's reader builds them.
   */
  public DenseForm(
      int[] stageBits, float[] mean, float[][] encoderTransposed, float[][] decoderTransposed) {
    super(stageBits, mean);
    this.encoderTransposed = encoderTransposed;
    this.decoderTransposed = decoderTransposed;
    // |p_j| ≤ ‖B_j‖₁ ‖r‖∞, and each stage but the last adds at most Σ_j |A[t][j]| to |r_t|.
    double[] rowNorms = new double[bits];
    for (float[] column : encoderTransposed) {
      for (int j = 0; j < bits; j++) {
        rowNorms[j] += Math.abs(column[j]);
      }
    }
    double gain = Arrays.stream(rowNorms).max().orElse(0);
    int subtracted = bits - stageBits[stageBits.length - 1];
    double[] added = new double[dimension];
    for (int j = 0; j < subtracted; j++) {
      for (int t = 0; t < dimension; t++) {
        added[t] += Math.abs(decoderTransposed[j][t]);
      }
    }
    this.safeMagnitude =
        CodebookForm.safeMagnitude(gain, Arrays.stream(added).max().orElse(0), mean);
  }

  /** From row-major B (n×d) and A (d×n), which are not kept. */
  public static DenseForm of(int[] stageBits, float[] mean, float[] encoder, float[] decoder) {
    int d = mean.length;
    int n = Arrays.stream(stageBits).sum();
    return new DenseForm(stageBits, mean, transpose(encoder, n, d), transpose(decoder, d, n));
  }

  /** The transpose of a rows×cols row-major matrix, as cols arrays of rows entries. */
  private static float[][] transpose(float[] m, int rows, int cols) {
    float[][] t = new float[cols][rows];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j][i] = m[i * cols + j];
      }
    }
    return t;
  }

  private static float[] untranspose(float[][] t, int rows, int cols) {
    float[] m = new float[rows * cols];
    for (int j = 0; j < cols; j++) {
      float[] column = t[j];
      for (int i = 0; i < rows; i++) {
        m[i * cols + j] = column[i];
      }
    }
    return m;
  }

  @Override
  public float[] denseEncoder() {
    return untranspose(encoderTransposed, bits, dimension);
  }

  @Override
  public float[] denseDecoder() {
    return untranspose(decoderTransposed, dimension, bits);
  }

  @Override
  public double[] decoderWeights(float[] query) {
    double[] w = new double[bits];
    for (int j = 0; j < bits; j++) {
      float[] column = decoderTransposed[j];
      double s = 0;
      for (int k = 0; k < dimension; k++) {
        s += (double) column[k] * query[k];
      }
      w[j] = s;
    }
    return w;
  }

  // ------------------------------------------------------------------------------- encode

  @Override
  public TileEncoder newTileEncoder(LevelSearch search) {
    return stageBits.length == 1 ? new OneStageEncoder() : new StagedEncoder();
  }

  @Override
  public float[] projections(float[] x, int off) {
    if (stageBits.length == 1) {
      float[][] p = new float[1][bits];
      FloatKernels.multiplyAdd(
          x, off, dimension, mean, encoderTransposed, 0, dimension, 0, bits, p, 1);
      return p[0];
    }
    StagedEncoder staged = new StagedEncoder();
    staged.encodeTile(x, off, 1);
    return staged.projections[0];
  }

  @Override
  public double safeMagnitude() {
    return safeMagnitude;
  }

  /** {@code p = B (x − μ)} a tile at a time, the centring done on the fly. */
  private final class OneStageEncoder implements TileEncoder {
    private final float[][] projections = new float[TILE][bits];

    @Override
    public void encode(float[] src, int srcOff, byte[] dst, int dstOff, int count) {
      for (int t = 0; t < count; t += TILE) {
        int m = Math.min(TILE, count - t);
        FloatKernels.clear(projections, m, bits);
        FloatKernels.multiplyAdd(
            src,
            srcOff + t * dimension,
            dimension,
            mean,
            encoderTransposed,
            0,
            dimension,
            0,
            bits,
            projections,
            m);
        for (int i = 0; i < m; i++) {
          SignCodes.pack(projections[i], 0, bits, dst, dstOff + (t + i) * codeBytes());
        }
      }
    }
  }

  /**
   * Stage by stage: project the residual, take signs, and subtract what the stage decodes before
   * the next stage projects.
   */
  private final class StagedEncoder implements TileEncoder {
    private final float[][] projections = new float[TILE][bits];
    private final float[][] residuals = new float[TILE][dimension];
    private final float[][] negatedSigns =
        new float[TILE][Arrays.stream(stageBits).max().getAsInt()];

    @Override
    public void encode(float[] src, int srcOff, byte[] dst, int dstOff, int count) {
      for (int t = 0; t < count; t += TILE) {
        int m = Math.min(TILE, count - t);
        FloatKernels.clear(projections, m, bits);
        encodeTile(src, srcOff + t * dimension, m);
        for (int i = 0; i < m; i++) {
          SignCodes.pack(projections[i], 0, bits, dst, dstOff + (t + i) * codeBytes());
        }
      }
    }

    private void encodeTile(float[] src, int tileOff, int m) {
      for (int i = 0; i < m; i++) {
        float[] r = residuals[i];
        int base = tileOff + i * dimension;
        for (int k = 0; k < dimension; k++) {
          r[k] = src[base + k] - mean[k];
        }
      }
      int first = 0;
      for (int stage = 0; stage < stageBits.length; stage++) {
        int n = stageBits[stage];
        FloatKernels.multiplyAdd(
            residuals, encoderTransposed, 0, dimension, first, first + n, projections, m);
        if (stage < stageBits.length - 1) {
          for (int i = 0; i < m; i++) {
            float[] p = projections[i];
            float[] neg = negatedSigns[i];
            for (int j = 0; j < n; j++) {
              neg[j] = -Signs.withSignOf(p[first + j], 1f);
            }
          }
          FloatKernels.multiplyAdd(
              negatedSigns, decoderTransposed, first, n, 0, dimension, residuals, m);
        }
        first += n;
      }
    }
  }

  private int codeBytes() {
    return SignCodes.codeBytes(bits);
  }

  // ------------------------------------------------------------------------------- decode

  /** {@code x̂ = μ + A z}: the codes' signs times Aᵀ. */
  @Override
  public TileDecoder newTileDecoder() {
    return new DenseTileDecoder(
        mean,
        decoderTransposed,
        bits,
        codeBytes(),
        (src, off, signs, at) -> SignCodes.unpack(src, off, bits, signs, at));
  }

  /** Bᵀ, d rows of n (not copied). */
  public float[][] encoderTransposed() {
    return encoderTransposed;
  }

  /** Aᵀ, n rows of d (not copied). */
  public float[][] decoderTransposed() {
    return decoderTransposed;
  }

  @Override
  public boolean sameAs(CodebookForm other) {
    return other instanceof DenseForm o
        && sameLayout(o)
        && Arrays.deepEquals(encoderTransposed, o.encoderTransposed)
        && Arrays.deepEquals(decoderTransposed, o.decoderTransposed);
  }
}
