package io.signcodec.spark;

import java.io.Serializable;
import java.util.Objects;
import org.apache.spark.util.LongAccumulator;

/**
 * Options of {@link SignCodecSpark}'s encode, decode and search: what to do with an invalid row,
 * and how many rows a task codes per call into the core. Immutable; tasks receive a copy.
 */
public final class SparkCodecOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Default rows per batch: a few hundred KiB of floats at d = 768, enough to amortize a call. */
  public static final int DEFAULT_BATCH_ROWS = 1024;

  /** Most rows per batch. */
  public static final int MAX_BATCH_ROWS = 1 << 16;

  private static final SparkCodecOptions DEFAULTS = builder().build();

  private final LongAccumulator skipped;
  private final int batchRows;

  private SparkCodecOptions(Builder b) {
    this.skipped = b.skipped;
    this.batchRows = b.batchRows;
  }

  /** Fail on the first invalid row; batches of {@link #DEFAULT_BATCH_ROWS}. */
  public static SparkCodecOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether invalid rows are dropped (and counted) rather than failing the task. */
  public boolean skipsInvalid() {
    return skipped != null;
  }

  /** The accumulator that counts dropped rows, or null if invalid rows fail the task. */
  public LongAccumulator skippedCounter() {
    return skipped;
  }

  /** Rows a task codes per call into the core. */
  public int batchRows() {
    return batchRows;
  }

  /** Most floats in one batch: 64 MiB, whatever the dimension. */
  private static final int MAX_BATCH_FLOATS = 1 << 24;

  /** {@link #batchRows()} for vectors of {@code dimension} floats, within 2^24 floats. */
  int batchRows(int dimension) {
    return Math.max(1, Math.min(batchRows, MAX_BATCH_FLOATS / dimension));
  }

  /** Builds {@link SparkCodecOptions}. */
  public static final class Builder {
    private LongAccumulator skipped;
    private int batchRows = DEFAULT_BATCH_ROWS;

    private Builder() {}

    /**
     * Drop invalid rows (those that would throw {@link InvalidVectorException}) from the result
     * instead of failing, and add one to {@code counter} for each. Make the counter with {@code
     * sparkContext.longAccumulator(name)} and read it after one action on the result. As for any
     * accumulator updated in a transformation, Spark counts again whatever it computes again: a
     * retried task, a second action on an uncached result. Cache the result, or count with the
     * action that writes it.
     *
     * @throws IllegalArgumentException if the accumulator is not registered with a context
     */
    public Builder skipInvalid(LongAccumulator counter) {
      Objects.requireNonNull(counter, "counter");
      if (!counter.isRegistered()) {
        throw new IllegalArgumentException(
            "the accumulator is not registered: make it with SparkContext.longAccumulator");
      }
      this.skipped = counter;
      return this;
    }

    /**
     * Rows a task gathers before one call to the encoder, decoder or scorer (default {@link
     * #DEFAULT_BATCH_ROWS}, at most {@link #MAX_BATCH_ROWS}; fewer when a batch would hold more
     * than 2<sup>24</sup> floats). A task holds one batch of input rows and their floats at a time.
     */
    public Builder batchRows(int rows) {
      if (rows < 1 || rows > MAX_BATCH_ROWS) {
        throw new IllegalArgumentException(
            "batchRows must be in [1, " + MAX_BATCH_ROWS + "]: " + rows);
      }
      this.batchRows = rows;
      return this;
    }

    public SparkCodecOptions build() {
      return new SparkCodecOptions(this);
    }
  }
}
