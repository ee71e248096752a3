package io.signcodec.core.train;

import io.signcodec.core.Codebook;

/** The passes a {@link CodebookTrainer} runs over its training vectors. */
final class Passes {
  private Passes() {}

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
