package io.signcodec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.signcodec.core.CodeScorer;
import io.signcodec.core.Codebook;
import io.signcodec.spark.Fixtures.Form;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

/** Top-k search over a code column equals the core's scores of the same codes, sorted. */
class SearchTest extends LocalSparkTest {
  private static final int D = 64;

  /** One expected hit. */
  private record Hit(int query, Object id, float score) {
    @Override
    public String toString() {
      return query + ":" + id + "=" + score;
    }
  }

  /**
   * The k best of each query by the core's scorer over {@code codes}, score descending (equal
   * scores by id), as rows (query, rank, id, score).
   */
  private static List<String> expected(
      Codebook codebook,
      byte[] codes,
      Object[] ids,
      float[][] queries,
      int k,
      Comparator<Object> idOrder) {
    int n = codes.length / codebook.codeBytes();
    List<String> out = new ArrayList<>();
    for (int qi = 0; qi < queries.length; qi++) {
      float[] scores = new float[n];
      CodeScorer.of(codebook).prepare(queries[qi]).scoreAll(codes, 0, n, scores, 0);
      List<Hit> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(new Hit(qi, ids[i], scores[i]));
      }
      all.sort(Comparator.<Hit>comparingDouble(h -> -h.score()).thenComparing(Hit::id, idOrder));
      for (int r = 0; r < Math.min(k, n); r++) {
        Hit h = all.get(r);
        out.add(row(h.query(), r + 1, h.id(), h.score()));
      }
    }
    return out;
  }

  private static String row(int query, int rank, Object id, float score) {
    // The float's bits, so that equal strings mean bit-identical scores.
    return query
        + ","
        + rank
        + ","
        + id
        + ","
        + Integer.toHexString(Float.floatToRawIntBits(score));
  }

  private static List<String> rows(Dataset<Row> hits) {
    List<String> out = new ArrayList<>();
    for (Row r : hits.collectAsList()) {
      out.add(row(r.getInt(0), r.getInt(1), r.get(2), r.getFloat(3)));
    }
    return out;
  }

  @Test
  void equalsTheCoresScoresSorted() {
    Codebook codebook = Fixtures.codebook(Form.TRAINED, D, 1);
    float[] x = Fixtures.gaussian(2000, D, 21);
    float[][] queries = new float[5][];
    for (int i = 0; i < queries.length; i++) {
      queries[i] = Fixtures.gaussian(1, D, 100 + i);
    }
    Dataset<Row> coded =
        SignCodecSpark.encode(Fixtures.frame(spark, x, D, 4), "v", "code", codebook).drop("v");
    Object[] ids = new Object[2000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (long) i;
    }
    Dataset<Row> hits = SignCodecSpark.search(coded, "code", "id", queries, 10, codebook);
    assertEquals(DataTypes.LongType, hits.schema().apply("id").dataType());
    assertEquals(
        expected(
            codebook,
            Fixtures.codes(codebook, x),
            ids,
            queries,
            10,
            Comparator.comparingLong(id -> (Long) id)),
        rows(hits));
  }

  @Test
  void tiesGoToTheSmallerIdAcrossPartitions() {
    Codebook codebook = Fixtures.codebook(Form.STRUCTURED, D, 0.5);
    // 40 distinct vectors, each three times under ids spread over the partitions: every score
    // is tied three ways, so the ranks depend on the id order alone.
    float[] distinct = Fixtures.gaussian(40, D, 22);
    float[] x = new float[120 * D];
    Object[] ids = new Object[120];
    for (int i = 0; i < 120; i++) {
      System.arraycopy(distinct, (i % 40) * D, x, i * D, D);
      ids[i] = "doc-" + (119 - i); // string ids in the opposite order of the rows
    }
    Dataset<Row> coded =
        SignCodecSpark.encode(Fixtures.frame(spark, x, D, 3), "v", "code", codebook)
            .withColumn(
                "name",
                functions.concat(
                    functions.lit("doc-"), functions.lit(119).minus(functions.col("id"))));
    float[][] queries = {Fixtures.gaussian(1, D, 23), Fixtures.gaussian(1, D, 24)};
    List<String> got = rows(SignCodecSpark.search(coded, "code", "name", queries, 7, codebook));
    assertEquals(
        expected(
            codebook,
            Fixtures.codes(codebook, x),
            ids,
            queries,
            7,
            Comparator.comparing(id -> (String) id)),
        got);
  }

  @Test
  void fewerCodesThanK() {
    Codebook codebook = Fixtures.codebook(Form.DENSE, D, 2);
    float[] x = Fixtures.gaussian(5, D, 25);
    Dataset<Row> coded =
        SignCodecSpark.encode(Fixtures.frame(spark, x, D, 2), "v", "code", codebook)
            .withColumn("id", functions.col("id").cast("int"));
    Object[] ids = {0, 1, 2, 3, 4};
    float[][] queries = {Fixtures.gaussian(1, D, 26)};
    assertEquals(
        expected(
            codebook,
            Fixtures.codes(codebook, x),
            ids,
            queries,
            50,
            Comparator.comparingInt(id -> (Integer) id)),
        rows(SignCodecSpark.search(coded, "code", "id", queries, 50, codebook)));
  }

  @Test
  void invalidRowsAndArguments() {
    Codebook codebook = Fixtures.codebook(Form.STRUCTURED, D, 1);
    float[] x = Fixtures.gaussian(10, D, 27);
    Dataset<Row> coded =
        SignCodecSpark.encode(Fixtures.frame(spark, x, D, 1), "v", "code", codebook)
            .withColumn("id", functions.when(functions.col("id").notEqual(3), functions.col("id")));
    float[][] queries = {Fixtures.gaussian(1, D, 28)};
    LongAccumulator skipped = spark.sparkContext().longAccumulator("null ids");
    List<Row> hits =
        SignCodecSpark.search(
                coded,
                "code",
                "id",
                queries,
                20,
                codebook,
                SparkCodecOptions.builder().skipInvalid(skipped).build())
            .collectAsList();
    assertEquals(9, hits.size());
    assertEquals(1, skipped.value());

    org.apache.spark.SparkException e =
        assertThrows(
            org.apache.spark.SparkException.class,
            () ->
                SignCodecSpark.search(coded, "code", "id", queries, 20, codebook).collectAsList());
    assertEquals(
        "column 'id', partition 0, row 3: id is null",
        InvalidVectorException.find(e).orElseThrow().getMessage());

    float[] nan = new float[D];
    nan[9] = Float.NaN;
    assertEquals(
        "queries: vector 1, component 9 is NaN (not finite)",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    SignCodecSpark.search(
                        coded, "code", "id", new float[][] {new float[D], nan}, 3, codebook))
            .getMessage());
    assertEquals(
        "query 0 has dimension 3, codebook expects 64",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    SignCodecSpark.search(
                        coded, "code", "id", new float[][] {new float[3]}, 3, codebook))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SignCodecSpark.search(coded, "code", "id", queries, 0, codebook));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SignCodecSpark.search(
                coded.withColumn("id", functions.col("id").cast("double")),
                "code",
                "id",
                queries,
                3,
                codebook));
  }
}
