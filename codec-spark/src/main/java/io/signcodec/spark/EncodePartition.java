package io.signcodec.spark;

import io.signcodec.core.SignEncoder;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import scala.Tuple2;
import scala.Tuple3;

/**
 * Encodes one partition: rows (the other columns, the vector) in, rows (the other columns, the
 * vector, its code) out, {@code batchRows} vectors per call to {@link SignEncoder}.
 *
 * @param <X> the vector as the task receives it
 */
final class EncodePartition<X>
    implements MapPartitionsFunction<Tuple2<Row, X>, Tuple3<Row, X, byte[]>> {
  private static final long serialVersionUID = 1L;

  private final ShippedCodebook codebook;
  private final VectorInput<X> input;
  private final String column;
  private final SparkCodecOptions options;

  EncodePartition(ShippedCodebook codebook, VectorInput<X> input, String column,
      SparkCodecOptions options) {
    this.codebook = codebook;
    this.input = input;
    this.column = column;
    this.options = options;
  }

  @Override
  public Iterator<Tuple3<Row, X, byte[]>> call(Iterator<Tuple2<Row, X>> rows) {
    return new Encoding(rows);
  }

  private final class Encoding extends Batches<Tuple3<Row, X, byte[]>> {
    private final Iterator<Tuple2<Row, X>> rows;
    private final RowReader<Tuple2<Row, X>> reader;
    private final SignEncoder encoder;
    private final int d;
    private final int codeBytes;
    private final int batchRows;
    private final float[] vectors;
    private final byte[] codes;
    private final Object[] pending;
    private final long[] indices;

    Encoding(Iterator<Tuple2<Row, X>> rows) {
      this.rows = rows;
      this.reader = new RowReader<>(rows, column, options);
      this.encoder = codebook.coders().encoder;
      this.d = codebook.dimension();
      this.codeBytes = codebook.codeBytes();
      this.batchRows = options.batchRows(d);
      this.vectors = new float[batchRows * d];
      this.codes = new byte[batchRows * codeBytes];
      this.pending = new Object[batchRows];
      this.indices = new long[batchRows];
    }

    @Override
    int capacity() {
      return batchRows;
    }

    @Override
    @SuppressWarnings("unchecked") // pending holds the rows read from the iterator
    int fill(Object[] out) {
      int n = 0;
      while (n == 0 && rows.hasNext()) {
        while (n < batchRows && rows.hasNext()) {
          Tuple2<Row, X> row = reader.next();
          if (row == null) {
            continue; // invalid, skipped
          }
          String defect = input.copy(row._2(), vectors, n * d, d);
          if (defect != null) {
            reader.reject(defect);
            continue;
          }
          pending[n] = row;
          indices[n] = reader.index();
          n++;
        }
        n = encode(n);
      }
      for (int i = 0; i < n; i++) {
        Tuple2<Row, X> row = (Tuple2<Row, X>) pending[i];
        out[i] = new Tuple3<>(row._1(), row._2(),
            Arrays.copyOfRange(codes, i * codeBytes, (i + 1) * codeBytes));
        pending[i] = null;
      }
      return n;
    }

    /**
     * Encodes the {@code n} pending vectors. The encoder checks that all are finite first; if one
     * is not, the batch is refused untouched, and only then is each row looked at: the invalid
     * ones are rejected, the rest moved up and encoded.
     *
     * @return the rows kept
     */
    @SuppressWarnings("unchecked") // pending holds the rows read from the iterator
    private int encode(int n) {
      try {
        encoder.encode(vectors, 0, codes, 0, n);
        return n;
      } catch (IllegalArgumentException refused) {
        int kept = 0;
        for (int i = 0; i < n; i++) {
          Tuple2<Row, X> row = (Tuple2<Row, X>) pending[i];
          String defect = input.nonFinite(row._2());
          if (defect != null) {
            reader.reject(indices[i], defect);
            pending[i] = null;
            continue;
          }
          if (kept != i) {
            System.arraycopy(vectors, i * d, vectors, kept * d, d);
            pending[kept] = row;
            indices[kept] = indices[i];
            pending[i] = null;
          }
          kept++;
        }
        if (kept == n) {
          throw refused; // not a row's fault
        }
        encoder.encode(vectors, 0, codes, 0, kept);
        return kept;
      }
    }
  }
}
