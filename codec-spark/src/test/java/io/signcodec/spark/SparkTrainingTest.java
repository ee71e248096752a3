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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Training on a Dataset column equals training on the same vectors with the library alone: byte
 * for byte from one partition, within 1e-6 in NMSE from eight.
 */
class SparkTrainingTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("test")
        .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * Vector {@code id}: coordinate k is Gaussian with variance (k + 1)^-1 around 0.3, from a
   * generator seeded by the id, so that a Dataset and a local array hold the same vectors.
   */
  static float[] vector(long id, int d) {
    Random random = new Random(0x5DEECE66DL * (id + 1));
    float[] v = new float[d];
    for (int k = 0; k < d; k++) {
      v[k] = (float) (0.3 + random.nextGaussian() / Math.sqrt(k + 1));
    }
    return v;
  }

  static float[] local(int count, int d) {
    float[] x = new float[count * d];
    for (int i = 0; i < count; i++) {
      System.arraycopy(vector(i, d), 0, x, i * d, d);
    }
    return x;
  }

  /** Rows {@code id, v} in {@code partitions} ranges of ids, in order. */
  static Dataset<Row> frame(int count, int d, int partitions) {
    UserDefinedFunction generate = functions.udf((UDF1<Long, float[]>) id -> vector(id, d),
        DataTypes.createArrayType(DataTypes.FloatType, false));
    return spark.range(0, count, 1, partitions).withColumn("v",
        generate.apply(functions.col("id")));
  }

  @Test
  void onePartitionIsTheLocalCodebookAndEightMergeWithin1e6() throws IOException {
    int d = 384;
    int count = 100_000;
    CodebookTrainer trainer = CodebookTrainer.builder().rate(1).build();
    Codebook local = trainer.train(VectorSource.of(local(count, d), d));
    Codebook one = SparkTraining.train(frame(count, d, 1), "v", trainer, false);
    assertArrayEquals(local.toByteArray(), one.toByteArray());
    Codebook eight = SparkTraining.train(frame(count, d, 8).cache(), "v", trainer, false);
    assertEquals(local.info().trainNmse(), eight.info().trainNmse(), 1e-6);
    assertEquals(count, eight.info().trainVectors());
  }

  @Test
  void theSamePartitioningGivesTheSameCodebook() {
    CodebookTrainer trainer = CodebookTrainer.builder().rate(2).build();
    Dataset<Row> df = frame(30_000, 64, 12);
    Codebook a = SparkTraining.train(df, "v", trainer, false);
    Codebook b = SparkTraining.train(df, "v", trainer, false);
    assertArrayEquals(a.toByteArray(), b.toByteArray());
  }

  @Test
  void stagedShallowAndDataFreeTrainingsMatchTheLocalOnes() throws IOException {
    int d = 32;
    int count = 4_000;
    VectorSource source = VectorSource.of(local(count, d), d);
    for (CodebookTrainer trainer : new CodebookTrainer[] {
        CodebookTrainer.builder().rate(2.5).staged().maxSteps(20).build(),
        CodebookTrainer.builder().rate(0.5).shallow().maxSteps(20).build()}) {
      assertArrayEquals(trainer.train(source).toByteArray(),
          SparkTraining.train(frame(count, d, 1), "v", trainer, false).toByteArray(),
          trainer.toString());
    }
    CodebookTrainer isotropic = CodebookTrainer.builder().rate(1.5).structured().build();
    assertArrayEquals(isotropic.trainIsotropic(source).toByteArray(),
        SparkTraining.train(frame(count, d, 1), "v", isotropic, true).toByteArray());
  }

  @Test
  void aDoubleColumnTrainsAsItsFloatValues() throws IOException {
    int d = 16;
    CodebookTrainer trainer = CodebookTrainer.builder().rate(1).build();
    Dataset<Row> doubles = frame(3_000, d, 1).withColumn("v",
        functions.col("v").cast(DataTypes.createArrayType(DataTypes.DoubleType)));
    assertArrayEquals(trainer.train(VectorSource.of(local(3_000, d), d)).toByteArray(),
        SparkTraining.train(doubles, "v", trainer, false).toByteArray());
  }

  @Test
  void aBadVectorIsNamedByColumnPartitionAndRow() {
    int d = 8;
    CodebookTrainer trainer = CodebookTrainer.builder().rate(1).build();
    // Partition 1 holds ids 500..999; id 742 is its row 242.
    Dataset<Row> df = frame(1_000, d, 2);
    Dataset<Row> nan = df.withColumn("v", functions.when(functions.col("id").equalTo(742),
        functions.array(functions.lit(1f), functions.lit(Float.NaN))).otherwise(
            functions.col("v")));
    Exception e = assertThrows(Exception.class, () -> SparkTraining.train(nan, "v", trainer,
        false));
    assertTrue(e.getMessage().contains("column v, partition 1, row 242: vector has length 2,"
        + " expected 8"), e.getMessage());
  }
}
