package io.signcodec.spark;

import java.util.Optional;

/**
 * A row whose vector or code cannot be coded: null, of the wrong length, or with a NaN, infinite or
 * null component (for a double vector, also one beyond the float range). The message names the
 * column, the Spark partition and the row's index within it (counted from 0 over the rows the
 * partition's task read, invalid ones included), then the defect, in the words of the core's {@link
 * io.signcodec.core.VectorChecks}:
 *
 * <pre>column 'embedding', partition 3, row 17: component 5 is NaN (not finite)</pre>
 *
 * <p>It is thrown inside a Spark task, so the action that ran the task fails with a {@code
 * SparkException} whose message contains this message, and whose cause chain holds this exception
 * when it could be sent to the driver (always in local mode, and on a cluster where the driver has
 * this library): {@link #find} digs it out. On a cluster Spark retries a failed task {@code
 * spark.task.maxFailures} times (4 by default) before failing the job; every attempt fails the same
 * way. To drop such rows instead, see {@link SparkCodecOptions.Builder#skipInvalid}.
 */
public final class InvalidVectorException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String column;
  private final int partition;
  private final long row;
  private final String defect;

  private InvalidVectorException(
      String message, String column, int partition, long row, String defect, Throwable cause) {
    super(message, cause);
    this.column = column;
    this.partition = partition;
    this.row = row;
    this.defect = defect;
  }

  /** A row of {@code column} in a Dataset the library reads itself. */
  static InvalidVectorException atRow(
      String column, int partition, long row, String defect, Throwable cause) {
    return new InvalidVectorException(
        "column '" + column + "', partition " + partition + ", row " + row + ": " + defect,
        column,
        partition,
        row,
        defect,
        cause);
  }

  /**
   * A value handed to a SQL function, which sees neither the column nor the row; {@code partition}
   * is -1 when Spark evaluated the function outside a task.
   */
  static InvalidVectorException inFunction(String function, int partition, String defect) {
    return new InvalidVectorException(
        "function " + function + ", partition " + partition + ": " + defect,
        function,
        partition,
        -1,
        defect,
        null);
  }

  /** The column the row was read from, or the SQL function the value was handed to. */
  public String column() {
    return column;
  }

  /** The Spark partition, as {@code TaskContext.getPartitionId()}; -1 outside a task. */
  public int partition() {
    return partition;
  }

  /** The row's index within its partition, from 0; -1 for a SQL function. */
  public long row() {
    return row;
  }

  /** What is wrong with the vector or code, e.g. {@code component 5 is NaN (not finite)}. */
  public String defect() {
    return defect;
  }

  /**
   * The first {@code InvalidVectorException} in the cause chain of {@code thrown} (itself
   * included), as a failed Spark action delivers it wrapped in {@code SparkException}s.
   */
  public static Optional<InvalidVectorException> find(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof InvalidVectorException) {
        return Optional.of((InvalidVectorException) t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }
}
