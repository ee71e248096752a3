package io.signcodec.spark;

import io.signcodec.core.Codebook;
import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Training on a column of a Dataset: every pass of the {@link CodebookTrainer} is one Spark job
 * ({@link SparkPassRunner}); the driver does the d×d work between them.
 */
final class SparkTraining {
  /** Vectors per batch handed to an accumulator: the local trainer's batch. */
  static final int BATCH = 1024;

  private SparkTraining() {}

  static Codebook train(Dataset<Row> df, String column, CodebookTrainer trainer,
      boolean isotropic) {
    RowVectors reader = RowVectors.of(df.schema(), column);
    int dimension = dimensionOf(df, column, reader);
    JavaRDD<VectorBatch> batches = df.select(functions.col(column)
            .cast(DataTypes.createArrayType(DataTypes.FloatType)).as("vector"))
        .as(Encoders.bean(FloatVector.class)).javaRDD()
        .mapPartitionsWithIndex((index, rows) -> batches(rows, column, dimension, index), true);
    SparkPassRunner runner = new SparkPassRunner(batches, dimension);
    try {
      return isotropic ? trainer.trainIsotropic(dimension, runner)
          : trainer.train(dimension, runner);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The length of the column's first non-null vector: every other must have it. */
  private static int dimensionOf(Dataset<Row> df, String column, RowVectors reader) {
    List<Row> first = df.select(functions.col(column)).where(functions.col(column).isNotNull())
        .limit(1).collectAsList();
    if (first.isEmpty()) {
      throw new IllegalArgumentException("column " + column + " has no vectors to train on");
    }
    return reader.length(first.get(0), 0);
  }

  /** The rows of one partition as batches of {@value #BATCH} vectors, each row checked. */
  static Iterator<VectorBatch> batches(Iterator<FloatVector> rows, String column, int dimension,
      int partition) {
    return new Iterator<>() {
      long row;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public VectorBatch next() {
        if (!rows.hasNext()) {
          throw new NoSuchElementException();
        }
        float[] vectors = new float[BATCH * dimension];
        int m = 0;
        while (m < BATCH && rows.hasNext()) {
          float[] v = rows.next().getVector();
          check(v, column, dimension, partition, row++);
          System.arraycopy(v, 0, vectors, m * dimension, dimension);
          m++;
        }
        return new VectorBatch(vectors, m);
      }
    };
  }

  static void check(float[] v, String column, int dimension, int partition, long row) {
    String where = "column " + column + ", partition " + partition + ", row " + row + ": ";
    if (v == null) {
      throw new IllegalArgumentException(where + "null vector");
    }
    if (v.length != dimension) {
      throw new IllegalArgumentException(where + "vector has length " + v.length + ", expected "
          + dimension);
    }
    for (int k = 0; k < dimension; k++) {
      if (!Float.isFinite(v[k])) {
        throw new IllegalArgumentException(where + "coordinate " + k + " is " + v[k]);
      }
    }
  }
}
