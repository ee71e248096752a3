package io.signcodec.spark;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.TestData;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import scala.Tuple2;

/** Codebooks of every form, vector frames with known partitions, and the library's own codes. */
final class Fixtures {
  private Fixtures() {}

  /** The codebook forms the module must code exactly as the core does. */
  enum Form {
    /** Dense matrices: random orthogonal rows per stage. */
    DENSE,
    /** Allocated bits over a structured (randomized Hadamard) basis, data-free. */
    STRUCTURED,
    /** Structured stages of one bit per coordinate, no allocation. */
    STRUCTURED_STAGED,
    /** Allocated bits over principal directions, trained on power-law data. */
    TRAINED
  }

  static Codebook codebook(Form form, int d, double rate) {
    switch (form) {
      case DENSE:
        return CodebookTrainer.builder().rate(rate).staged().seed(5).build().isotropic(d);
      case STRUCTURED:
        return CodebookTrainer.builder().rate(rate).structured().seed(5).build().isotropic(d);
      case STRUCTURED_STAGED:
        return CodebookTrainer.builder()
            .rate(rate)
            .structured()
            .staged()
            .seed(5)
            .build()
            .isotropic(d);
      case TRAINED:
        try {
          return CodebookTrainer.builder()
              .rate(rate)
              .seed(5)
              .build()
              .train(VectorSource.of(TestData.powerLaw(1500, d, 1.0, 11), d));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      default:
        throw new AssertionError(form);
    }
  }

  /**
   * A frame of ({@code id} bigint from 0, {@code v} array&lt;float&gt;) of the {@code x.length / d}
   * vectors of {@code x}, in {@code partitions} partitions of consecutive rows.
   */
  static Dataset<Row> frame(SparkSession spark, float[] x, int d, int partitions) {
    List<Tuple2<Long, float[]>> rows = new ArrayList<>();
    for (int i = 0; i < x.length / d; i++) {
      rows.add(new Tuple2<>((long) i, Arrays.copyOfRange(x, i * d, (i + 1) * d)));
    }
    return spark
        .createDataset(
            JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(rows, partitions)
                .rdd(),
            Encoders.tuple(Encoders.LONG(), spark.implicits().newFloatArrayEncoder()))
        .select(functions.col("_1").as("id"), functions.col("_2").as("v"));
  }

  /** The core's codes of the vectors of {@code x}, concatenated. */
  static byte[] codes(Codebook codebook, float[] x) {
    int count = x.length / codebook.dimension();
    byte[] codes = new byte[count * codebook.codeBytes()];
    SignEncoder.of(codebook).encode(x, 0, codes, 0, count);
    return codes;
  }

  /** The core's decoding of {@code codes}, concatenated. */
  static float[] decoded(Codebook codebook, byte[] codes) {
    int count = codes.length / codebook.codeBytes();
    float[] out = new float[count * codebook.dimension()];
    LinearDecoder.of(codebook).decode(codes, 0, out, 0, count);
    return out;
  }

  /** Column {@code column} of {@code df}'s rows ordered by {@code id}, concatenated. */
  static byte[] binaryColumn(Dataset<Row> df, String column) {
    List<byte[]> values = df.orderBy("id").select(column).as(Encoders.BINARY()).collectAsList();
    return concat(values);
  }

  /**
   * Column {@code column} (array&lt;float&gt;) of {@code df}'s rows by {@code id}, concatenated.
   */
  static float[] floatColumn(Dataset<Row> df, String column) {
    List<float[]> values =
        df.orderBy("id")
            .select(column)
            .as(df.sparkSession().implicits().newFloatArrayEncoder())
            .collectAsList();
    return concat(values, float[]::new);
  }

  static byte[] concat(List<byte[]> values) {
    return concat(values, byte[]::new);
  }

  /** The arrays {@code values}, all of one primitive type, end to end in one from {@code make}. */
  private static <A> A concat(List<A> values, IntFunction<A> make) {
    A out = make.apply(values.stream().mapToInt(Array::getLength).sum());
    int at = 0;
    for (A v : values) {
      System.arraycopy(v, 0, out, at, Array.getLength(v));
      at += Array.getLength(v);
    }
    return out;
  }

  /** {@code x} with rows {@code rows} (of d) removed. */
  static float[] without(float[] x, int d, int... rows) {
    float[] out = new float[x.length - rows.length * d];
    int at = 0;
    for (int i = 0; i < x.length / d; i++) {
      int row = i;
      if (Arrays.stream(rows).noneMatch(r -> r == row)) {
        System.arraycopy(x, i * d, out, at, d);
        at += d;
      }
    }
    return out;
  }

  static float[] gaussian(int count, int d, long seed) {
    return TestData.isotropic(count, d, seed);
  }
}
