package io.signcodec.spark;

import io.signcodec.core.LinearDecoder;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import scala.Tuple2;
import scala.Tuple3;

/**
 * Decodes one partition: rows (the other columns, the code) in, rows (the other columns, the
 * code, the vector) out, {@code batchRows} codes per call to {@link LinearDecoder}.
 */
final class DecodePartition
    implements MapPartitionsFunction<Tuple2<Row, byte[]>, Tuple3<Row, byte[], float[]>> {
  private static final long serialVersionUID = 1L;

  private final ShippedCodebook codebook;
  private final String column;
  private final SparkCodecOptions options;

  DecodePartition(ShippedCodebook codebook, String column, SparkCodecOptions options) {
    this.codebook = codebook;
    this.column = column;
    this.options = options;
  }

  @Override
  public Iterator<Tuple3<Row, byte[], float[]>> call(Iterator<Tuple2<Row, byte[]>> rows) {
    RowReader<Tuple2<Row, byte[]>> reader =
        new RowReader<>(rows, column, options);
    LinearDecoder decoder = codebook.coders().decoder;
    int d = codebook.dimension();
    int codeBytes = codebook.codeBytes();
    int batchRows = options.batchRows(d);
    byte[] codes = new byte[batchRows * codeBytes];
    float[] vectors = new float[batchRows * d];
    Tuple2<?, ?>[] pending = new Tuple2<?, ?>[batchRows];
    return new Batches<>() {
      @Override
      int capacity() {
        return batchRows;
      }

      @Override
      @SuppressWarnings("unchecked") // pending holds the rows read from the iterator
      int fill(Object[] out) {
        int n = 0;
        while (n < batchRows && rows.hasNext()) {
          Tuple2<Row, byte[]> row = reader.next();
          if (row == null) {
            continue; // invalid, skipped
          }
          byte[] code = row._2();
          String defect = Defects.code(code, codeBytes);
          if (defect != null) {
            reader.reject(defect);
            continue;
          }
          System.arraycopy(code, 0, codes, n * codeBytes, codeBytes);
          pending[n++] = row;
        }
        decoder.decode(codes, 0, vectors, 0, n);
        for (int i = 0; i < n; i++) {
          Tuple2<Row, byte[]> row = (Tuple2<Row, byte[]>) pending[i];
          out[i] = new Tuple3<>(row._1(), row._2(), Arrays.copyOfRange(vectors, i * d, (i + 1) * d));
          pending[i] = null;
        }
        return n;
      }
    };
  }
}
