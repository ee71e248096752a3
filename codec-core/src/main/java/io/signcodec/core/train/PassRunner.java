package io.signcodec.core.train;

import io.signcodec.core.VectorSource;
import java.io.IOException;
import java.util.Objects;

/**
 * Runs the passes of a training over the training vectors: every call must feed every training
 * vector, in the same order each time, to accumulators of the pass and return their merge. With one
 * part, training is deterministic; with several, the result depends on how the vectors are split
 * and in what order the parts are merged, which a runner should fix (for a cluster job: merge the
 * partitions in their index order).
 *
 * <p>{@link CodebookTrainer#train(VectorSource)} uses {@link #sequential}; a cluster runner creates
 * accumulators where the data are and merges them.
 */
public interface PassRunner {

  /** Runs {@code pass} over every training vector and returns the merged accumulator. */
  <A extends PassAccumulator<A>> A run(TrainingPass<A> pass) throws IOException;

  /**
   * The runner over {@code source}: one accumulator per pass, fed batch by batch in the source's
   * order, with progress reported to {@code listener}.
   */
  static PassRunner sequential(VectorSource source, TrainingListener listener) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(listener, "listener");
    return new PassRunner() {
      @Override
      public <A extends PassAccumulator<A>> A run(TrainingPass<A> pass) throws IOException {
        if (pass.dimension() != source.dimension()) {
          throw new IllegalArgumentException(
              "the pass reads dimension "
                  + pass.dimension()
                  + ", the source has "
                  + source.dimension());
        }
        A accumulator = pass.newAccumulator();
        source.forEachBatch(
            CodebookTrainer.READ_BATCH,
            (batch, m) -> accumulator.add(batch, 0, m),
            total -> listener.vectorsRead(pass.kind(), total));
        return accumulator;
      }
    };
  }
}
