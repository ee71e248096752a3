package io.signcodec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.spark.Fixtures.Form;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

/**
 * Invalid rows fail the task with a message that names the column, partition, row and defect, and
 * that reaches the driver; or, when asked, are dropped and counted.
 */
class InvalidRowsTest extends LocalSparkTest {
  private static final int D = 8;
  private static final DataType FLOATS = DataTypes.createArrayType(DataTypes.FloatType, true);
  private static final DataType DOUBLES = DataTypes.createArrayType(DataTypes.DoubleType, true);

  private final Codebook codebook = Fixtures.codebook(Form.STRUCTURED, D, 1);

  /** Rows (id, v) of {@code vectors}, ids from 0, in two partitions (of five, for ten). */
  private Dataset<Row> frame(DataType type, List<Object> vectors) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < vectors.size(); i++) {
      Object v = vectors.get(i);
      if (v instanceof List) { // a Row built by hand holds a Scala Seq, not a java.util.List
        v = scala.jdk.javaapi.CollectionConverters.asScala((List<?>) v).toSeq();
      }
      rows.add(RowFactory.create((long) i, v));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType).add("v", type);
    return spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2), schema);
  }

  private static float[] vectors() {
    return Fixtures.gaussian(10, D, 9);
  }

  private static List<Object> floats(float[] x) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < x.length / D; i++) {
      List<Float> v = new ArrayList<>();
      for (int k = 0; k < D; k++) {
        v.add(x[i * D + k]);
      }
      out.add(v);
    }
    return out;
  }

  private static List<Object> doubles(float[] x) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < x.length / D; i++) {
      List<Double> v = new ArrayList<>();
      for (int k = 0; k < D; k++) {
        v.add((double) x[i * D + k]);
      }
      out.add(v);
    }
    return out;
  }

  /** Runs {@code df} and checks the failure the driver sees. */
  private static void assertFails(
      Dataset<Row> df, String column, int partition, long row, String defect) {
    SparkException e = assertThrows(SparkException.class, df::collectAsList);
    String message =
        "column '" + column + "', partition " + partition + ", row " + row + ": " + defect;
    assertTrue(e.getMessage().contains(message), e.getMessage());
    InvalidVectorException invalid = InvalidVectorException.find(e).orElseThrow();
    assertEquals(message, invalid.getMessage());
    assertEquals(column, invalid.column());
    assertEquals(partition, invalid.partition());
    assertEquals(row, invalid.row());
    assertEquals(defect, invalid.defect());
  }

  /** Encodes column {@code v} of {@code frame(type, vectors)} and checks the failure. */
  private void assertEncodeFails(
      DataType type, List<Object> vectors, int partition, long row, String defect) {
    assertFails(
        SignCodecSpark.encode(frame(type, vectors), "v", "code", codebook),
        "v",
        partition,
        row,
        defect);
  }

  @Test
  void nanNamesPartitionRowAndComponent() {
    float[] x = vectors();
    x[7 * D + 3] = Float.NaN; // row 7: partition 1, its row 2
    assertEncodeFails(FLOATS, floats(x), 1, 2, "component 3 is NaN (not finite)");
  }

  @Test
  void infinityNamesPartitionRowAndComponent() {
    float[] x = vectors();
    x[D + 0] = Float.POSITIVE_INFINITY;
    assertEncodeFails(FLOATS, floats(x), 0, 1, "component 0 is Infinity (not finite)");
  }

  /**
   * Finite components whose projections overflow float32 (the structured transform sums them): the
   * row is refused as such, not the whole partition as "not a row's fault".
   */
  @Test
  void aRowThatOverflowsTheCodebooksArithmeticIsNamed() {
    float[] x = vectors();
    Arrays.fill(x, 6 * D, 7 * D, 3e38f); // row 6: partition 1, its row 1
    float[] row = Arrays.copyOfRange(x, 6 * D, 7 * D);
    IllegalArgumentException direct =
        assertThrows(
            IllegalArgumentException.class,
            () -> io.signcodec.core.VectorChecks.checkEncodable(codebook, row, 0, 1, 0));
    String defect = direct.getMessage().replaceFirst("^vector 0, ", "");
    assertTrue(
        defect.matches(
            "projection \\d+ is (NaN|-?Infinity) \\(not finite: the vector overflows"
                + " float32 in this codebook's arithmetic\\)"),
        defect);
    assertEncodeFails(FLOATS, floats(x), 1, 1, defect);
  }

  @Test
  void nullVector() {
    List<Object> v = floats(vectors());
    v.set(4, null);
    assertEncodeFails(FLOATS, v, 0, 4, "vector is null");
  }

  @Test
  void nullComponent() {
    List<Object> v = floats(vectors());
    cast(v.get(5)).set(2, null);
    assertEncodeFails(FLOATS, v, 1, 0, "a component is null");
  }

  @Test
  void wrongLength() {
    List<Object> v = floats(vectors());
    v.set(9, Arrays.asList(1f, 2f, 3f));
    assertEncodeFails(FLOATS, v, 1, 4, "vector has dimension 3, expected 8");
  }

  @Test
  void doublesBeyondTheFloatRange() {
    List<Object> v = doubles(vectors());
    @SuppressWarnings("unchecked")
    List<Double> first = (List<Double>) v.get(0);
    first.set(6, 1e300);
    assertEncodeFails(DOUBLES, v, 0, 0, "component 6 is 1.0E300 (beyond the float range)");

    first.set(6, Double.NEGATIVE_INFINITY);
    assertEncodeFails(DOUBLES, v, 0, 0, "component 6 is -Infinity (not finite)");
  }

  @Test
  void mlVectors() {
    float[] x = vectors();
    List<Object> v = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      double[] values = new double[D];
      for (int k = 0; k < D; k++) {
        values[k] = x[i * D + k];
      }
      v.add(Vectors.dense(values));
    }
    v.set(8, Vectors.sparse(D, new int[] {1, 5}, new double[] {0.5, Double.NaN}));
    assertEncodeFails(new VectorUDT(), v, 1, 3, "component 5 is NaN (not finite)");

    v.set(8, Vectors.dense(1, 2));
    assertEncodeFails(new VectorUDT(), v, 1, 3, "vector has dimension 2, expected 8");

    v.set(8, null);
    assertEncodeFails(new VectorUDT(), v, 1, 3, "vector is null");
  }

  @Test
  void skipDropsAndCountsEveryKindOfInvalidRow() {
    float[] x = vectors();
    List<Object> v = floats(x);
    v.set(0, null);
    cast(v.get(2)).set(1, Float.NaN);
    cast(v.get(3)).set(7, Float.NEGATIVE_INFINITY);
    cast(v.get(6)).set(0, null);
    v.set(9, Arrays.asList(1f));
    LongAccumulator skipped = spark.sparkContext().longAccumulator("skipped");
    // Batches of 2: the first batch of partition 0 ({null, 1} then {2 NaN, 3 -Inf}) loses rows in
    // both ways, and batch {2, 3} loses every row, so the task must read on past an empty batch.
    SparkCodecOptions options =
        SparkCodecOptions.builder().skipInvalid(skipped).batchRows(2).build();
    Dataset<Row> coded = SignCodecSpark.encode(frame(FLOATS, v), "v", "code", codebook, options);
    // One action, so each row is counted once (a sort would sample the input in a job of its own).
    List<Row> rows = coded.select("id", "code").collectAsList();
    assertEquals(5, skipped.value());
    assertEquals(
        Arrays.asList(1L, 4L, 5L, 7L, 8L),
        rows.stream().map(r -> r.getLong(0)).collect(java.util.stream.Collectors.toList()));
    assertArrayEquals(
        Fixtures.codes(codebook, Fixtures.without(x, D, 0, 2, 3, 6, 9)),
        Fixtures.concat(
            rows.stream()
                .map(r -> (byte[]) r.get(1))
                .collect(java.util.stream.Collectors.toList())));
  }

  @SuppressWarnings("unchecked")
  private static List<Float> cast(Object list) {
    return (List<Float>) list;
  }

  @Test
  void codesOfTheWrongLengthOrNull() {
    Dataset<Row> coded =
        SignCodecSpark.encode(Fixtures.frame(spark, vectors(), D, 2), "v", "code", codebook)
            .drop("v");
    Dataset<Row> bad =
        coded.withColumn(
            "code",
            functions
                .when(functions.col("id").equalTo(6), functions.lit(new byte[] {1, 2, 3}))
                .when(functions.col("id").equalTo(8), functions.lit(null).cast("binary"))
                .otherwise(functions.col("code")));
    assertFails(
        SignCodecSpark.decode(bad, "code", "w", codebook),
        "code",
        1,
        1,
        "code has 3 bytes, codebook expects 1");

    LongAccumulator skipped = spark.sparkContext().longAccumulator("skipped codes");
    Dataset<Row> decoded =
        SignCodecSpark.decode(
            bad, "code", "w", codebook, SparkCodecOptions.builder().skipInvalid(skipped).build());
    assertEquals(8, decoded.collectAsList().size());
    assertEquals(2, skipped.value());
  }

  @Test
  void anotherCodebooksCodesFailBeforeAnyRowIsRead() {
    Codebook other = Fixtures.codebook(Form.STRUCTURED_STAGED, D, 1);
    Dataset<Row> coded =
        SignCodecSpark.encode(Fixtures.frame(spark, vectors(), D, 2), "v", "code", codebook);
    // decode and search build plans and run nothing: the refusal comes from the call itself.
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SignCodecSpark.decode(coded, "code", "w", other));
    assertEquals(
        "code column 'code' holds codes of codebook "
            + codebook.fingerprintHex()
            + ", not of codebook "
            + other.fingerprintHex(),
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SignCodecSpark.search(coded, "code", "id", new float[][] {new float[D]}, 3, other));
  }

  @Test
  void anUnregisteredCounterIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SparkCodecOptions.builder().skipInvalid(new LongAccumulator()));
  }
}
