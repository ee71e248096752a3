package io.signcodec.core;

import java.io.IOException;
import java.util.Arrays;

/**
 * A codebook held as randomized fast orthogonal transforms, stored as a seed (docs/FORMAT.md
 * §2.3): stage k codes the first {@code n_k} outputs of {@code Q_k} and decodes with
 * {@code c_k Q_kᵀ}. Batches go {@value StructuredTransform#LANES} vectors at a time through
 * {@link StructuredTransform}'s lane-interleaved steps.
 */
final class StructuredForm implements CodebookForm {
  private final int dimension;
  private final float[] mean;
  private final int[] stageBits;
  private final double[] scales;
  private final long seed;
  private final StructuredTransform transform;

  StructuredForm(int[] stageBits, float[] mean, double[] scales, long seed) {
    this.dimension = mean.length;
    this.mean = mean;
    this.stageBits = stageBits;
    this.scales = scales;
    this.seed = seed;
    this.transform = new StructuredTransform(dimension, stageBits, scales, seed);
  }

  StructuredTransform transform() {
    return transform;
  }

  private int codeBytes() {
    return SignCodes.codeBytes(Arrays.stream(stageBits).sum());
  }

  @Override
  public TileEncoder newTileEncoder(LevelSearch search) {
    float[] r = new float[dimension * StructuredTransform.LANES];
    float[] u = new float[dimension * StructuredTransform.LANES];
    int codeBytes = codeBytes();
    return (src, srcOff, dst, dstOff, count) -> {
      for (int i = 0; i < count; i += StructuredTransform.LANES) {
        transform.encodeLanes(src, srcOff + i * dimension,
            Math.min(StructuredTransform.LANES, count - i), mean, dst, dstOff + i * codeBytes,
            codeBytes, r, u);
      }
    };
  }

  @Override
  public TileDecoder newTileDecoder() {
    float[] w = new float[dimension * StructuredTransform.LANES];
    float[] u = new float[dimension * StructuredTransform.LANES];
    int codeBytes = codeBytes();
    return (src, srcOff, dst, dstOff, count) -> {
      for (int i = 0; i < count; i += StructuredTransform.LANES) {
        transform.reconstructLanes(src, srcOff + i * codeBytes, codeBytes,
            Math.min(StructuredTransform.LANES, count - i), mean, dst, dstOff + i * dimension,
            w, u);
      }
    };
  }

  /** {@code w_k = c_k (Q_k q)} on each stage's outputs. */
  @Override
  public double[] decoderWeights(float[] query) {
    double[] w = new double[Arrays.stream(stageBits).sum()];
    int first = 0;
    for (int stage = 0; stage < stageBits.length; stage++) {
      float[] t = query.clone();
      transform.forward(t, stage);
      for (int j = 0; j < stageBits[stage]; j++) {
        w[first + j] = scales[stage] * t[j];
      }
      first += stageBits[stage];
    }
    return w;
  }

  int[] stageBits() {
    return stageBits;
  }

  float[] mean() {
    return mean;
  }

  @Override
  public float[] denseEncoder() {
    return transform.denseEncoder();
  }

  @Override
  public float[] denseDecoder() {
    return transform.denseDecoder();
  }

  @Override
  public boolean writableIn(int version) {
    return version == CodebookFormat.VERSION_STRUCTURED
        || version == CodebookFormat.VERSION_CHECKED;
  }

  @Override
  public int formCode() {
    return CodebookFormat.FORM_STRUCTURED;
  }

  @Override
  public long bodyBytes(int version) {
    return 4 + 12L * stageBits.length + 4L * dimension;
  }

  @Override
  public void writeBody(FormatWriter out, int version) throws IOException {
    out.putInt(StructuredTransform.ROUNDS);
    for (int k = 0; k < stageBits.length; k++) {
      out.putInt(stageBits[k]).putDouble(scales[k]);
    }
    out.putFloats(mean);
  }

  /**
   * Reads the body of a structured codebook whose header {@code in} has read and checked:
   * rounds, (bits, scale) per stage, the mean, the CRC32C; then checks the values.
   */
  static StructuredForm read(FormatReader in, int stages, int dimension, long bits, long seed)
      throws IOException {
    long base = in.position();
    byte[] body = in.readBytes(4 + 12 * stages + 4 * dimension, "structured codebook");
    in.checkCrc("codebook checksum mismatch");
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int rounds = b.getInt(0);
    if (rounds != StructuredTransform.ROUNDS) {
      throw new MalformedInputException("structured codebook has " + rounds
          + " rounds; this library implements " + StructuredTransform.ROUNDS, base);
    }
    int[] stageBits = new int[stages];
    double[] scales = new double[stages];
    long sum = 0;
    for (int i = 0; i < stages; i++) {
      long n = Integer.toUnsignedLong(b.getInt(4 + 12 * i));
      double scale = b.getDouble(8 + 12 * i);
      long at = base + 4 + 12L * i;
      if (n < 1 || n > dimension) {
        throw new MalformedInputException("structured stage " + i + " has " + n
            + " bits, out of range 1.." + dimension, at);
      }
      if (!(scale > 0) || Double.isInfinite(scale)) {
        throw new MalformedInputException("structured stage " + i + " has scale " + scale, at + 4);
      }
      stageBits[i] = (int) n;
      scales[i] = scale;
      sum += n;
    }
    if (sum != bits) {
      throw new MalformedInputException("codebook stages hold " + sum + " bits, header says "
          + bits, 16);
    }
    float[] mean = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      mean[i] = b.getFloat(4 + 12 * stages + 4 * i);
    }
    CodebookFormat.checkFinite(mean, "mean", base + 4 + 12L * stages);
    return new StructuredForm(stageBits, mean, scales, seed);
  }

  @Override
  public boolean sameAs(CodebookForm other) {
    if (!(other instanceof StructuredForm)) {
      return false;
    }
    StructuredForm o = (StructuredForm) other;
    return seed == o.seed && Arrays.equals(stageBits, o.stageBits) && Arrays.equals(mean, o.mean)
        && Arrays.equals(scales, o.scales);
  }
}
