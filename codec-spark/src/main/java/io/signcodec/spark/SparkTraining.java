package io.signcodec.spark;

import io.signcodec.core.Codebook;
import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.util.LongAccumulator;

/**
 * Training on a vector column: every pass of the {@link CodebookTrainer} is one Spark job ({@link
 * SparkPassRunner}) over the column read as primitive arrays ({@link VectorColumn}); the driver
 * does the d×d work between passes.
 */
final class SparkTraining {
  private SparkTraining() {}

  static Codebook train(
      Dataset<Row> df,
      String column,
      CodebookTrainer trainer,
      boolean isotropic,
      SparkCodecOptions options) {
    int index = Columns.index(df, column);
    StructField field = df.schema().fields()[index];
    return train(df, field, VectorColumn.of(field), trainer, isotropic, options);
  }

  private static <X> Codebook train(
      Dataset<Row> df,
      StructField field,
      VectorColumn<X> input,
      CodebookTrainer trainer,
      boolean isotropic,
      SparkCodecOptions options) {
    Encoder<X> encoder = input.encoder(df.sparkSession(), field);
    String column = field.name();
    Dataset<X> vectors = df.select(input.select(Columns.col(column))).as(encoder);
    int dimension = dimensionOf(df, column, input, encoder);
    int batchRows = options.batchRows(dimension);
    boolean skip = options.skipsInvalid();
    LongAccumulator skipped = options.skippedCounter();
    // The first pass counts the rows it skips; the later ones skip the same rows again.
    SparkPassRunner runner =
        new SparkPassRunner(
            pass ->
                vectors
                    .javaRDD()
                    .mapPartitions(
                        rows ->
                            batches(
                                new RowReader<>(rows, column, skip, pass == 0 ? skipped : null),
                                input,
                                dimension,
                                batchRows),
                        true),
            dimension);
    try {
      return isotropic
          ? trainer.trainIsotropic(dimension, runner)
          : trainer.train(dimension, runner);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The length of the column's first non-null vector: every other must have it. */
  private static <X> int dimensionOf(
      Dataset<Row> df, String column, VectorColumn<X> input, Encoder<X> encoder) {
    List<X> first =
        df.where(Columns.col(column).isNotNull())
            .select(input.select(Columns.col(column)))
            .as(encoder)
            .limit(1)
            .collectAsList();
    int length = first.isEmpty() ? -1 : input.length(first.get(0));
    if (length < 1) {
      throw new IllegalArgumentException("column '" + column + "' has no vectors to train on");
    }
    return length;
  }

  /** The valid rows of one partition as batches of at most {@code batchRows} vectors. */
  static <X> Iterator<VectorBatch> batches(
      RowReader<X> reader, VectorColumn<X> input, int dimension, int batchRows) {
    return new Iterator<>() {
      private VectorBatch next;

      @Override
      public boolean hasNext() {
        if (next == null) {
          next = fill();
        }
        return next.count() > 0;
      }

      @Override
      public VectorBatch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        VectorBatch batch = next;
        next = null;
        return batch;
      }

      private VectorBatch fill() {
        float[] vectors = new float[batchRows * dimension];
        int m =
            reader.fill(
                batchRows,
                (row, slot) -> {
                  String defect = input.copy(row, vectors, slot * dimension, dimension);
                  if (defect == null && !finite(vectors, slot * dimension, dimension)) {
                    defect = input.nonFinite(row);
                  }
                  return reader.accepts(defect);
                });
        return new VectorBatch(vectors, m);
      }
    };
  }

  private static boolean finite(float[] v, int offset, int dimension) {
    for (int k = offset; k < offset + dimension; k++) {
      if (!Float.isFinite(v[k])) {
        return false;
      }
    }
    return true;
  }
}
