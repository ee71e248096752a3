package io.signcodec.core.train;

import io.signcodec.core.Codebook;
import io.signcodec.core.CodebookInfo;
import io.signcodec.core.internal.GaussianSignModel;
import io.signcodec.core.internal.Matrices;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Trains the sign codes of docs/THEORY.md §2–3 ({@link CodebookTrainer.Builder#shallow()}, {@link
 * CodebookTrainer.Builder#staged()}, {@link CodebookTrainer.Builder#stages}), in two streaming
 * passes per stage: the first accumulates μ and Σ; then projected gradient ascent ({@link
 * SignAscent}) on the Gaussian surrogate {@code J(U)} from a random start, working on Σ alone; the
 * second pass refits the decoder on the samples. The refit is a ridge regression shrunk toward the
 * Gaussian-optimal decoder {@code A* = C K⁻¹}: {@code A = (Xᵀ Z + λ A*)(Zᵀ Z + λ I)⁻¹}, with λ
 * chosen from a grid by the error on every 8th training vector held out. On Gaussian data this
 * picks a large λ (the least-squares decoder would fit noise: about n/N of excess error); on real
 * data it picks what the samples support.
 *
 * <p>Above one stage, each further stage learns from the residuals the stages before it leave
 * (docs/THEORY.md §5): a pass accumulates their moments, then the stage is trained as above on
 * them, with the seed plus the stage's index. Immutable; each call works on its own state.
 */
final class SignCodeTrainer {
  /** Eigenvalues below this fraction of the largest are raised to it before whitening. */
  static final double EIGENVALUE_FLOOR = 1e-6;

  /** One training vector in this many is held out to choose the decoder's shrinkage. */
  static final int HOLDOUT_EVERY = 8;

  /** Shrinkage strengths tried, as multiples of the number of vectors fitted. */
  static final double[] SHRINKAGE_GRID = {
    0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, Double.POSITIVE_INFINITY
  };

  private final SignAscent ascent;

  SignCodeTrainer(SignAscent ascent) {
    this.ascent = ascent;
  }

  /**
   * Trains a sign code of {@code stages} (bits of each) in dimension d from the vectors {@code
   * runner} passes over: two passes for one stage, two more per further stage.
   */
  Codebook train(PassRunner runner, int d, int[] stages, long seed) throws IOException {
    CovarianceAccumulator moments = Passes.moments(runner, d);
    long count = moments.count();
    double trace = moments.totalVariance();
    float[] mean = Matrices.toFloat(moments.mean());
    SignStage first = trainStage(moments, runner, null, stages[0], mean, seed);
    if (stages.length == 1) {
      return Codebook.of(
          d,
          stages[0],
          mean,
          first.encoder(),
          first.decoder(),
          new CodebookInfo(
              CodebookInfo.Method.TRAINED,
              seed,
              count,
              first.squaredError() / (count * trace),
              first.predictedNmse()));
    }
    // Each further stage learns from the residuals the stages before it leave (docs/THEORY.md §5).
    float[] encoder = first.encoder();
    float[] decoder = first.decoder();
    SignStage last = first;
    for (int k = 1; k < stages.length; k++) {
      int[] done = Arrays.copyOf(stages, k);
      Codebook partial =
          Codebook.of(
              d,
              done,
              mean,
              encoder,
              decoder,
              new CodebookInfo(CodebookInfo.Method.TRAINED, seed, count, Double.NaN, Double.NaN));
      CovarianceAccumulator residualMoments =
          runner.run(new Passes.Residual<>(partial, new Passes.Moments(d))).inner();
      Passes.checkSameVectors(count, residualMoments.count());
      last = trainStage(residualMoments, runner, partial, stages[k], new float[d], seed + k);
      encoder = SignStage.concatRows(encoder, last.encoder());
      decoder = SignStage.concatColumns(decoder, d, last.decoder());
    }
    return Codebook.of(
        d,
        stages,
        mean,
        encoder,
        decoder,
        new CodebookInfo(
            CodebookInfo.Method.TRAINED,
            seed,
            count,
            last.squaredError() / (count * trace),
            Double.NaN));
  }

  /**
   * Learns one sign stage for the training vectors, or for the residuals {@code partial} leaves on
   * them if not null (whose moments are given), coded around {@code center}: the encoder by ascent
   * on Σ, the decoder by the shrunk refit.
   */
  private SignStage trainStage(
      CovarianceAccumulator moments,
      PassRunner runner,
      Codebook partial,
      int n,
      float[] center,
      long stageSeed)
      throws IOException {
    int d = moments.dimension();
    long count = moments.count();
    double trace = moments.totalVariance();
    if (!(trace > 0)) {
      throw new IllegalArgumentException("nothing left to code: the residual has no variance");
    }
    DMatrixRMaj sigma = DMatrixRMaj.wrap(d, d, moments.covariance());

    // Eigenbasis, descending; tiny eigenvalues floored so that whitening stays bounded.
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(sigma.copy())) {
      throw new IllegalStateException("eigendecomposition of the covariance failed");
    }
    Integer[] order = new Integer[d];
    for (int k = 0; k < d; k++) {
      order[k] = k;
    }
    Arrays.sort(
        order,
        (a, b) -> {
          int c = Double.compare(eig.getEigenvalue(b).real, eig.getEigenvalue(a).real);
          return c != 0 ? c : Integer.compare(a, b);
        });
    double[] lambda = new double[d];
    DMatrixRMaj v = new DMatrixRMaj(d, d);
    for (int k = 0; k < d; k++) {
      lambda[k] = eig.getEigenvalue(order[k]).real;
      DMatrixRMaj vec = eig.getEigenVector(order[k]);
      for (int r = 0; r < d; r++) {
        v.set(r, k, vec.get(r));
      }
    }
    double floor = Math.max(lambda[0], Double.MIN_NORMAL) * EIGENVALUE_FLOOR;
    for (int k = 0; k < d; k++) {
      lambda[k] = Math.max(lambda[k], floor);
    }

    Random random = new Random(stageSeed);
    DMatrixRMaj u = gaussianUnitRows(n, d, random);
    u = ascent.ascend(u, lambda);

    // Back to data coordinates: b_i = V Λ^{-1/2} ũ_i, rows normalised (only directions matter).
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        u.set(i, k, u.get(i, k) / Math.sqrt(lambda[k]));
      }
    }
    DMatrixRMaj b = new DMatrixRMaj(n, d);
    CommonOps_MT_DDRM.multTransB(u, v, b);
    SignAscent.normalizeRows(b);

    float[] encoder = Matrices.toFloat(b.data);
    Codebook provisional =
        Codebook.of(
            d,
            n,
            center,
            encoder,
            new float[d * n],
            new CodebookInfo(
                CodebookInfo.Method.TRAINED, stageSeed, count, Double.NaN, Double.NaN));
    // The decoder is fitted to the float encoder actually used.
    b = Matrices.toDouble(encoder, n, d);
    GaussianSignModel model = GaussianSignModel.of(b, sigma);
    DMatrixRMaj aStar = gaussianDecoder(model);

    Passes.Refit pass = new Passes.Refit(provisional, center, HOLDOUT_EVERY);
    RefitAccumulator refit =
        partial == null
            ? runner.run(pass)
            : runner.run(new Passes.Residual<>(partial, pass)).inner();
    Passes.checkSameVectors(count, refit.count());

    double alpha = chooseShrinkage(refit, aStar);
    DMatrixRMaj cross = refit.crossAll();
    DMatrixRMaj gram = refit.gramAll();
    DMatrixRMaj a = fitDecoder(cross, gram, count, alpha, aStar);
    // Σ‖x − c‖² = N (tr Σ + ‖x̄ − c‖²): the error is measured around the stage's centre.
    double offset = 0;
    double[] m = moments.mean();
    for (int k = 0; k < d; k++) {
      double e = m[k] - center[k];
      offset += e * e;
    }
    double total = count * (trace + offset);
    double squaredError = total - 2 * dot(a, cross) + quadratic(a, gram);
    return new SignStage(
        encoder, Matrices.toFloat(a.data), squaredError, model.risk(a, trace) / trace);
  }

  private static DMatrixRMaj gaussianDecoder(GaussianSignModel model) {
    // A* = C K⁻¹, i.e. K A*ᵀ = Cᵀ (K symmetric).
    DMatrixRMaj k = model.codeCorrelation;
    DMatrixRMaj ct = new DMatrixRMaj(k.numRows, model.crossCovariance.numRows);
    CommonOps_DDRM.transpose(model.crossCovariance, ct);
    DMatrixRMaj x = solveSpd(k.copy(), ct);
    DMatrixRMaj a = new DMatrixRMaj(x.numCols, x.numRows);
    CommonOps_DDRM.transpose(x, a);
    return a;
  }

  /**
   * Picks the shrinkage (a multiple of the vectors fitted) whose decoder, fitted without the
   * held-out vectors, does best on them; infinity stands for A* itself.
   */
  private static double chooseShrinkage(RefitAccumulator refit, DMatrixRMaj aStar) {
    RefitAccumulator.Part train = refit.train();
    RefitAccumulator.Part holdout = refit.holdout();
    if (holdout.count == 0 || train.count == 0) {
      return Double.POSITIVE_INFINITY;
    }
    double bestAlpha = Double.POSITIVE_INFINITY;
    double bestError = Double.POSITIVE_INFINITY;
    for (double alpha : SHRINKAGE_GRID) {
      DMatrixRMaj a;
      try {
        a = fitDecoder(train.cross, train.gram, train.count, alpha, aStar);
      } catch (IllegalStateException singular) {
        continue; // too little data for so weak a ridge
      }
      double error = holdout.squaredNorm - 2 * dot(a, holdout.cross) + quadratic(a, holdout.gram);
      if (error < bestError) {
        bestError = error;
        bestAlpha = alpha;
      }
    }
    return bestAlpha;
  }

  /** {@code (XZ + λ A*)(ZZ + λ I)⁻¹} with {@code λ = alpha · count}. */
  private static DMatrixRMaj fitDecoder(
      DMatrixRMaj xz, DMatrixRMaj zz, long count, double alpha, DMatrixRMaj aStar) {
    if (Double.isInfinite(alpha)) {
      return aStar;
    }
    int n = zz.numRows;
    double lambda = alpha * count;
    DMatrixRMaj h = zz.copy();
    double jitter = 1e-9 * count;
    for (int i = 0; i < n; i++) {
      h.add(i, i, lambda + jitter);
    }
    DMatrixRMaj r = xz.copy();
    if (lambda > 0) {
      CommonOps_DDRM.addEquals(r, lambda, aStar);
    }
    DMatrixRMaj rt = new DMatrixRMaj(n, r.numRows);
    CommonOps_DDRM.transpose(r, rt);
    DMatrixRMaj x = solveSpd(h, rt);
    DMatrixRMaj a = new DMatrixRMaj(r.numRows, n);
    CommonOps_DDRM.transpose(x, a);
    return a;
  }

  private static DMatrixRMaj solveSpd(DMatrixRMaj a, DMatrixRMaj rhs) {
    LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.chol(a.numRows);
    if (!solver.setA(a)) {
      throw new IllegalStateException("matrix is not positive definite");
    }
    DMatrixRMaj x = new DMatrixRMaj(rhs.numRows, rhs.numCols);
    solver.solve(rhs, x);
    return x;
  }

  /** {@code ⟨A, M⟩ = Σ A_ij M_ij}. */
  private static double dot(DMatrixRMaj a, DMatrixRMaj m) {
    double s = 0;
    for (int i = 0; i < a.data.length; i++) {
      s += a.data[i] * m.data[i];
    }
    return s;
  }

  /** {@code ⟨A G, A⟩ = tr(A G Aᵀ)}. */
  private static double quadratic(DMatrixRMaj a, DMatrixRMaj gram) {
    DMatrixRMaj ag = new DMatrixRMaj(a.numRows, a.numCols);
    CommonOps_MT_DDRM.mult(a, gram, ag);
    return dot(ag, a);
  }

  private static DMatrixRMaj gaussianUnitRows(int n, int d, Random random) {
    DMatrixRMaj u = new DMatrixRMaj(n, d);
    for (int i = 0; i < u.data.length; i++) {
      u.data[i] = random.nextGaussian();
    }
    SignAscent.normalizeRows(u);
    return u;
  }
}
