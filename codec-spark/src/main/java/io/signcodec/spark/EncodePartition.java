package io.signcodec.spark;

import io.signcodec.core.SignEncoder;
import io.signcodec.core.VectorChecks;
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
record EncodePartition<X>(
    ShippedCodebook codebook, VectorColumn<X> input, String column, SparkCodecOptions options)
    implements MapPartitionsFunction<Tuple2<Row, X>, Tuple3<Row, X, byte[]>> {

  @Override
  public Iterator<Tuple3<Row, X, byte[]>> call(Iterator<Tuple2<Row, X>> rows) {
    return new Encoding(rows, options.batchRows(codebook.dimension()));
  }

  private final class Encoding extends ColumnBatches<X, byte[]> {
    private final SignEncoder encoder = codebook.coders().encoder;
    private final int d = codebook.dimension();
    private final int codeBytes = codebook.codeBytes();
    private final float[] vectors;
    private final byte[] codes;

    Encoding(Iterator<Tuple2<Row, X>> rows, int batchRows) {
      super(rows, column, options, batchRows);
      this.vectors = new float[batchRows * d];
      this.codes = new byte[batchRows * codeBytes];
    }

    @Override
    String put(X vector, int slot) {
      return input.copy(vector, vectors, slot * d, d);
    }

    /**
     * The encoder checks that all {@code n} vectors are finite, and that none overflows in the
     * codebook's arithmetic, first; if one is not, the batch is refused untouched, and only then is
     * each row looked at: the invalid ones are rejected, the rest moved up and encoded.
     */
    @Override
    int code(int n) {
      try {
        encoder.encode(vectors, 0, codes, 0, n);
        return n;
      } catch (IllegalArgumentException refused) {
        int kept = 0;
        for (int i = 0; i < n; i++) {
          String defect = input.nonFinite(pendingInput(i));
          if (defect == null) {
            defect = overflow(i);
          }
          if (defect != null) {
            reject(i, defect);
            continue;
          }
          if (kept != i) {
            System.arraycopy(vectors, i * d, vectors, kept * d, d);
            move(i, kept);
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

    /**
     * Whether the finite vector in slot {@code i} overflows float32 in the codebook's arithmetic:
     * {@code "projection 5 is Infinity (not finite: ...)"}, or null.
     */
    private String overflow(int i) {
      try {
        VectorChecks.checkEncodable(encoder.codebook(), vectors, i * d, 1, 0);
        return null;
      } catch (IllegalArgumentException e) {
        return e.getMessage().replaceFirst("^vector 0, ", "");
      }
    }

    @Override
    byte[] output(int slot) {
      return Arrays.copyOfRange(codes, slot * codeBytes, (slot + 1) * codeBytes);
    }
  }
}
