package io.signcodec.core.train;

import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.CodebookInfo;
import io.signcodec.core.VectorSource;
import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.GaussianSignModel;
import io.signcodec.core.internal.Matrices;
import java.io.IOException;
import java.util.Objects;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Trains codebooks from data or from nothing (docs/THEORY.md).
 *
 * <p>By default ({@link #allocates()}), {@link #train} makes the allocated codebook of
 * docs/THEORY.md §7: one pass accumulates μ and Σ, the bits are allocated over Σ's principal
 * directions with tied levels fitted per direction, and (by default, {@link #MEAN_DIRECTION_AUTO})
 * some of them code the mean's direction when the data are far from centred.
 *
 * <p>With {@link Builder#shallow()}, {@link Builder#staged()} or {@link Builder#stages} it trains
 * the sign codes of docs/THEORY.md §2–3 instead, in two streaming passes per stage: the first
 * accumulates μ and Σ; then projected gradient ascent (Adam; the step warms up linearly, then
 * decays on a cosine) on the Gaussian surrogate {@code J(U)} from a random start, working on Σ
 * alone; the second pass refits the decoder on the samples. The refit is a ridge regression shrunk
 * toward the Gaussian-optimal decoder {@code A* = C K⁻¹}: {@code A = (Xᵀ Z + λ A*)(Zᵀ Z + λ I)⁻¹},
 * with λ chosen from a grid by the error on every 8th training vector held out. On Gaussian data
 * this picks a large λ (the least-squares decoder would fit noise: about n/N of excess error); on
 * real data it picks what the samples support.
 *
 * <p>{@link #trainIsotropic} and {@link #isotropic} give the data-free optimal form: random
 * orthogonal rows for r ≤ 1, a unit-norm tight frame for r > 1, with the weight-tied decoder.
 *
 * <p>Every pass over the data is a {@link TrainingPass} whose {@link PassAccumulator}s merge, and
 * the passes are run by a {@link PassRunner}: {@link #train(VectorSource)} runs them in order over
 * a source, {@link #train(int, PassRunner)} hands them to a runner of the caller's, e.g. one that
 * runs each pass over the partitions of a cluster job and merges the parts. Between passes the
 * trainer works on d×d statistics alone.
 *
 * <p>The same inputs and seed give a byte-identical codebook. A trainer is immutable and may be
 * shared; each call works on its own state.
 */
public final class CodebookTrainer {
  /**
   * {@link Builder#meanDirectionBits} decided from the data (the default): 8 bits (at most a
   * quarter of the code) for the mean's direction when {@code ‖μ‖² ≥ tr Σ / 4}, the data being then
   * far from centred, and none otherwise. Measured with the distortion report (BENCHMARKS.md): on
   * sentence embeddings ({@code ‖μ‖² = 0.32 tr Σ}) it lifts recall@10 by 0.01 to 0.02 up to 1.5
   * bits per coordinate for 1 to 4 % more NMSE, on Fashion-MNIST ({@code 1.37 tr Σ}) by up to 0.17;
   * on centred data it would only cost.
   */
  public static final int MEAN_DIRECTION_AUTO = -1;

  /** Eigenvalues below this fraction of the largest are raised to it before whitening. */
  static final double EIGENVALUE_FLOOR = 1e-6;

  /** One training vector in this many is held out to choose the decoder's shrinkage. */
  static final int HOLDOUT_EVERY = 8;

  /** Shrinkage strengths tried, as multiples of the number of vectors fitted. */
  static final double[] SHRINKAGE_GRID = {
    0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, Double.POSITIVE_INFINITY
  };

  static final int READ_BATCH = 1024;

  /** Steps over which the ascent's step size grows to its full value. */
  static final int WARMUP_STEPS = 20;

  private final double rate;
  private final int bits;
  private final double[] stageRates;
  private final boolean shallow;
  private final boolean staged;
  private final boolean structured;
  private final int meanDirectionBits;
  private final long seed;
  private final int maxSteps;
  private final double tolerance;
  private final TrainingListener listener;

  private CodebookTrainer(Builder b) {
    this.rate = b.rate;
    this.bits = b.bits;
    this.stageRates = b.stageRates;
    this.shallow = b.shallow;
    this.staged = b.staged || b.stageRates != null;
    this.meanDirectionBits = b.meanDirectionBits;
    this.structured = b.structured;
    this.seed = b.seed;
    this.maxSteps = b.maxSteps;
    this.tolerance = b.tolerance;
    this.listener = b.listener;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options for a {@link CodebookTrainer}. Either a rate or a bit count is required. */
  public static final class Builder {
    private double rate = Double.NaN;
    private int bits;
    private double[] stageRates;
    private boolean shallow;
    private boolean staged;
    private boolean structured;
    private int meanDirectionBits = MEAN_DIRECTION_AUTO;
    private long seed = 1;
    private int maxSteps = 150;
    private double tolerance = 1e-6;
    private TrainingListener listener = TrainingListener.NONE;

    private Builder() {}

    /**
     * Bits per coordinate, in (0, 8]; the code length is {@code round(rate · d)}, at least 1. The
     * default (allocated) codebook spends them over the principal directions, up to 8 bits on one;
     * the sign codes ({@link #staged()}) split a code above 1 bit per coordinate into stages (see
     * {@link CodebookTrainer#stageBitsFor}), unless {@link #shallow()} is set.
     */
    public Builder rate(double rate) {
      if (!(rate > 0) || rate > Caps.MAX_STAGED_RATE) {
        throw new IllegalArgumentException(
            "rate must be in (0, " + Caps.MAX_STAGED_RATE + "]: " + rate);
      }
      this.rate = rate;
      this.bits = 0;
      this.stageRates = null;
      return this;
    }

    /** Code length in bits, 1..8d. Overrides {@link #rate}. */
    public Builder bits(int bits) {
      Checks.checkPositive("bits", bits);
      this.bits = bits;
      this.rate = Double.NaN;
      this.stageRates = null;
      return this;
    }

    /**
     * An explicit split of the bit budget into stages, in bits per coordinate each, in (0, 2] (e.g.
     * {@code stages(1, 1, 0.5)} for 2.5 bits per coordinate). Overrides {@link #rate} and {@link
     * #bits}.
     */
    public Builder stages(double... rates) {
      if (rates.length < 1 || rates.length > Caps.MAX_STAGES) {
        throw new IllegalArgumentException(
            "stages must number 1.." + Caps.MAX_STAGES + ": " + rates.length);
      }
      for (double r : rates) {
        if (!(r > 0) || r > 2) {
          throw new IllegalArgumentException("stage rate must be in (0, 2]: " + r);
        }
      }
      this.stageRates = rates.clone();
      this.rate = Double.NaN;
      this.bits = 0;
      return this;
    }

    /**
     * One stage whatever the rate (at most 2 bits per coordinate): the plain sign autoencoder of
     * docs/THEORY.md §2, its encoder trained by gradient ascent, a tight frame above 1 bit per
     * coordinate. Instead of the default allocation.
     */
    public Builder shallow() {
      this.shallow = true;
      return this;
    }

    /**
     * Sign codes in residual stages (docs/THEORY.md §5): one stage up to 1 bit per coordinate, then
     * stages of d bits each coding what the stages before left ({@link #stageBitsFor}). Instead of
     * the default allocation; {@link #stages} implies it.
     */
    public Builder staged() {
      this.staged = true;
      return this;
    }

    /**
     * For the default (allocated) codebooks trained from data: make the direction of the data's
     * mean the first basis direction and give it at least {@code bits} of the code's bits (0 to 8;
     * 0: the mean's direction is just another direction of the data). An inner product {@code ⟨q,
     * x⟩} with a query q near the mean depends on {@code ⟨μ, x − μ⟩} with weight {@code ‖μ‖²}, so
     * for inner-product search on data that are not centred (images, many embeddings) coding that
     * one number finely buys recall for a few bits (docs/THEORY.md §7). The default, {@link
     * #MEAN_DIRECTION_AUTO}, decides from the data.
     */
    public Builder meanDirectionBits(int bits) {
      if ((bits < 0 || bits > 8) && bits != MEAN_DIRECTION_AUTO) {
        throw new IllegalArgumentException(
            "meanDirectionBits must be in 0..8 or " + "MEAN_DIRECTION_AUTO: " + bits);
      }
      this.meanDirectionBits = bits;
      return this;
    }

    /** Seed of the random start (default 1). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Most optimisation steps (default 150). */
    public Builder maxSteps(int maxSteps) {
      Checks.checkAtLeast("maxSteps", maxSteps, 0);
      this.maxSteps = maxSteps;
      return this;
    }

    /**
     * Stops early once the objective gained less than this fraction over the last 10 steps (default
     * 1e-6); never during the step size's warm-up (the first 20 steps, or a fifth of {@link
     * #maxSteps} if fewer).
     */
    public Builder tolerance(double tolerance) {
      if (!(tolerance >= 0)) {
        throw new IllegalArgumentException("tolerance must be >= 0: " + tolerance);
      }
      this.tolerance = tolerance;
      return this;
    }

    public Builder listener(TrainingListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Makes the data-free forms ({@link CodebookTrainer#isotropic}, {@link
     * CodebookTrainer#trainIsotropic}) structured: randomized fast orthogonal transforms stored as
     * a seed, O(d log d) to encode and decode (see {@link Codebook#structured}). Every stage must
     * then code at most d bits. Default off.
     */
    public Builder structured() {
      this.structured = true;
      return this;
    }

    public CodebookTrainer build() {
      if (bits == 0 && Double.isNaN(rate) && stageRates == null) {
        throw new IllegalStateException("set rate(...), bits(...) or stages(...)");
      }
      if (shallow && ((stageRates != null && stageRates.length > 1) || staged)) {
        throw new IllegalStateException("shallow() and a split into stages contradict");
      }
      return new CodebookTrainer(this);
    }
  }

  /**
   * Whether this trainer makes allocated codebooks (the default: neither {@link Builder#shallow}
   * nor {@link Builder#staged} nor {@link Builder#stages}): bits allocated over principal
   * directions, several tied bits where the variance is, none where it is not.
   */
  public boolean allocates() {
    return !shallow && !staged;
  }

  /** The total code length this trainer uses for dimension {@code d}. */
  public int bitsFor(int dimension) {
    return java.util.Arrays.stream(stageBitsFor(dimension)).sum();
  }

  /**
   * The bits of each stage for dimension {@code d}. Unless split explicitly, a code of at most d
   * bits (or any code, with {@link Builder#shallow()}) is one stage; a longer one is split into
   * stages of d bits (1 bit per coordinate, where one stage is strongest: a rotation) followed by
   * one stage with the remainder, e.g. 2.5 bits per coordinate as 1 + 1 + 0.5. Coding the residual
   * of a rotation in stages beats a tight frame at every rate above 1 (docs/THEORY.md §5). For an
   * allocating trainer this is the split of the data-free form (stage k holds bit k of the
   * directions that have one); trained from data, the split follows the data.
   */
  public int[] stageBitsFor(int dimension) {
    int[] stages;
    if (stageRates != null) {
      stages = new int[stageRates.length];
      for (int k = 0; k < stages.length; k++) {
        stages[k] = (int) Math.max(1, Math.round(stageRates[k] * dimension));
      }
    } else {
      int n = bits > 0 ? bits : (int) Math.max(1, Math.round(rate * dimension));
      if (shallow || n <= dimension) {
        stages = new int[] {n};
      } else {
        int full = n / dimension;
        int rest = n % dimension;
        stages = new int[full + (rest > 0 ? 1 : 0)];
        java.util.Arrays.fill(stages, 0, full, dimension);
        if (rest > 0) {
          stages[full] = rest;
        }
      }
    }
    for (int k = 0; k < stages.length; k++) {
      if (stages[k] > 2L * dimension) {
        throw new IllegalArgumentException(
            stages[k]
                + " bits is more than 2d = "
                + 2L * dimension
                + " for one stage in dimension "
                + dimension);
      }
    }
    long total = java.util.Arrays.stream(stages).asLongStream().sum();
    int max = Caps.maxBits(dimension, stages.length);
    if (total > max || stages.length > Caps.MAX_STAGES) {
      throw new IllegalArgumentException(
          total
              + " bits in "
              + stages.length
              + " stages is more than a codebook of dimension "
              + dimension
              + " may hold ("
              + max
              + ")");
    }
    return stages;
  }

  // ---------------------------------------------------------------- trained from data

  /** The first pass: μ and Σ of the training vectors, which must hold two that differ. */
  static CovarianceAccumulator moments(PassRunner runner, int dimension) throws IOException {
    CovarianceAccumulator moments = runner.run(new Passes.Moments(dimension));
    checkTrainable(moments.count(), moments.totalVariance());
    return moments;
  }

  private static void checkTrainable(long count, double totalVariance) {
    if (count < 2) {
      throw new IllegalArgumentException("training needs at least 2 vectors, got " + count);
    }
    if (!(totalVariance > 0)) {
      throw new IllegalArgumentException("training vectors have no variance: all are equal");
    }
  }

  /** Fails if a later pass saw another number of vectors than the first. */
  static void checkSameVectors(long first, long later) throws IOException {
    if (later != first) {
      throw new IOException(
          "the source yielded " + later + " vectors on a later pass, " + first + " on its first");
    }
  }

  /** Trains from {@code source}, reading it two or more times. Needs at least two vectors. */
  public Codebook train(VectorSource source) throws IOException {
    return train(source.dimension(), PassRunner.sequential(source, listener));
  }

  /**
   * Trains from the vectors that {@code runner} passes over (two passes, more for staged codes):
   * the same codebook as {@link #train(VectorSource)} when the runner feeds the same vectors in one
   * part, for a runner that spreads the passes over a cluster's partitions. Between passes this
   * does the d×d work (eigendecompositions, fits) on the calling thread.
   */
  public Codebook train(int dimension, PassRunner runner) throws IOException {
    Checks.checkPositive("dimension", dimension);
    Objects.requireNonNull(runner, "runner");
    int d = dimension;
    int[] stages = stageBitsFor(d);
    if (allocates()) {
      return new AllocationTrainer().train(runner, d, bitsFor(d), seed, meanDirectionBits);
    }
    CovarianceAccumulator moments = moments(runner, d);
    long count = moments.count();
    double trace = moments.totalVariance();
    float[] mean = Matrices.toFloat(moments.mean());
    Stage first = trainStage(moments, runner, null, stages[0], mean, seed);
    if (stages.length == 1) {
      return Codebook.of(
          d,
          stages[0],
          mean,
          first.encoder,
          first.decoder,
          new CodebookInfo(
              CodebookInfo.Method.TRAINED,
              seed,
              count,
              first.squaredError / (count * trace),
              first.predictedNmse));
    }
    // Each further stage learns from the residuals the stages before it leave (docs/THEORY.md §5).
    float[] encoder = first.encoder;
    float[] decoder = first.decoder;
    Stage last = first;
    for (int k = 1; k < stages.length; k++) {
      int[] done = java.util.Arrays.copyOf(stages, k);
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
      checkSameVectors(count, residualMoments.count());
      last = trainStage(residualMoments, runner, partial, stages[k], new float[d], seed + k);
      encoder = concatRows(encoder, last.encoder);
      decoder = concatColumns(decoder, d, last.decoder);
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
            last.squaredError / (count * trace),
            Double.NaN));
  }

  /** One stage's matrices and what its refit measured. */
  private record Stage(
      float[] encoder, float[] decoder, double squaredError, double predictedNmse) {}

  /**
   * Learns one sign stage for the training vectors, or for the residuals {@code partial} leaves on
   * them if not null (whose moments are given), coded around {@code center}: the encoder by ascent
   * on Σ, the decoder by the shrunk refit.
   */
  private Stage trainStage(
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
    java.util.Arrays.sort(
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
    u = ascend(u, lambda);

    // Back to data coordinates: b_i = V Λ^{-1/2} ũ_i, rows normalised (only directions matter).
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        u.set(i, k, u.get(i, k) / Math.sqrt(lambda[k]));
      }
    }
    DMatrixRMaj b = new DMatrixRMaj(n, d);
    CommonOps_MT_DDRM.multTransB(u, v, b);
    normalizeRows(b);

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
    checkSameVectors(count, refit.count());

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
    return new Stage(encoder, Matrices.toFloat(a.data), squaredError, model.risk(a, trace) / trace);
  }

  private static float[] concatRows(float[] top, float[] bottom) {
    float[] out = java.util.Arrays.copyOf(top, top.length + bottom.length);
    System.arraycopy(bottom, 0, out, top.length, bottom.length);
    return out;
  }

  /** [L | R] for row-major d×nl and d×nr matrices. */
  private static float[] concatColumns(float[] left, int d, float[] right) {
    int nl = left.length / d;
    int nr = right.length / d;
    float[] out = new float[d * (nl + nr)];
    for (int k = 0; k < d; k++) {
      System.arraycopy(left, k * nl, out, k * (nl + nr), nl);
      System.arraycopy(right, k * nr, out, k * (nl + nr) + nl, nr);
    }
    return out;
  }

  /** Projected Adam ascent on J from {@code u}; returns the best iterate seen. */
  private DMatrixRMaj ascend(DMatrixRMaj u, double[] lambda) {
    int n = u.numRows;
    int d = u.numCols;
    double trace = 0;
    for (double l : lambda) {
      trace += l;
    }
    SignObjective objective = new SignObjective(lambda, n);
    DMatrixRMaj grad = new DMatrixRMaj(n, d);
    double[] m1 = new double[n * d];
    double[] m2 = new double[n * d];
    double beta1 = 0.9;
    double beta2 = 0.999;
    // Adam moves each coordinate by about the step size; unit rows have coordinates ~ 1/√d.
    double step0 = 2 / Math.sqrt(d);
    // From a random start, full-size Adam steps first scramble the rows (J falls for several
    // steps): the step grows linearly over the first steps, and no early stop comes before the
    // warm-up has ended, which would otherwise return the random start.
    int warmup = Math.max(1, Math.min(WARMUP_STEPS, maxSteps / 5));
    DMatrixRMaj best = u.copy();
    double bestJ = Double.NEGATIVE_INFINITY;
    double[] history = new double[maxSteps + 1];
    for (int t = 1; t <= maxSteps; t++) {
      double j = objective.evaluate(u, grad);
      history[t - 1] = Math.max(j, t > 1 ? history[t - 2] : j);
      if (j > bestJ) {
        bestJ = j;
        best.setTo(u);
      }
      listener.step(t, maxSteps, 1 - j / trace);
      if (t > warmup + 10
          && history[t - 1] - history[t - 11] <= tolerance * Math.abs(history[t - 1])) {
        return best;
      }
      double[] ud = u.data;
      double[] gd = grad.data;
      double lr =
          step0
              * (0.1 + 0.45 * (1 + Math.cos(Math.PI * (t - 1) / maxSteps)))
              * Math.min(1, (double) t / warmup);
      double c1 = 1 - Math.pow(beta1, t);
      double c2 = 1 - Math.pow(beta2, t);
      for (int i = 0; i < n; i++) {
        int row = i * d;
        double radial = 0;
        for (int k = 0; k < d; k++) {
          radial += gd[row + k] * ud[row + k];
        }
        for (int k = 0; k < d; k++) {
          int ik = row + k;
          double gk = gd[ik] - radial * ud[ik];
          m1[ik] = beta1 * m1[ik] + (1 - beta1) * gk;
          m2[ik] = beta2 * m2[ik] + (1 - beta2) * gk * gk;
          ud[ik] += lr * (m1[ik] / c1) / (Math.sqrt(m2[ik] / c2) + 1e-12);
        }
      }
      normalizeRows(u);
    }
    double j = objective.evaluate(u, null);
    return j > bestJ ? u : best;
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

  // ---------------------------------------------------------------- data-free form

  /**
   * The data-free optimal form fitted to {@code source}'s mean and overall scale {@code s = sqrt(tr
   * Σ / d)} only; a second pass measures the training NMSE.
   */
  public Codebook trainIsotropic(VectorSource source) throws IOException {
    return trainIsotropic(source.dimension(), PassRunner.sequential(source, listener));
  }

  /** {@link #trainIsotropic(VectorSource)} over the vectors that {@code runner} passes over. */
  public Codebook trainIsotropic(int dimension, PassRunner runner) throws IOException {
    Checks.checkPositive("dimension", dimension);
    int d = dimension;
    ScaleAccumulator moments = runner.run(new Passes.Scale(d));
    long count = moments.count();
    double trace = moments.totalVariance();
    checkTrainable(count, trace);
    float[] mean = Matrices.toFloat(moments.mean());
    double scale = Math.sqrt(trace / d);
    Codebook form = isotropic(d, mean, scale, count, Double.NaN);
    DistortionAccumulator measured = runner.run(new Passes.Measure(form));
    checkSameVectors(count, measured.count());
    return isotropic(d, mean, scale, count, measured.distortion().nmse());
  }

  /** The data-free optimal form for {@code N(0, I)} in dimension {@code d}: μ = 0, scale 1. */
  public Codebook isotropic(int dimension) {
    Checks.checkPositive("dimension", dimension);
    return isotropic(dimension, new float[dimension], 1, 0, Double.NaN);
  }

  private Codebook isotropic(
      int d, float[] mean, double scale, long trainVectors, double trainNmse) {
    int[] stages = stageBitsFor(d);
    if (allocates()) {
      return AllocationTrainer.isotropic(
          d, bitsFor(d), mean, scale, structured, seed, trainVectors, trainNmse);
    }
    if (structured) {
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
        residual *= io.signcodec.core.Limits.signAutoencoderLimit((double) stages[k] / d);
      }
      // Orthonormal rows with the tied decoder reach 1 − 2r/π exactly on N(0, s²I).
      double predicted =
          stages.length == 1
              ? io.signcodec.core.Limits.signAutoencoderLimit((double) stages[0] / d)
              : Double.NaN;
      return Codebook.structured(
          d,
          stages,
          mean,
          scales,
          new CodebookInfo(
              CodebookInfo.Method.ISOTROPIC, seed, trainVectors, trainNmse, predicted));
    }
    Random random = new Random(seed);
    if (stages.length == 1) {
      Stage s = isotropicStage(d, stages[0], scale, random);
      return Codebook.of(
          d,
          stages[0],
          mean,
          s.encoder,
          s.decoder,
          new CodebookInfo(
              CodebookInfo.Method.ISOTROPIC, seed, trainVectors, trainNmse, s.predictedNmse));
    }
    // Independent rotations per stage; each decoder scaled to the residual the stages before it
    // leave on Gaussian data (the limit of each stage, multiplied).
    float[] encoder = new float[0];
    float[] decoder = null;
    double residual = 1;
    for (int bits : stages) {
      Stage s = isotropicStage(d, bits, scale * Math.sqrt(residual), random);
      encoder = concatRows(encoder, s.encoder);
      decoder = decoder == null ? s.decoder : concatColumns(decoder, d, s.decoder);
      residual *= io.signcodec.core.Limits.signAutoencoderLimit((double) bits / d);
    }
    return Codebook.of(
        d,
        stages,
        mean,
        encoder,
        decoder,
        new CodebookInfo(CodebookInfo.Method.ISOTROPIC, seed, trainVectors, trainNmse, Double.NaN));
  }

  /** One data-free stage: orthogonal rows or a unit-norm tight frame, weight-tied decoder. */
  private Stage isotropicStage(int d, int n, double scale, Random random) {
    double r = (double) n / d;
    DMatrixRMaj b = new DMatrixRMaj(n, d);
    int row = 0;
    while (row < n) {
      int take = Math.min(d, n - row);
      DMatrixRMaj q = Matrices.randomOrthonormalRows(take, d, random);
      System.arraycopy(q.data, 0, b.data, row * d, take * d);
      row += take;
    }
    if (n > d && n % d != 0) {
      // Stacked rotations are a tight frame only when d divides n; otherwise let gradient ascent
      // on the isotropic objective (whose optimum is a unit-norm tight frame) finish the job.
      double[] ones = new double[d];
      java.util.Arrays.fill(ones, 1);
      b = ascend(b, ones);
    }
    normalizeRows(b);
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
    return new Stage(encoder, decoder, Double.NaN, predicted);
  }

  // ---------------------------------------------------------------- helpers

  private static DMatrixRMaj gaussianUnitRows(int n, int d, Random random) {
    DMatrixRMaj u = new DMatrixRMaj(n, d);
    for (int i = 0; i < u.data.length; i++) {
      u.data[i] = random.nextGaussian();
    }
    normalizeRows(u);
    return u;
  }

  static void normalizeRows(DMatrixRMaj m) {
    int cols = m.numCols;
    for (int i = 0; i < m.numRows; i++) {
      double s = 0;
      for (int k = 0; k < cols; k++) {
        double x = m.data[i * cols + k];
        s += x * x;
      }
      double inv = 1 / Math.sqrt(s);
      for (int k = 0; k < cols; k++) {
        m.data[i * cols + k] *= inv;
      }
    }
  }
}
