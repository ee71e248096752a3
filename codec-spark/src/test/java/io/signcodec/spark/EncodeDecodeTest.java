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
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Encode and decode columns give exactly the core's codes and vectors. */
class EncodeDecodeTest extends LocalSparkTest {
  private static final int D = 96;

  static Stream<Arguments> formsAndRates() {
    List<Arguments> cases = new ArrayList<>();
    for (Form form : Form.values()) {
      for (double rate : new double[] {0.5, 1, 2}) {
        cases.add(Arguments.of(form, rate));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} r = {1}")
  @MethodSource("formsAndRates")
  void codesAndVectorsAreTheCoresByteForByte(Form form, double rate) {
    Codebook codebook = Fixtures.codebook(form, D, rate);
    float[] x = Fixtures.gaussian(700, D, 7);
    // Batches of 100 rows: a partition of 350 ends in a partial batch.
    SparkCodecOptions options = SparkCodecOptions.builder().batchRows(100).build();
    Dataset<Row> coded =
        SignCodecSpark.encode(Fixtures.frame(spark, x, D, 2), "v", "code", codebook, options);
    byte[] expected = Fixtures.codes(codebook, x);
    assertArrayEquals(expected, Fixtures.binaryColumn(coded, "code"));

    Dataset<Row> decoded = SignCodecSpark.decode(coded.drop("v"), "code", "w", codebook, options);
    assertArrayEquals(Fixtures.decoded(codebook, expected), Fixtures.floatColumn(decoded, "w"));
  }

  @Test
  void codeColumnIsBinaryAndNamesItsCodebook() {
    Codebook codebook = Fixtures.codebook(Form.STRUCTURED, D, 1);
    Dataset<Row> coded =
        SignCodecSpark.encode(
            Fixtures.frame(spark, Fixtures.gaussian(10, D, 1), D, 1), "v", "code", codebook);
    StructField field = coded.schema().apply("code");
    assertEquals(DataTypes.BinaryType, field.dataType());
    Metadata entry = field.metadata().getMetadata(SignCodecSpark.METADATA_KEY);
    assertEquals(codebook.fingerprintHex(), entry.getString("fingerprint"));
    assertEquals(D, entry.getLong("dimension"));
    assertEquals(codebook.bits(), entry.getLong("bits"));
    assertEquals(codebook.codeBytes(), entry.getLong("codeBytes"));

    StructField vector = SignCodecSpark.decode(coded, "code", "w", codebook).schema().apply("w");
    assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false), vector.dataType());
  }

  @Test
  void otherColumnsKeepTheirOrderValuesAndMetadata() {
    Codebook codebook = Fixtures.codebook(Form.DENSE, D, 1);
    float[] x = Fixtures.gaussian(40, D, 3);
    Metadata note = new MetadataBuilder().putString("unit", "cm").build();
    Dataset<Row> df =
        Fixtures.frame(spark, x, D, 2)
            .withColumn("v", functions.col("v").cast("array<float>")) // elements may be null
            .withColumn("name", functions.concat(functions.lit("doc-"), functions.col("id")))
            .withColumn("odd.name`", functions.col("id").mod(2).as("odd", note))
            .withColumn(
                "nested",
                functions.struct(
                    functions.col("id").as("a"), functions.array(functions.col("id")).as("b")))
            .select("name", "v", "nested", "id", "`odd.name```");
    Dataset<Row> coded = SignCodecSpark.encode(df, "v", "code", codebook);

    assertEquals(
        Arrays.asList("name", "v", "nested", "id", "odd.name`", "code"),
        Arrays.asList(coded.columns()));
    assertTrue(((ArrayType) df.schema().apply("v").dataType()).containsNull());
    for (String c : df.columns()) {
      assertEquals(df.schema().apply(c).dataType(), coded.schema().apply(c).dataType(), c);
      assertEquals(df.schema().apply(c).metadata(), coded.schema().apply(c).metadata(), c);
    }
    List<Row> before = df.orderBy("id").collectAsList();
    List<Row> after = coded.drop("code").orderBy("id").collectAsList();
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      assertEquals(before.get(i), after.get(i));
    }
    assertArrayEquals(Fixtures.codes(codebook, x), Fixtures.binaryColumn(coded, "code"));
  }

  @Test
  void aFrameOfTheVectorAlone() {
    Codebook codebook = Fixtures.codebook(Form.STRUCTURED, D, 0.5);
    float[] x = Fixtures.gaussian(30, D, 4);
    Dataset<Row> only = Fixtures.frame(spark, x, D, 1).select("v");
    List<byte[]> codes =
        SignCodecSpark.encode(only, "v", "code", codebook)
            .select("code")
            .as(Encoders.BINARY())
            .collectAsList(); // one partition: the rows keep their order
    assertArrayEquals(Fixtures.codes(codebook, x), Fixtures.concat(codes));
  }

  @Test
  void doubleArraysCodeAsTheirFloatNarrowing() {
    Codebook codebook = Fixtures.codebook(Form.TRAINED, D, 1);
    float[] x = Fixtures.gaussian(200, D, 5);
    Dataset<Row> doubles =
        Fixtures.frame(spark, x, D, 2).withColumn("v", functions.col("v").cast("array<double>"));
    // Casting float to double is exact, so the narrowing gives x back.
    Dataset<Row> coded = SignCodecSpark.encode(doubles, "v", "code", codebook);
    assertArrayEquals(Fixtures.codes(codebook, x), Fixtures.binaryColumn(coded, "code"));
  }

  @Test
  void mlVectorsDenseAndSparse() {
    Codebook codebook = Fixtures.codebook(Form.DENSE, D, 2);
    float[] x = Fixtures.gaussian(60, D, 6);
    // Every third vector sparse: half its components zero.
    for (int i = 0; i < 60; i += 3) {
      for (int k = 0; k < D; k += 2) {
        x[i * D + k] = 0;
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      double[] v = new double[D];
      for (int k = 0; k < D; k++) {
        v[k] = x[i * D + k];
      }
      Vector vector = Vectors.dense(v);
      rows.add(RowFactory.create((long) i, i % 3 == 0 ? vector.toSparse() : vector));
    }
    StructType schema =
        new StructType().add("id", DataTypes.LongType).add("features", new VectorUDT());
    Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(2);
    Dataset<Row> coded = SignCodecSpark.encode(df, "features", "code", codebook);
    assertTrue(coded.schema().apply("features").dataType() instanceof VectorUDT);
    assertArrayEquals(Fixtures.codes(codebook, x), Fixtures.binaryColumn(coded, "code"));
    List<Row> back = coded.orderBy("id").collectAsList();
    for (int i = 0; i < 60; i++) {
      assertEquals(rows.get(i).get(1), back.get(i).getAs("features"));
    }
  }

  @Test
  void columnsAreCheckedWhenCalled() {
    Codebook codebook = Fixtures.codebook(Form.STRUCTURED, D, 1);
    Dataset<Row> df = Fixtures.frame(spark, Fixtures.gaussian(2, D, 1), D, 1);
    assertEquals(
        "no column 'x' in struct<id:bigint,v:array<float>>",
        assertThrows(
                IllegalArgumentException.class,
                () -> SignCodecSpark.encode(df, "x", "code", codebook))
            .getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> SignCodecSpark.encode(df, "v", "ID", codebook))
            .getMessage()
            .startsWith("column 'ID' already exists"));
    assertEquals(
        "column 'id' is bigint; vectors must be array<float>, array<double> or an ML " + "vector",
        assertThrows(
                IllegalArgumentException.class,
                () -> SignCodecSpark.encode(df, "id", "code", codebook))
            .getMessage());
    assertEquals(
        "code column 'v' is array<float>, not binary",
        assertThrows(
                IllegalArgumentException.class, () -> SignCodecSpark.decode(df, "v", "w", codebook))
            .getMessage());
    // Names resolve as Spark's do, ignoring case unless spark.sql.caseSensitive.
    assertEquals("code", SignCodecSpark.encode(df, "V", "code", codebook).columns()[2]);
  }
}
