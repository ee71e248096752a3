package io.signcodec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.spark.Fixtures.Form;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The SQL functions, called by name, code exactly as the core does. */
class SqlFunctionsTest extends LocalSparkTest {
  private static final int D = 64;

  @Test
  void encodeAndDecodeByName() {
    Codebook codebook = Fixtures.codebook(Form.TRAINED, D, 1);
    SignCodecSpark.registerFunctions(spark, codebook);
    float[] x = Fixtures.gaussian(300, D, 12);
    Fixtures.frame(spark, x, D, 2).createOrReplaceTempView("vectors");

    Dataset<Row> coded =
        spark.sql(
            "SELECT id, signcodec_encode(v) AS code, signcodec_decode(signcodec_encode(v)) AS w "
                + "FROM vectors");
    assertEquals(DataTypes.BinaryType, coded.schema().apply("code").dataType());
    assertEquals(
        DataTypes.createArrayType(DataTypes.FloatType, false),
        coded.schema().apply("w").dataType());
    byte[] codes = Fixtures.codes(codebook, x);
    assertArrayEquals(codes, Fixtures.binaryColumn(coded, "code"));
    assertArrayEquals(Fixtures.decoded(codebook, codes), Fixtures.floatColumn(coded, "w"));

    // Doubles narrow to the same floats.
    Dataset<Row> fromDoubles =
        spark.sql("SELECT id, signcodec_encode(CAST(v AS array<double>)) AS code FROM vectors");
    assertArrayEquals(codes, Fixtures.binaryColumn(fromDoubles, "code"));
  }

  @Test
  void mlVectorsAndNulls() {
    Codebook codebook = Fixtures.codebook(Form.DENSE, D, 0.5);
    SignCodecSpark.registerFunctions(spark, codebook, "ml");
    float[] x = Fixtures.gaussian(3, D, 13);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      double[] v = new double[D];
      for (int k = 0; k < D; k++) {
        v[k] = x[i * D + k];
      }
      rows.add(
          RowFactory.create((long) i, i == 1 ? Vectors.dense(v).toSparse() : Vectors.dense(v)));
    }
    rows.add(RowFactory.create(3L, null));
    spark
        .createDataFrame(
            rows, new StructType().add("id", DataTypes.LongType).add("features", new VectorUDT()))
        .createOrReplaceTempView("features");
    List<Row> out =
        spark
            .sql(
                "SELECT id, ml_encode(features) AS code, "
                    + "ml_decode(ml_encode(features)) AS w FROM features ORDER BY id")
            .collectAsList();
    byte[] codes = Fixtures.codes(codebook, x);
    int n = codebook.codeBytes();
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(
          java.util.Arrays.copyOfRange(codes, i * n, (i + 1) * n), (byte[]) out.get(i).get(1));
    }
    assertNull(out.get(3).get(1)); // null in, null out, as SQL functions do
    assertNull(out.get(3).get(2));
  }

  @Test
  void prefixesKeepSeveralCodebooksApart() {
    Codebook half = Fixtures.codebook(Form.STRUCTURED, D, 0.5);
    Codebook two = Fixtures.codebook(Form.STRUCTURED, D, 2);
    SignCodecSpark.registerFunctions(spark, half, "half");
    SignCodecSpark.registerFunctions(spark, two, "two");
    float[] x = Fixtures.gaussian(20, D, 14);
    Fixtures.frame(spark, x, D, 1).createOrReplaceTempView("prefixed");
    Dataset<Row> coded =
        spark.sql("SELECT id, half_encode(v) AS a, two_encode(v) AS b FROM prefixed");
    assertArrayEquals(Fixtures.codes(half, x), Fixtures.binaryColumn(coded, "a"));
    assertArrayEquals(Fixtures.codes(two, x), Fixtures.binaryColumn(coded, "b"));
    assertThrows(
        IllegalArgumentException.class, () -> SignCodecSpark.registerFunctions(spark, half, "1st"));
    assertThrows(
        IllegalArgumentException.class, () -> SignCodecSpark.registerFunctions(spark, half, "a-b"));
  }

  @Test
  void invalidValuesNameTheFunctionAndTheDefect() {
    SignCodecSpark.registerFunctions(spark, Fixtures.codebook(Form.STRUCTURED, 4, 1), "four");
    assertInvalid(
        "SELECT four_encode(array(1.0F, 2.0F, 3.0F))",
        "function four_encode, partition 0: vector has dimension 3, expected 4");
    assertInvalid(
        "SELECT four_encode(array(1.0F, CAST('NaN' AS float), 3.0F, 4.0F))",
        "function four_encode, partition 0: component 1 is NaN (not finite)");
    assertInvalid(
        "SELECT four_encode(array(1.0D, 2.0D, 1.0E300D, 4.0D))",
        "function four_encode, partition 0: component 2 is 1.0E300 (beyond the float range)");
    assertInvalid(
        "SELECT four_encode(array(1.0F, NULL, 3.0F, 4.0F))",
        "function four_encode, partition 0: component 1 is null");
    assertInvalid(
        "SELECT four_decode(X'0102')",
        "function four_decode, partition 0: code has 2 bytes, codebook expects 1");
  }

  private void assertInvalid(String sql, String message) {
    // Over a one-row, one-partition relation: the function runs in the task of partition 0.
    Exception e =
        assertThrows(Exception.class, () -> spark.sql(sql + " FROM range(0, 1, 1, 1)").collect());
    assertTrue(e instanceof SparkException || e instanceof InvalidVectorException, e.toString());
    assertEquals(message, InvalidVectorException.find(e).orElseThrow().getMessage());
  }
}
