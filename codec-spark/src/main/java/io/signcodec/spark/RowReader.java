package io.signcodec.spark;

import java.util.Iterator;
import org.apache.spark.SparkThrowable;
import org.apache.spark.TaskContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Reads a partition's rows, numbering them, and rejects invalid ones: fails the task with an {@link
 * InvalidVectorException}, or counts and drops them.
 *
 * <p>A vector with a null component fails inside Spark, in the encoder that turns the row into a
 * primitive array (which has no room for a null) as the iterator hands it over; the row is then
 * rejected here, with Spark's exception as the cause. Spark's iterator has moved past the row by
 * then, so reading on is safe.
 */
final class RowReader<T> {
  private final Iterator<T> rows;
  private final String column;
  private final boolean skip;
  private final LongAccumulator skipped;
  private final int partition;
  private long index = -1;

  /** Whether the row read last failed inside Spark and was rejected. */
  private boolean skippedLast;

  RowReader(Iterator<T> rows, String column, SparkCodecOptions options) {
    this(rows, column, options.skipsInvalid(), options.skippedCounter());
  }

  /**
   * Skips invalid rows if {@code skip}, counting them in {@code skipped} if not null (a training
   * reads its data several times and counts once).
   */
  RowReader(Iterator<T> rows, String column, boolean skip, LongAccumulator skipped) {
    this.rows = rows;
    this.column = column;
    this.skip = skip;
    this.skipped = skipped;
    TaskContext task = TaskContext.get();
    this.partition = task == null ? -1 : task.partitionId();
  }

  /** The next row, or null if it failed inside Spark and was rejected. */
  private T next() {
    index++;
    skippedLast = false;
    try {
      return rows.next();
    } catch (RuntimeException e) {
      if (!nullComponent(e)) {
        throw e;
      }
      reject(column, index, "a component is null", e);
      skippedLast = true;
      return null;
    }
  }

  /** Whether the partition has rows left to read. */
  boolean hasNext() {
    return rows.hasNext();
  }

  /**
   * Reads rows into {@code batch} until it has taken {@code limit} of them or the partition ends.
   * Rows that fail inside Spark are rejected here, and {@code batch} rejects the rest.
   *
   * @return the rows taken, in slots 0 to that number; 0 only at the end of the partition
   */
  int fill(int limit, Batch<T> batch) {
    int n = 0;
    while (n < limit && rows.hasNext()) {
      T row = next();
      // Not row == null: a vector read alone, not in a tuple, may itself be null.
      if (!skippedLast && batch.take(row, n)) {
        n++;
      }
    }
    return n;
  }

  /** Where {@link #fill} puts the rows it reads. */
  interface Batch<T> {
    /**
     * Puts {@code row} in slot {@code slot}, or rejects it through the reader (see {@link
     * RowReader#accepts}) and returns false; a later row then takes the slot.
     */
    boolean take(T row, int slot);
  }

  /**
   * Whether the row read last is valid: true if {@code defect} is null, else the row is rejected
   * for it.
   */
  boolean accepts(String defect) {
    if (defect == null) {
      return true;
    }
    reject(column, index, defect, null);
    return false;
  }

  /** The index of the row read last. */
  long index() {
    return index;
  }

  /** Rejects the row read last for a defect of another of its columns. */
  void reject(String otherColumn, String defect) {
    reject(otherColumn, index, defect, null);
  }

  /** Rejects the row at {@code row}, read before. */
  void reject(long row, String defect) {
    reject(column, row, defect, null);
  }

  private void reject(String column, long row, String defect, Throwable cause) {
    if (!skip) {
      throw InvalidVectorException.atRow(column, partition, row, defect, cause);
    }
    if (skipped != null) {
      skipped.add(1);
    }
  }

  /**
   * Whether {@code e} is the failure of this task's deserializer on a null array element: the
   * NullPointerException of the non-null assertion Spark puts on each element of a float or double
   * array it hands over as a primitive array ("Null value appeared in non-nullable field: - array
   * element class: "float""), possibly wrapped in Spark's decoding error. Anything else (an
   * upstream UDF's NullPointerException, say) is not a row's defect and fails the task as it is.
   */
  private static boolean nullComponent(RuntimeException e) {
    // Spark 3.5: a NullPointerException, possibly wrapped; Spark 4: a SparkRuntimeException of
    // error class NOT_NULL_ASSERT_VIOLATION ("NULL value appeared ...").
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      boolean assertion =
          t instanceof NullPointerException
              || (t instanceof SparkThrowable
                  && "NOT_NULL_ASSERT_VIOLATION".equals(((SparkThrowable) t).getErrorClass()));
      if (assertion
          && message != null
          && message
              .toLowerCase(java.util.Locale.ROOT)
              .contains("null value appeared in non-nullable field")
          && (message.contains("array element class: \"float\"")
              || message.contains("array element class: \"double\""))) {
        return true;
      }
    }
    return false;
  }
}
