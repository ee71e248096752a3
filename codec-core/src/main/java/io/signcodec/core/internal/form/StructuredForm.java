package io.signcodec.core.internal.form;

import io.signcodec.core.LevelSearch;
import io.signcodec.core.SignCodes;
import java.util.Arrays;

/**
 * A codebook held as randomized fast orthogonal transforms, stored as a seed (docs/FORMAT.md §2.3):
 * stage k codes the first {@code n_k} outputs of {@code Q_k} and decodes with {@code c_k Q_kᵀ}.
 * Batches go {@value StructuredTransform#LANES} vectors at a time through {@link
 * StructuredTransform}'s lane-interleaved steps.
 */
public final class StructuredForm extends StageLayout implements CodebookForm {
  private final double[] scales;
  private final long seed;
  private final StructuredTransform transform;
  private final double safeMagnitude;

  /** Takes ownership of the arrays. */
  public StructuredForm(int[] stageBits, float[] mean, double[] scales, long seed) {
    super(stageBits, mean);
    this.scales = scales;
    this.seed = seed;
    this.transform = new StructuredTransform(dimension, stageBits, scales, seed);
    // The transforms are orthogonal: they keep ‖r‖₂ ≤ √d ‖r‖∞, and no value inside a Hadamard
    // step exceeds √w times it (w the block width); each stage but the last adds at most
    // fl(c_k) √n_k to ‖r‖₂.
    double added = 0;
    for (int k = 0; k < stageBits.length - 1; k++) {
      added += (float) scales[k] * Math.sqrt(stageBits[k]);
    }
    this.safeMagnitude =
        CodebookForm.safeMagnitude(
            Math.sqrt((double) transform.block() * dimension), added / Math.sqrt(dimension), mean);
  }

  @Override
  public float[] projections(float[] x, int off) {
    float[] p = new float[bits];
    transform.project(x, off, mean, p, new float[dimension], new float[dimension]);
    return p;
  }

  @Override
  public double safeMagnitude() {
    return safeMagnitude;
  }

  public StructuredTransform transform() {
    return transform;
  }

  private int codeBytes() {
    return SignCodes.codeBytes(bits);
  }

  @Override
  public TileEncoder newTileEncoder(LevelSearch search) {
    Lanes s = new Lanes();
    return (src, srcOff, dst, dstOff, count) ->
        s.inGroups(
            count,
            (i, lanes) ->
                transform.encodeLanes(
                    src,
                    srcOff + i * dimension,
                    lanes,
                    mean,
                    dst,
                    dstOff + i * s.codeBytes,
                    s.codeBytes,
                    s.first,
                    s.second));
  }

  @Override
  public TileDecoder newTileDecoder() {
    Lanes s = new Lanes();
    return (src, srcOff, dst, dstOff, count) ->
        s.inGroups(
            count,
            (i, lanes) ->
                transform.reconstructLanes(
                    src,
                    srcOff + i * s.codeBytes,
                    s.codeBytes,
                    lanes,
                    mean,
                    dst,
                    dstOff + i * dimension,
                    s.first,
                    s.second));
  }

  /** One group of at most {@value StructuredTransform#LANES} vectors of a batch. */
  @FunctionalInterface
  private interface LaneGroup {
    void code(int first, int lanes);
  }

  /**
   * What a tile needs to run a batch through the lane-interleaved transform: two scratch blocks of
   * {@value StructuredTransform#LANES} vectors, the code size, and the split into lane groups.
   */
  private final class Lanes {
    final float[] first = new float[dimension * StructuredTransform.LANES];
    final float[] second = new float[dimension * StructuredTransform.LANES];
    final int codeBytes = codeBytes();

    /** Runs {@code group} on each lane group of a batch of {@code count} vectors, in order. */
    void inGroups(int count, LaneGroup group) {
      for (int i = 0; i < count; i += StructuredTransform.LANES) {
        group.code(i, Math.min(StructuredTransform.LANES, count - i));
      }
    }
  }

  /** {@code w_k = c_k (Q_k q)} on each stage's outputs. */
  @Override
  public double[] decoderWeights(float[] query) {
    double[] w = new double[bits];
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

  @Override
  public float[] denseEncoder() {
    return transform.denseEncoder();
  }

  @Override
  public float[] denseDecoder() {
    return transform.denseDecoder();
  }

  /** The decoder scale c_k of each stage (not copied). */
  public double[] scales() {
    return scales;
  }

  /**
   * Whether a stage's scale, stored in binary64, is finite and positive once rounded to the float32
   * the encoder and decoder use: 1e300 and 1e-50 are not.
   */
  public static boolean positiveFiniteFloat(double scale) {
    float f = (float) scale;
    return f > 0 && f != Float.POSITIVE_INFINITY;
  }

  @Override
  public boolean sameAs(CodebookForm other) {
    return other instanceof StructuredForm o
        && sameLayout(o)
        && seed == o.seed
        && Arrays.equals(scales, o.scales);
  }
}
