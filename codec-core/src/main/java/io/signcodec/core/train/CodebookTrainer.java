package io.signcodec.core.train;

import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.VectorSource;
import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.Matrices;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Trains codebooks from data or from nothing (docs/THEORY.md): the options, and the choice of one
 * of three trainers, each in its own package-private class.
 *
 * <p>By default ({@link #allocates()}), {@link #train} makes the allocated codebook of
 * docs/THEORY.md §7: one pass accumulates μ and Σ, the bits are allocated over Σ's principal
 * directions with tied levels fitted per direction, and (by default, {@link #MEAN_DIRECTION_AUTO})
 * some of them code the mean's direction when the data are far from centred ({@code
 * AllocationTrainer}, which also makes the allocated data-free form).
 *
 * <p>With {@link Builder#shallow()}, {@link Builder#staged()} or {@link Builder#stages} it trains
 * the sign codes of docs/THEORY.md §2–3 instead, in residual stages above one (§5), in two
 * streaming passes per stage: the first accumulates μ and Σ; then projected gradient ascent (Adam;
 * the step warms up linearly, then decays on a cosine) on the Gaussian surrogate {@code J(U)} from
 * a random start, working on Σ alone; the second pass refits the decoder on the samples, by a ridge
 * regression shrunk toward the Gaussian-optimal decoder {@code A* = C K⁻¹} ({@code
 * SignCodeTrainer}, with {@code SignAscent}).
 *
 * <p>{@link #trainIsotropic} and {@link #isotropic} give the data-free optimal form, fitted to the
 * data's mean and overall scale or to {@code N(0, I)}: for the allocated codebook the bits spread
 * evenly over a random basis (§7); for the sign codes (docs/THEORY.md §2) random orthogonal rows
 * for r ≤ 1, a unit-norm tight frame for r > 1, with the weight-tied decoder ({@code
 * IsotropicSignForms}); with {@link Builder#structured()} either as randomized fast orthogonal
 * transforms stored as a seed (§6).
 *
 * <p>Each option of the {@link Builder} applies to some of these, as its documentation says; an
 * option set by the caller that the chosen trainer would ignore is refused, with an {@link
 * IllegalStateException} naming the option and what it applies to: by {@link Builder#build()} when
 * the options alone show it (e.g. {@link Builder#maxSteps} for the allocated codebook), else by the
 * call that would ignore it (e.g. {@link Builder#structured()}, then {@link #train}). Options left
 * at their defaults are never refused.
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

  /**
   * {@link Builder#gainBits} decided from the data (the default). The trainer fits three codebooks
   * of the same code length: one that gives every bit to the directions, one with {@value
   * #AUTO_GAIN_BITS} bits of per-vector gain picked after the directions, and one with as many
   * searched jointly with them ({@link Builder#gainBits(int, boolean)}); and measures recall@10 of
   * each on the training vectors (the first 400 are the queries, the first 50 000 of each part of a
   * distributed runner the database, ranked by the scores of each codebook's codes against the
   * exact inner products). It keeps the gain that lifts recall@10 most among those that lift it by
   * more than {@value #AUTO_GAIN_RECALL_MARGIN}, and by at least {@value
   * #AUTO_GAIN_RECALL_PER_ERROR} times the share by which they raise the training error: 0.05 of
   * recall for 1 % of error. The gain mends the norms of the vectors whose projections the levels
   * clip or shrink, which decides the top of an inner-product ranking more than it moves the
   * squared error (docs/THEORY.md §7, per-vector gain); searched jointly, it also fits the levels
   * to vectors scaled to a common norm. Measured (BENCHMARKS.md): on sentence embeddings the gain
   * after the directions lifts recall by 0.04 to 0.07 and wins; on images the joint gain lifts it
   * by up to 0.05 and lowers the error by up to 38 %; on isotropic Gaussian data at r ≤ 1 neither
   * pays. Five more passes over the data: the reconstructions whose gains the levels are fitted to;
   * the scales, the scaled projections and the error of the joint codebook; the recall.
   */
  public static final int GAIN_AUTO = -1;

  /** The bits of gain {@link #GAIN_AUTO} tries (measured in BENCHMARKS.md: more pay no more). */
  static final int AUTO_GAIN_BITS = 4;

  /** The recall@10 that {@link #GAIN_AUTO} asks the gain to add, beyond noise. */
  static final double AUTO_GAIN_RECALL_MARGIN = 0.005;

  /**
   * The recall@10 that {@link #GAIN_AUTO} asks of the gain per unit of relative rise in the
   * training error.
   */
  static final double AUTO_GAIN_RECALL_PER_ERROR = 5;

  static final int READ_BATCH = 1024;

  /** What the sign codes are called in messages. */
  private static final String SIGN_CODES = "the sign codes (shallow(), staged(), stages(...))";

  /** What the listener hears, for its messages. */
  private static final String LISTENER_HEARS =
      "it hears the passes of train(VectorSource) and trainIsotropic(VectorSource) and the steps"
          + " of the gradient ascent";

  private final double rate;
  private final int bits;
  private final double[] stageRates;
  private final boolean shallow;
  private final boolean staged;
  private final boolean structured;
  private final int meanDirectionBits;
  private final int gainBits;
  private final boolean jointGain;
  private final long seed;
  private final TrainingListener listener;
  private final SignAscent ascent;
  // Which options the caller set: only those are refused where they would be ignored.
  private final boolean meanDirectionBitsSet;
  private final boolean gainBitsSet;
  private final boolean maxStepsSet;
  private final boolean toleranceSet;
  private final boolean listenerSet;

  private CodebookTrainer(Builder b) {
    this.rate = b.rate;
    this.bits = b.bits;
    this.stageRates = b.stageRates;
    this.shallow = b.shallow;
    this.staged = b.staged || b.stageRates != null;
    this.meanDirectionBits = b.meanDirectionBits;
    this.gainBits = b.gainBits;
    this.jointGain = b.jointGain;
    this.structured = b.structured;
    this.seed = b.seed;
    this.listener = b.listener;
    this.ascent = new SignAscent(b.maxSteps, b.tolerance, b.listener);
    this.meanDirectionBitsSet = b.meanDirectionBitsSet;
    this.gainBitsSet = b.gainBitsSet;
    this.maxStepsSet = b.maxStepsSet;
    this.toleranceSet = b.toleranceSet;
    this.listenerSet = b.listenerSet;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Options for a {@link CodebookTrainer}. Either a rate or a bit count is required. Each option
   * says which trainers it applies to; one set explicitly for a trainer it does not apply to is
   * refused ({@link IllegalStateException}) by {@link #build()} or by the call that would ignore
   * it.
   */
  public static final class Builder {
    private double rate = Double.NaN;
    private int bits;
    private double[] stageRates;
    private boolean shallow;
    private boolean staged;
    private boolean structured;
    private int meanDirectionBits = MEAN_DIRECTION_AUTO;
    private int gainBits = GAIN_AUTO;
    private boolean jointGain;
    private long seed = 1;
    private int maxSteps = 150;
    private double tolerance = 1e-6;
    private TrainingListener listener = TrainingListener.NONE;
    private boolean meanDirectionBitsSet;
    private boolean gainBitsSet;
    private boolean maxStepsSet;
    private boolean toleranceSet;
    private boolean listenerSet;

    private Builder() {}

    /**
     * Bits per coordinate, in (0, 8]; the code length is {@code round(rate · d)}, at least 1. The
     * default (allocated) codebook spends them over the principal directions, up to 8 bits on one;
     * the sign codes ({@link #staged()}) split a code above 1 bit per coordinate into stages (see
     * {@link CodebookTrainer#stageBitsFor}), unless {@link #shallow()} is set. Applies to every
     * trainer.
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

    /** Code length in bits, 1..8d. Overrides {@link #rate}. Applies to every trainer. */
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
     * #bits}. Chooses the sign codes: implies {@link #staged()}.
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
     * coordinate. Instead of the default allocation: chooses the sign codes, for {@link
     * CodebookTrainer#train} and the data-free forms alike. Refused by {@link #build()} with a
     * split into stages.
     */
    public Builder shallow() {
      this.shallow = true;
      return this;
    }

    /**
     * Sign codes in residual stages (docs/THEORY.md §5): one stage up to 1 bit per coordinate, then
     * stages of d bits each coding what the stages before left ({@link #stageBitsFor}). Instead of
     * the default allocation: chooses the sign codes, for {@link CodebookTrainer#train} and the
     * data-free forms alike; {@link #stages} implies it.
     */
    public Builder staged() {
      this.staged = true;
      return this;
    }

    /**
     * Make the direction of the data's mean the first basis direction and give it at least {@code
     * bits} of the code's bits (0 to 8; 0: the mean's direction is just another direction of the
     * data). An inner product {@code ⟨q, x⟩} with a query q near the mean depends on {@code ⟨μ, x −
     * μ⟩} with weight {@code ‖μ‖²}, so for inner-product search on data that are not centred
     * (images, many embeddings) coding that one number finely buys recall for a few bits
     * (docs/THEORY.md §7). The default, {@link #MEAN_DIRECTION_AUTO}, decides from the data.
     *
     * <p>Applies only to the default (allocated) codebook trained from data, {@link
     * CodebookTrainer#train}: refused by {@link #build()} with the sign codes ({@link #shallow()},
     * {@link #staged()}, {@link #stages}) or with {@link #structured()}, and by {@link
     * CodebookTrainer#isotropic} and {@link CodebookTrainer#trainIsotropic}.
     */
    public Builder meanDirectionBits(int bits) {
      if ((bits < 0 || bits > 8) && bits != MEAN_DIRECTION_AUTO) {
        throw new IllegalArgumentException(
            "meanDirectionBits must be in 0..8 or " + "MEAN_DIRECTION_AUTO: " + bits);
      }
      this.meanDirectionBits = bits;
      this.meanDirectionBitsSet = true;
      return this;
    }

    /**
     * End every code with {@code bits} of per-vector gain (0 to 8; 0: none), taken from the
     * directions' bits, so the code length stays what {@link #rate} or {@link #bits(int)} says: a
     * vector decodes as {@code x̂ = μ + ŝ Σ_i u_i ℓ_i}, with {@code ŝ} one of {@code 2^bits} levels
     * fitted to the data (docs/THEORY.md §7, per-vector gain). Where vectors' norms vary more than
     * the directions' levels follow (images, sentence embeddings) the gain lifts recall at equal
     * bits; on data whose norms concentrate (Gaussian) it only takes bits away. The default, {@link
     * #GAIN_AUTO}, decides from the data.
     *
     * <p>Applies only to the default (allocated) codebook trained from data, {@link
     * CodebookTrainer#train}: refused as {@link #meanDirectionBits} is.
     */
    public Builder gainBits(int bits) {
      return gainBits(bits, false);
    }

    /**
     * As {@link #gainBits(int)}; with {@code joint} the encoder searches the gain jointly with the
     * directions' levels ({@link io.signcodec.core.Codebook#gainSearchedJointly()}): the levels are
     * then fitted to vectors scaled to a common norm, and the mean direction, if any, is coded on
     * evenly spaced levels with as many bits (up to {@value io.signcodec.core.Caps#MAX_DEPTH}) as
     * its weight in inner products asks. {@link #GAIN_AUTO} tries both rules.
     */
    public Builder gainBits(int bits, boolean joint) {
      if ((bits < 0 || bits > 8) && bits != GAIN_AUTO) {
        throw new IllegalArgumentException("gainBits must be in 0..8 or GAIN_AUTO: " + bits);
      }
      this.gainBits = bits;
      this.jointGain = joint;
      this.gainBitsSet = true;
      return this;
    }

    /**
     * Seed of the random start of the sign codes' gradient ascent (stage k: {@code seed + k}), of
     * the random rotations of the data-free forms and of their structured transforms (default 1).
     * Applies to every trainer and is never refused: every codebook records it ({@link
     * io.signcodec.core.CodebookInfo#seed}), though the allocated codebook trained from data draws
     * nothing at random and only records it.
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Most optimisation steps of the gradient ascent (default 150). Applies to the sign codes
     * ({@link #shallow()}, {@link #staged()}, {@link #stages}): to their training, {@link
     * CodebookTrainer#train}, and to their dense data-free form, whose ascent finishes the tight
     * frame of a stage of more than d bits that d does not divide. Refused by {@link #build()} for
     * the default (allocated) codebook and with {@link #structured()}, which run no ascent, and by
     * {@link CodebookTrainer#isotropic} and {@link CodebookTrainer#trainIsotropic} when no stage of
     * the form in that dimension needs the ascent.
     */
    public Builder maxSteps(int maxSteps) {
      Checks.checkAtLeast("maxSteps", maxSteps, 0);
      this.maxSteps = maxSteps;
      this.maxStepsSet = true;
      return this;
    }

    /**
     * Stops the gradient ascent early once the objective gained less than this fraction over the
     * last 10 steps (default 1e-6); never during the step size's warm-up (the first 20 steps, or a
     * fifth of {@link #maxSteps} if fewer). Applies, and is refused, as {@link #maxSteps}.
     */
    public Builder tolerance(double tolerance) {
      if (!(tolerance >= 0)) {
        throw new IllegalArgumentException("tolerance must be >= 0: " + tolerance);
      }
      this.tolerance = tolerance;
      this.toleranceSet = true;
      return this;
    }

    /**
     * Hears the progress ({@link TrainingListener}): the passes that {@link
     * CodebookTrainer#train(VectorSource)} and {@link CodebookTrainer#trainIsotropic(VectorSource)}
     * run over their source (a {@link PassRunner} of the caller's reports its own), and the steps
     * of the gradient ascent of the sign codes (their training, and the dense data-free form where
     * a stage needs it: see {@link #maxSteps}). Refused by the calls where it would hear nothing:
     * {@link CodebookTrainer#train(int, PassRunner)} of the default (allocated) codebook, and
     * {@link CodebookTrainer#isotropic} and {@link CodebookTrainer#trainIsotropic(int, PassRunner)}
     * when the form runs no ascent.
     */
    public Builder listener(TrainingListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      this.listenerSet = true;
      return this;
    }

    /**
     * Makes the data-free forms ({@link CodebookTrainer#isotropic}, {@link
     * CodebookTrainer#trainIsotropic}) structured: randomized fast orthogonal transforms stored as
     * a seed, O(d log d) to encode and decode (see {@link Codebook#structured}). Every stage must
     * then code at most d bits. Default off. Applies only to the data-free forms, allocated or sign
     * codes: refused by {@link CodebookTrainer#train}, which trains from data.
     */
    public Builder structured() {
      this.structured = true;
      return this;
    }

    /**
     * The trainer.
     *
     * @throws IllegalStateException without a rate, bits or stages; for {@link #shallow()} with a
     *     split into stages; for an option set that no call of the trainer would use (see each)
     */
    public CodebookTrainer build() {
      if (bits == 0 && Double.isNaN(rate) && stageRates == null) {
        throw new IllegalStateException("set rate(...), bits(...) or stages(...)");
      }
      if (shallow && ((stageRates != null && stageRates.length > 1) || staged)) {
        throw new IllegalStateException("shallow() and a split into stages contradict");
      }
      boolean allocates = !shallow && !staged && stageRates == null;
      String allocatedOption =
          meanDirectionBitsSet ? "meanDirectionBits" : gainBitsSet ? "gainBits" : null;
      if (allocatedOption != null && !allocates) {
        throw new IllegalStateException(
            allocatedOption
                + " applies to the default (allocated) codebook trained from data, not"
                + " to "
                + SIGN_CODES);
      }
      if (allocatedOption != null && structured) {
        throw new IllegalStateException(
            allocatedOption
                + " applies to the allocated codebook trained from data (train),"
                + " structured() to the data-free forms (isotropic, trainIsotropic): no call uses"
                + " both");
      }
      String ascentOption = maxStepsSet ? "maxSteps" : toleranceSet ? "tolerance" : null;
      if (ascentOption != null && allocates) {
        throw new IllegalStateException(
            ascentOption
                + " applies to the gradient ascent of "
                + SIGN_CODES
                + ", not to the default (allocated) codebook, which runs none");
      }
      if (ascentOption != null && structured) {
        throw new IllegalStateException(
            ascentOption
                + " applies to the gradient ascent of "
                + SIGN_CODES
                + " trained from data (train), structured() to the data-free forms (isotropic,"
                + " trainIsotropic), which then run no ascent: no call uses both");
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
    return Arrays.stream(stageBitsFor(dimension)).sum();
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
        Arrays.fill(stages, 0, full, dimension);
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
    long total = Arrays.stream(stages).asLongStream().sum();
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

  /**
   * Trains from {@code source}, reading it two or more times. Needs at least two vectors.
   *
   * @throws IllegalStateException if {@link Builder#structured()} was set, which applies to the
   *     data-free forms only
   */
  public Codebook train(VectorSource source) throws IOException {
    checkTrainOptions("train(VectorSource)");
    return trainFrom(source.dimension(), PassRunner.sequential(source, listener));
  }

  /**
   * Trains from the vectors that {@code runner} passes over (two passes, more for staged codes):
   * the same codebook as {@link #train(VectorSource)} when the runner feeds the same vectors in one
   * part, for a runner that spreads the passes over a cluster's partitions. Between passes this
   * does the d×d work (eigendecompositions, fits) on the calling thread and the common fork-join
   * pool.
   *
   * @throws IllegalStateException if {@link Builder#structured()} was set, or a {@link
   *     Builder#listener} for the allocated codebook (the runner reports the passes; there is no
   *     gradient ascent to hear)
   */
  public Codebook train(int dimension, PassRunner runner) throws IOException {
    checkTrainOptions("train(dimension, runner)");
    if (listenerSet && allocates()) {
      throw new IllegalStateException(
          "listener would hear nothing from train(dimension, runner) of the default (allocated)"
              + " codebook: the runner reports the passes, and there is no gradient ascent; "
              + LISTENER_HEARS
              + " of "
              + SIGN_CODES);
    }
    return trainFrom(dimension, runner);
  }

  private void checkTrainOptions(String call) {
    if (structured) {
      throw new IllegalStateException(
          "structured() applies to the data-free forms (isotropic, trainIsotropic), not to "
              + call
              + ", which trains from data");
    }
  }

  private Codebook trainFrom(int dimension, PassRunner runner) throws IOException {
    Checks.checkPositive("dimension", dimension);
    Objects.requireNonNull(runner, "runner");
    int d = dimension;
    int[] stages = stageBitsFor(d);
    if (allocates()) {
      int n = bitsFor(d);
      if (gainBits > 0 && gainBits >= n) {
        throw new IllegalArgumentException(
            "gainBits " + gainBits + " leaves none of the " + n + " bits for the directions");
      }
      return new AllocationTrainer()
          .train(runner, d, n, seed, meanDirectionBits, gainBits, jointGain);
    }
    return new SignCodeTrainer(ascent).train(runner, d, stages, seed);
  }

  // ---------------------------------------------------------------- data-free form

  /**
   * The data-free optimal form fitted to {@code source}'s mean and overall scale {@code s = sqrt(tr
   * Σ / d)} only; a second pass measures the training NMSE.
   *
   * @throws IllegalStateException if {@link Builder#meanDirectionBits} or {@link Builder#gainBits}
   *     was set, or {@link Builder#maxSteps} or {@link Builder#tolerance} and no stage of the form
   *     needs the ascent
   */
  public Codebook trainIsotropic(VectorSource source) throws IOException {
    int d = source.dimension();
    checkIsotropicOptions(d, "trainIsotropic(VectorSource)", null);
    return trainIsotropicFrom(d, PassRunner.sequential(source, listener));
  }

  /**
   * {@link #trainIsotropic(VectorSource)} over the vectors that {@code runner} passes over.
   *
   * @throws IllegalStateException as {@link #trainIsotropic(VectorSource)}, and for a {@link
   *     Builder#listener} when the form runs no gradient ascent (the runner reports the passes)
   */
  public Codebook trainIsotropic(int dimension, PassRunner runner) throws IOException {
    checkIsotropicOptions(
        dimension, "trainIsotropic(dimension, runner)", "the runner reports the passes");
    return trainIsotropicFrom(dimension, runner);
  }

  private Codebook trainIsotropicFrom(int dimension, PassRunner runner) throws IOException {
    Checks.checkPositive("dimension", dimension);
    int d = dimension;
    ScaleAccumulator moments = runner.run(new Passes.Scale(d));
    long count = moments.count();
    double trace = moments.totalVariance();
    Passes.checkTrainable(count, trace);
    float[] mean = Matrices.toFloat(moments.mean());
    double scale = Math.sqrt(trace / d);
    Codebook form = isotropicForm(d, mean, scale, count, Double.NaN);
    DistortionAccumulator measured = runner.run(new Passes.Measure(form));
    Passes.checkSameVectors(count, measured.count());
    return isotropicForm(d, mean, scale, count, measured.distortion().nmse());
  }

  /**
   * The data-free optimal form for {@code N(0, I)} in dimension {@code d}: μ = 0, scale 1.
   *
   * @throws IllegalStateException if {@link Builder#meanDirectionBits} or {@link Builder#gainBits}
   *     was set, or {@link Builder#maxSteps}, {@link Builder#tolerance} or a {@link
   *     Builder#listener} and no stage of the form needs the gradient ascent
   */
  public Codebook isotropic(int dimension) {
    checkIsotropicOptions(dimension, "isotropic(dimension)", "it reads no data");
    return isotropicForm(dimension, new float[dimension], 1, 0, Double.NaN);
  }

  /**
   * Refuses the options a data-free form of dimension d would ignore.
   *
   * @param passesUnheard why the listener hears no passes of this call, or null if it does
   */
  private void checkIsotropicOptions(int d, String call, String passesUnheard) {
    Checks.checkPositive("dimension", d);
    if (meanDirectionBitsSet || gainBitsSet) {
      throw new IllegalStateException(
          (meanDirectionBitsSet ? "meanDirectionBits" : "gainBits")
              + " applies to the default (allocated) codebook trained from data"
              + " (train), not to the data-free form of "
              + call);
    }
    boolean ascentOptions = maxStepsSet || toleranceSet;
    if (!ascentOptions && (passesUnheard == null || !listenerSet)) {
      return;
    }
    // Only the dense data-free sign form can run the ascent (build() refused the rest for them).
    if (!allocates() && !structured && IsotropicSignForms.ascends(d, stageBitsFor(d))) {
      return;
    }
    String form =
        allocates()
            ? "the allocated data-free form runs no gradient ascent"
            : structured
                ? "the structured data-free form runs no gradient ascent"
                : "the data-free sign form runs the gradient ascent only for a stage of more than"
                    + " d bits that d does not divide (a tight frame), and none of its stages "
                    + Arrays.toString(stageBitsFor(d))
                    + " in dimension "
                    + d
                    + " is one";
    if (ascentOptions) {
      throw new IllegalStateException(
          (maxStepsSet ? "maxSteps" : "tolerance")
              + " applies to the gradient ascent of "
              + SIGN_CODES
              + ", and "
              + call
              + " would ignore it: "
              + form);
    }
    throw new IllegalStateException(
        "listener would hear nothing from "
            + call
            + ": "
            + passesUnheard
            + ", and "
            + form
            + "; "
            + LISTENER_HEARS);
  }

  private Codebook isotropicForm(
      int d, float[] mean, double scale, long trainVectors, double trainNmse) {
    int[] stages = stageBitsFor(d);
    if (allocates()) {
      return AllocationTrainer.isotropic(
          d, bitsFor(d), mean, scale, structured, seed, trainVectors, trainNmse);
    }
    return new IsotropicSignForms(ascent)
        .form(d, stages, mean, scale, structured, seed, trainVectors, trainNmse);
  }
}
