package io.signcodec.spark;

import io.signcodec.core.LinearDecoder;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import scala.Tuple2;
import scala.Tuple3;

/**
 * Decodes one partition: rows (the other columns, the code) in, rows (the other columns, the code,
 * the vector) out, {@code batchRows} codes per call to {@link LinearDecoder}.
 */
record DecodePartition(ShippedCodebook codebook, String column, SparkCodecOptions options)
    implements MapPartitionsFunction<Tuple2<Row, byte[]>, Tuple3<Row, byte[], float[]>> {

  @Override
  public Iterator<Tuple3<Row, byte[], float[]>> call(Iterator<Tuple2<Row, byte[]>> rows) {
    LinearDecoder decoder = codebook.coders().decoder;
    int d = codebook.dimension();
    int batchRows = options.batchRows(d);
    CodeBatch codes = new CodeBatch(codebook.codeBytes(), batchRows);
    float[] vectors = new float[batchRows * d];
    return new ColumnBatches<>(rows, column, options, batchRows) {
      @Override
      String put(byte[] code, int slot) {
        return codes.put(code, slot);
      }

      @Override
      int code(int n) {
        decoder.decode(codes.codes(), 0, vectors, 0, n);
        return n;
      }

      @Override
      float[] output(int slot) {
        return Arrays.copyOfRange(vectors, slot * d, (slot + 1) * d);
      }
    };
  }
}
