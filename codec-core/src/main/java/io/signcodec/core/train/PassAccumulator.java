package io.signcodec.core.train;

import java.io.Serializable;

/**
 * What one {@link TrainingPass} gathers from the training vectors: sufficient statistics that
 * merge, so that a pass may run in parts — threads, files, or the partitions of a cluster job — and
 * be combined into what one pass over all the vectors would have gathered.
 *
 * <p>An accumulator sees the vectors of its part in order. {@link #merge} appends another part
 * after this one: merging the parts of a sequence in their order gives the same statistics as one
 * accumulator over the whole sequence, equal up to floating-point rounding (exactly equal when
 * there is one part). Serializable so that parts may travel between machines; an accumulator that
 * has travelled may be merged but not {@linkplain #add added} to.
 *
 * <p>Not thread-safe: give each part its own.
 *
 * @param <A> the accumulator's own type, which {@link #merge} accepts
 */
public interface PassAccumulator<A extends PassAccumulator<A>> extends Serializable {

  /**
   * Adds {@code count} vectors stored row-major from {@code offset}, each of the pass's dimension
   * and finite (a non-finite coordinate is an {@link IllegalArgumentException} naming it).
   */
  void add(float[] vectors, int offset, int count);

  /** Appends everything {@code other} has gathered, as if its vectors had followed these. */
  void merge(A other);

  /** Vectors gathered, merged parts included. */
  long count();
}
