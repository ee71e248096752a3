package io.signcodec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.util.Random;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

/**
 * Training on a Dataset column equals training on the same vectors with the library alone: byte for
 * byte from one partition, within 1e-6 in NMSE from eight, the same on every run.
 */
class SparkTrainingTest extends LocalSparkTest {
  /**
   * Vector {@code id}: coordinate k is Gaussian with variance (k + 1)^-1 around 0.3, from a
   * generator seeded by the id, so that a Dataset and a local array hold the same vectors without
   * the driver holding the Dataset's.
   */
  static float[] vector(long id, int d) {
    Random random = new Random(0x5DEECE66DL * (id + 1));
    float[] v = new float[d];
    for (int k = 0; k < d; k++) {
      v[k] = (float) (0.3 + random.nextGaussian() / Math.sqrt(k + 1));
    }
    return v;
  }

  /** Vectors 0 .. count − 1, row-major. */
  static float[] local(int count, int d) {
    float[] x = new float[Math.multiplyExact(count, d)];
    for (int i = 0; i < count; i++) {
      System.arraycopy(vector(i, d), 0, x, i * d, d);
    }
    return x;
  }

  /** Rows (id, v) of vectors 0 .. count − 1, in {@code partitions} ranges of ids, in order. */
  static Dataset<Row> frame(SparkSession spark, int count, int d, int partitions) {
    UserDefinedFunction generate =
        functions.udf(
            (UDF1<Long, float[]>) id -> vector(id, d),
            DataTypes.createArrayType(DataTypes.FloatType, false));
    return spark
        .range(0, count, 1, partitions)
        .withColumn("v", generate.apply(functions.col("id")));
  }

  @Test
  void onePartitionIsTheLocalCodebookAndEightMergeWithin1e6() throws IOException {
    int d = 384;
    int count = 100_000;
    CodebookTrainer trainer = CodebookTrainer.builder().rate(1).build();
    Codebook local = trainer.train(VectorSource.of(local(count, d), d));
    Codebook one = SignCodecSpark.train(frame(spark, count, d, 1), "v", trainer);
    assertArrayEquals(local.toByteArray(), one.toByteArray());
    Codebook eight = SignCodecSpark.train(frame(spark, count, d, 8), "v", trainer);
    assertEquals(local.info().trainNmse(), eight.info().trainNmse(), 1e-6);
    assertEquals(count, eight.info().trainVectors());
  }

  @Test
  void theSamePartitioningGivesTheSameCodebook() {
    // 12 partitions: more than one task of the merge tree merges them.
    CodebookTrainer trainer = CodebookTrainer.builder().rate(2).build();
    Dataset<Row> df = frame(spark, 30_000, 64, 12);
    Codebook a = SignCodecSpark.train(df, "v", trainer);
    Codebook b = SignCodecSpark.train(df, "v", trainer);
    assertArrayEquals(a.toByteArray(), b.toByteArray());
    assertEquals(30_000, a.info().trainVectors());
  }

  @Test
  void stagedShallowAndDataFreeTrainingsMatchTheLocalOnes() throws IOException {
    int d = 32;
    int count = 4_000;
    VectorSource source = VectorSource.of(local(count, d), d);
    for (CodebookTrainer trainer :
        new CodebookTrainer[] {
          CodebookTrainer.builder().rate(2.5).staged().maxSteps(20).build(),
          CodebookTrainer.builder().rate(0.5).shallow().maxSteps(20).build()
        }) {
      assertArrayEquals(
          trainer.train(source).toByteArray(),
          SignCodecSpark.train(frame(spark, count, d, 1), "v", trainer).toByteArray());
    }
    CodebookTrainer isotropic = CodebookTrainer.builder().rate(1.5).structured().build();
    assertArrayEquals(
        isotropic.trainIsotropic(source).toByteArray(),
        SignCodecSpark.trainIsotropic(
                frame(spark, count, d, 1), "v", isotropic, SparkCodecOptions.defaults())
            .toByteArray());
  }

  @Test
  void aDoubleColumnTrainsAsItsFloatValues() throws IOException {
    int d = 16;
    CodebookTrainer trainer = CodebookTrainer.builder().rate(1).build();
    Dataset<Row> doubles =
        frame(spark, 3_000, d, 1)
            .withColumn(
                "v", functions.col("v").cast(DataTypes.createArrayType(DataTypes.DoubleType)));
    assertArrayEquals(
        trainer.train(VectorSource.of(local(3_000, d), d)).toByteArray(),
        SignCodecSpark.train(doubles, "v", trainer).toByteArray());
  }

  /** Frame of 1 000 rows of d = 8 in two partitions where row {@code id} is {@code bad}. */
  private Dataset<Row> withBadRow(long id, org.apache.spark.sql.Column bad) {
    Dataset<Row> df = frame(spark, 1_000, 8, 2);
    return df.withColumn(
        "v", functions.when(functions.col("id").equalTo(id), bad).otherwise(functions.col("v")));
  }

  @Test
  void aBadVectorIsNamedByColumnPartitionAndRow() {
    CodebookTrainer trainer = CodebookTrainer.builder().rate(1).build();
    // Partition 1 holds ids 500..999: id 742 is its row 242.
    org.apache.spark.sql.Column[] bad = {
      functions.array(functions.lit(1f), functions.lit(2f)),
      functions.lit(null).cast(DataTypes.createArrayType(DataTypes.FloatType)),
      functions.array_repeat(functions.lit(Float.POSITIVE_INFINITY), 8)
    };
    String[] defect = {
      "vector has dimension 2, expected 8", "vector is null", "component 0 is Infinity (not finite)"
    };
    for (int i = 0; i < bad.length; i++) {
      Dataset<Row> df = withBadRow(742, bad[i]);
      SparkException e =
          assertThrows(
              SparkException.class, () -> SignCodecSpark.train(df, "v", trainer), defect[i]);
      InvalidVectorException invalid = InvalidVectorException.find(e).orElseThrow();
      assertEquals("v", invalid.column());
      assertEquals(1, invalid.partition());
      assertEquals(242, invalid.row());
      assertTrue(invalid.defect().contains(defect[i]), invalid.defect());
      assertTrue(e.getMessage().contains("column 'v', partition 1, row 242"), e.getMessage());
    }
  }

  @Test
  void skippedRowsAreLeftOutOfEveryPassAndCountedOnce() throws IOException {
    CodebookTrainer trainer = CodebookTrainer.builder().rate(1).build();
    Dataset<Row> df = withBadRow(742, functions.array_repeat(functions.lit(Float.NaN), 8));
    LongAccumulator skipped = spark.sparkContext().longAccumulator("skipped");
    Codebook codebook =
        SignCodecSpark.train(
            df, "v", trainer, SparkCodecOptions.builder().skipInvalid(skipped).build());
    assertEquals(1, skipped.value());
    assertEquals(999, codebook.info().trainVectors());
    float[] x = local(1_000, 8);
    float[] without = new float[999 * 8];
    System.arraycopy(x, 0, without, 0, 742 * 8);
    System.arraycopy(x, 743 * 8, without, 742 * 8, 257 * 8);
    assertEquals(
        trainer.train(VectorSource.of(without, 8)).info().trainNmse(),
        codebook.info().trainNmse(),
        1e-6);
  }

  @Test
  void aColumnWithoutVectorsIsRefusedOnTheDriver() {
    Dataset<Row> df = frame(spark, 10, 4, 1).where("id < 0");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SignCodecSpark.train(df, "v", CodebookTrainer.builder().rate(1).build()));
    assertEquals("column 'v' has no vectors to train on", e.getMessage());
  }
}
