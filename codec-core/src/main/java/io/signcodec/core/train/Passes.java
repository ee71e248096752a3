package io.signcodec.core.train;

import io.signcodec.core.Codebook;
import java.io.IOException;

/**
 * The passes a {@link CodebookTrainer} runs over its training vectors, and the checks of what the
 * first and the later passes saw, shared by the trainers.
 */
final class Passes {
  private Passes() {}

  /** Runs the first pass: μ and Σ of the training vectors, which must hold two that differ. */
  static CovarianceAccumulator moments(PassRunner runner, int dimension) throws IOException {
    CovarianceAccumulator moments = runner.run(new Moments(dimension));
    checkTrainable(moments.count(), moments.totalVariance());
    return moments;
  }

  /** Fails unless the first pass saw at least two vectors, not all equal. */
  static void checkTrainable(long count, double totalVariance) {
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

  /** μ and Σ. */
  record Moments(int dimension) implements TrainingPass<CovarianceAccumulator> {
    @Override
    public TrainingListener.Pass kind() {
      return TrainingListener.Pass.MOMENTS;
    }

    @Override
    public CovarianceAccumulator newAccumulator() {
      return new CovarianceAccumulator(dimension);
    }
  }

  /** μ and the overall scale, for the data-free form. */
  record Scale(int dimension) implements TrainingPass<ScaleAccumulator> {
    @Override
    public TrainingListener.Pass kind() {
      return TrainingListener.Pass.MOMENTS;
    }

    @Override
    public ScaleAccumulator newAccumulator() {
      return new ScaleAccumulator(dimension);
    }
  }

  /** The decoder refit's statistics for the codes of {@code provisional}, around {@code center}. */
  record Refit(Codebook provisional, float[] center, int holdoutEvery)
      implements TrainingPass<RefitAccumulator> {
    @Override
    public int dimension() {
      return provisional.dimension();
    }

    @Override
    public TrainingListener.Pass kind() {
      return TrainingListener.Pass.REFIT;
    }

    @Override
    public RefitAccumulator newAccumulator() {
      return new RefitAccumulator(provisional, center, holdoutEvery);
    }
  }

  /**
   * Each vector's {@link NormScale scale}, for the levels of a gain searched jointly with the
   * directions.
   */
  record Norms(int dimension, NormScale norms) implements TrainingPass<GainAccumulator> {
    @Override
    public TrainingListener.Pass kind() {
      return TrainingListener.Pass.REFIT;
    }

    @Override
    public GainAccumulator newAccumulator() {
      return new GainAccumulator(dimension, norms);
    }
  }

  /**
   * Histograms of the projections on {@code basis} (m×d), each divided by the gain level nearest to
   * the vector's {@link NormScale scale} ({@code norms} and {@code gain} not null).
   */
  record NormalizedHistograms(
      int dimension, float[] basis, float[] mean, double[] spread, NormScale norms, float[] gain)
      implements TrainingPass<ProjectionHistograms> {
    @Override
    public TrainingListener.Pass kind() {
      return TrainingListener.Pass.REFIT;
    }

    @Override
    public ProjectionHistograms newAccumulator() {
      return new ProjectionHistograms(dimension, basis, mean, spread, norms, gain);
    }
  }

  /** Histograms of the projections on {@code basis} (m×d), for the level fits. */
  record Histograms(int dimension, float[] basis, float[] mean, double[] spread)
      implements TrainingPass<ProjectionHistograms> {
    @Override
    public TrainingListener.Pass kind() {
      return TrainingListener.Pass.REFIT;
    }

    @Override
    public ProjectionHistograms newAccumulator() {
      return new ProjectionHistograms(dimension, basis, mean, spread);
    }
  }

  /** The distortion {@code codebook} gives the vectors. */
  record Measure(Codebook codebook) implements TrainingPass<DistortionAccumulator> {
    @Override
    public int dimension() {
      return codebook.dimension();
    }

    @Override
    public TrainingListener.Pass kind() {
      return TrainingListener.Pass.REFIT;
    }

    @Override
    public DistortionAccumulator newAccumulator() {
      return new DistortionAccumulator(codebook);
    }
  }

  /** The least-squares gains of the vectors' reconstructions by {@code codebook}. */
  record Gain(Codebook codebook) implements TrainingPass<GainAccumulator> {
    @Override
    public int dimension() {
      return codebook.dimension();
    }

    @Override
    public TrainingListener.Pass kind() {
      return TrainingListener.Pass.REFIT;
    }

    @Override
    public GainAccumulator newAccumulator() {
      return new GainAccumulator(codebook);
    }
  }

  /** Recall@10 of codebooks' codes for {@code queries} over the vectors. */
  record GainRecall(float[] queries, Codebook... codebooks)
      implements TrainingPass<GainRecallAccumulator> {
    @Override
    public int dimension() {
      return codebooks[0].dimension();
    }

    @Override
    public TrainingListener.Pass kind() {
      return TrainingListener.Pass.REFIT;
    }

    @Override
    public GainRecallAccumulator newAccumulator() {
      return new GainRecallAccumulator(queries, codebooks);
    }
  }

  /** {@code inner}, run on the residuals that {@code partial} leaves. */
  record Residual<A extends PassAccumulator<A>>(Codebook partial, TrainingPass<A> inner)
      implements TrainingPass<ResidualAccumulator<A>> {
    @Override
    public int dimension() {
      return partial.dimension();
    }

    @Override
    public TrainingListener.Pass kind() {
      return inner.kind();
    }

    @Override
    public ResidualAccumulator<A> newAccumulator() {
      return new ResidualAccumulator<>(partial, inner.newAccumulator());
    }
  }
}
