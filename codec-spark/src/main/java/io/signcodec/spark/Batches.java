package io.signcodec.spark;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The output of a partition, computed one batch at a time as the consumer pulls it, so that a task
 * holds one batch, never the partition.
 *
 * @param <T> an output row
 */
abstract class Batches<T> implements Iterator<T> {
  private Object[] batch = new Object[0];
  private int size;
  private int next;
  private boolean done;

  /**
   * Fills {@code out} with the next outputs (at most its length) and returns how many; 0 only at
   * the end of the partition.
   */
  abstract int fill(Object[] out);

  /** The capacity of the output batch. */
  abstract int capacity();

  @Override
  public final boolean hasNext() {
    while (next == size && !done) {
      if (batch.length == 0) {
        batch = new Object[capacity()];
      }
      java.util.Arrays.fill(batch, 0, size, null); // the consumer has copied them
      size = fill(batch);
      next = 0;
      done = size == 0;
    }
    return next < size;
  }

  @Override
  @SuppressWarnings("unchecked") // fill stores Ts only
  public final T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return (T) batch[next++];
  }
}
