package io.signcodec.spark;

import java.util.Iterator;
import org.apache.spark.sql.Row;
import scala.Tuple2;
import scala.Tuple3;

/**
 * The output of a partition that gains a column, as encode and decode make it: rows (the other
 * columns, the input) in, rows (the other columns, the input, its output) out. Each valid row's
 * input goes into a slot of the batch ({@link #put}), the core codes the batch in one call ({@link
 * #code}), and each row's output is cut from the result ({@link #output}).
 *
 * @param <I> the input column's value as the task receives it
 * @param <O> the output column's value
 */
abstract class ColumnBatches<I, O> extends Batches<Tuple3<Row, I, O>> {
  private final RowReader<Tuple2<Row, I>> reader;
  private final int batchRows;
  private final Object[] pending;
  private final long[] indices;

  ColumnBatches(
      Iterator<Tuple2<Row, I>> rows, String column, SparkCodecOptions options, int batchRows) {
    this.reader = new RowReader<>(rows, column, options);
    this.batchRows = batchRows;
    this.pending = new Object[batchRows];
    this.indices = new long[batchRows];
  }

  /** Copies {@code input} into slot {@code slot}; its defect instead, if it has one. */
  abstract String put(I input, int slot);

  /**
   * Codes slots 0 to {@code n}. A subclass that finds rows invalid only now {@link #reject}s them
   * and {@link #move}s the rest up.
   *
   * @return the rows kept, in slots 0 to that number
   */
  abstract int code(int n);

  /** The output of slot {@code slot}, which {@link #code} filled; a copy of its own. */
  abstract O output(int slot);

  @Override
  final int capacity() {
    return batchRows;
  }

  @Override
  final int fill(Object[] out) {
    int n = 0;
    // code may reject every row of a batch, and 0 would end the partition: read on.
    while (n == 0 && reader.hasNext()) {
      n = code(reader.fill(batchRows, this::take));
    }
    for (int i = 0; i < n; i++) {
      Tuple2<Row, I> row = pending(i);
      out[i] = new Tuple3<>(row._1(), row._2(), output(i));
      pending[i] = null;
    }
    return n;
  }

  private boolean take(Tuple2<Row, I> row, int slot) {
    if (!reader.accepts(put(row._2(), slot))) {
      return false;
    }
    pending[slot] = row;
    indices[slot] = reader.index();
    return true;
  }

  @SuppressWarnings("unchecked") // pending holds the rows read from the iterator
  private Tuple2<Row, I> pending(int slot) {
    return (Tuple2<Row, I>) pending[slot];
  }

  /** The input in slot {@code slot}. */
  final I pendingInput(int slot) {
    return pending(slot)._2();
  }

  /** Rejects the row in slot {@code slot} for {@code defect}, and empties the slot. */
  final void reject(int slot, String defect) {
    reader.reject(indices[slot], defect);
    pending[slot] = null;
  }

  /** Moves the row in slot {@code from} to the empty slot {@code to}. */
  final void move(int from, int to) {
    pending[to] = pending[from];
    indices[to] = indices[from];
    pending[from] = null;
  }
}
