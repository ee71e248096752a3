package io.signcodec.core.train;

import java.io.Serializable;

/**
 * One pass of a {@link CodebookTrainer} over all the training vectors: what the trainer needs from
 * the data at this step (moments; projections for the level fits; codes for a decoder refit),
 * described as a value that makes the {@link PassAccumulator accumulators} gathering it. The
 * trainer does the d×d work between passes; a {@link PassRunner} runs the passes, in one thread
 * over a {@link io.signcodec.core.VectorSource} or over the partitions of a cluster job.
 *
 * <p>Immutable and serializable (a pass carries what its accumulators need, e.g. the basis to
 * project on or the partial codebook whose residuals are gathered), so that it can be shipped to
 * the machines that hold the data.
 *
 * @param <A> the accumulator type of this pass
 */
public interface TrainingPass<A extends PassAccumulator<A>> extends Serializable {

  /** The dimension of the vectors the pass reads. */
  int dimension();

  /** Which kind of pass this is, for progress reports. */
  TrainingListener.Pass kind();

  /** A new, empty accumulator for one part of the vectors. */
  A newAccumulator();
}
