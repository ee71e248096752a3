package io.signcodec.core.train;

import io.signcodec.core.Codebook;
import io.signcodec.core.CodebookInfo;
import io.signcodec.core.internal.GaussianSignModel;
import io.signcodec.core.internal.Matrices;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The data-free sign forms (docs/THEORY.md §2, §5, §6), optimal on {@code N(μ, s²I)}: for a sign
 * code ({@link CodebookTrainer.Builder#shallow()}, {@link CodebookTrainer.Builder#staged()}, {@link
 * CodebookTrainer.Builder#stages}) what {@link CodebookTrainer#isotropic} and {@link
 * CodebookTrainer#trainIsotropic} make. Each stage is random orthonormal rows for r ≤ 1 or a
 * unit-norm tight frame for r > 1 (stacked rotations, finished by {@link SignAscent} on the
 * isotropic objective when d does not divide n), with the weight-tied decoder; stages are
 * independent, each decoder scaled to the residual the stages before it leave on Gaussian data.
 * With {@link CodebookTrainer.Builder#structured()}, every stage is a randomized fast orthogonal
 * transform stored as the seed ({@link Codebook#structured}) and codes at most d bits.
 *
 * <p>The allocated data-free form (the trainer's default) is {@link AllocationTrainer#isotropic}.
 */
final class IsotropicSignForms {
  private final SignAscent ascent;

  IsotropicSignForms(SignAscent ascent) {
    this.ascent = ascent;
  }

  /**
   * Whether the dense (not structured) form of {@code stages} in dimension d runs the gradient
   * ascent: for a stage of more than d bits that d does not divide, whose stacked rotations are not
   * a tight frame.
   */
  static boolean ascends(int d, int[] stages) {
    for (int n : stages) {
      if (needsAscent(d, n)) {
        return true;
      }
    }
    return false;
  }

  private static boolean needsAscent(int d, int n) {
    return n > d && n % d != 0;
  }

  /**
   * The form of {@code stages} (bits of each) in dimension d around {@code mean}, its decoders
   * scaled by {@code scale}; {@code trainVectors} and {@code trainNmse} go to its {@link
   * CodebookInfo} (0 and NaN for no data).
   */
  Codebook form(
      int d,
      int[] stages,
      float[] mean,
      double scale,
      boolean structured,
      long seed,
      long trainVectors,
      double trainNmse) {
    if (structured) {
      return structured(d, stages, mean, scale, seed, trainVectors, trainNmse);
    }
    Random random = new Random(seed);
    if (stages.length == 1) {
      SignStage s = stage(d, stages[0], scale, random);
      return Codebook.of(
          d,
          stages[0],
          mean,
          s.encoder(),
          s.decoder(),
          new CodebookInfo(
              CodebookInfo.Method.ISOTROPIC, seed, trainVectors, trainNmse, s.predictedNmse()));
    }
    // Independent rotations per stage; each decoder scaled to the residual the stages before it
    // leave on Gaussian data (the limit of each stage, multiplied).
    float[] encoder = new float[0];
    float[] decoder = null;
    double residual = 1;
    for (int bits : stages) {
      SignStage s = stage(d, bits, scale * Math.sqrt(residual), random);
      encoder = SignStage.concatRows(encoder, s.encoder());
      decoder = decoder == null ? s.decoder() : SignStage.concatColumns(decoder, d, s.decoder());
      residual *= io.signcodec.core.DistortionBounds.signAutoencoderLimit((double) bits / d);
    }
    return Codebook.of(
        d,
        stages,
        mean,
        encoder,
        decoder,
        new CodebookInfo(CodebookInfo.Method.ISOTROPIC, seed, trainVectors, trainNmse, Double.NaN));
  }

  /** The structured form: one seeded fast transform per stage, each of at most d bits. */
  private static Codebook structured(
      int d,
      int[] stages,
      float[] mean,
      double scale,
      long seed,
      long trainVectors,
      double trainNmse) {
    double[] scales = new double[stages.length];
    double residual = 1;
    for (int k = 0; k < stages.length; k++) {
      if (stages[k] > d) {
        throw new IllegalStateException(
            "a structured stage codes at most d = "
                + d
                + " bits, not "
                + stages[k]
                + ": use the default split into stages");
      }
      scales[k] = Math.sqrt(2 / Math.PI) * scale * Math.sqrt(residual);
      residual *= io.signcodec.core.DistortionBounds.signAutoencoderLimit((double) stages[k] / d);
    }
    // Orthonormal rows with the tied decoder reach 1 − 2r/π exactly on N(0, s²I).
    double predicted =
        stages.length == 1
            ? io.signcodec.core.DistortionBounds.signAutoencoderLimit((double) stages[0] / d)
            : Double.NaN;
    return Codebook.structured(
        d,
        stages,
        mean,
        scales,
        new CodebookInfo(CodebookInfo.Method.ISOTROPIC, seed, trainVectors, trainNmse, predicted));
  }

  /** One data-free stage: orthogonal rows or a unit-norm tight frame, weight-tied decoder. */
  private SignStage stage(int d, int n, double scale, Random random) {
    double r = (double) n / d;
    DMatrixRMaj b = new DMatrixRMaj(n, d);
    int row = 0;
    while (row < n) {
      int take = Math.min(d, n - row);
      DMatrixRMaj q = Matrices.randomOrthonormalRows(take, d, random);
      System.arraycopy(q.data, 0, b.data, row * d, take * d);
      row += take;
    }
    if (needsAscent(d, n)) {
      // Stacked rotations are a tight frame only when d divides n; otherwise let gradient ascent
      // on the isotropic objective (whose optimum is a unit-norm tight frame) finish the job.
      double[] ones = new double[d];
      Arrays.fill(ones, 1);
      b = ascent.ascend(b, ones);
    }
    SignAscent.normalizeRows(b);
    double tied = r <= 1 ? Math.sqrt(2 / Math.PI) : Math.sqrt(Math.PI / 2) / (r + Math.PI / 2 - 1);
    float[] decoder = new float[d * n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        decoder[k * n + i] = (float) (tied * scale * b.get(i, k));
      }
    }
    float[] encoder = Matrices.toFloat(b.data);
    DMatrixRMaj identity = CommonOps_DDRM.identity(d);
    DMatrixRMaj a = Matrices.toDouble(decoder, d, n);
    CommonOps_DDRM.scale(1 / scale, a);
    double predicted =
        GaussianSignModel.of(Matrices.toDouble(encoder, n, d), identity).risk(a, d) / d;
    return new SignStage(encoder, decoder, Double.NaN, predicted);
  }
}
