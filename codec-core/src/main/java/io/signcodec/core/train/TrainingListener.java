package io.signcodec.core.train;

/**
 * Progress of a {@link CodebookTrainer}, for progress bars and logs. Called on the training thread;
 * keep it quick. Every method has an empty default.
 */
public interface TrainingListener {

  /** Which pass over the data is running. */
  enum Pass {
    /** Mean and covariance (or, for the isotropic form, mean and scale). */
    MOMENTS,
    /** Decoder refit (or, for the isotropic form, measuring the training NMSE). */
    REFIT
  }

  /** {@code vectors} vectors have been read so far in {@code pass}. */
  default void vectorsRead(Pass pass, long vectors) {}

  /**
   * Optimisation step {@code step} of at most {@code maxSteps} ended with this Gaussian-predicted
   * NMSE (with the optimal linear decoder).
   */
  default void step(int step, int maxSteps, double predictedNmse) {}

  /** A listener that ignores everything. */
  TrainingListener NONE = new TrainingListener() {};
}
