package io.signcodec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.spark.Fixtures.Form;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Codes survive Parquet bit for bit, their codebook's fingerprint with them. */
class ParquetTest extends LocalSparkTest {
  private static final int D = 768;
  private static final int COUNT = 4000;

  @Test
  void roundTripDecodesBitIdenticallyAndKeepsTheFingerprint(@TempDir Path dir) throws IOException {
    Codebook codebook = Fixtures.codebook(Form.STRUCTURED, D, 1);
    assertEquals(96, codebook.codeBytes());
    float[] x = Fixtures.gaussian(COUNT, D, 31);
    Dataset<Row> vectors = Fixtures.frame(spark, x, D, 2);
    Dataset<Row> coded = SignCodecSpark.encode(vectors, "v", "code", codebook);

    // One file each, Spark's default snappy compression.
    Path codes = dir.resolve("codes");
    Path floats = dir.resolve("floats");
    coded.select("id", "code").coalesce(1).write().parquet(codes.toString());
    vectors.select("id", "v").coalesce(1).write().parquet(floats.toString());

    Dataset<Row> read = spark.read().parquet(codes.toString());
    assertEquals(
        codebook.fingerprintHex(),
        read.schema()
            .apply("code")
            .metadata()
            .getMetadata(SignCodecSpark.METADATA_KEY)
            .getString("fingerprint"));
    byte[] expected = Fixtures.codes(codebook, x);
    assertArrayEquals(expected, Fixtures.binaryColumn(read, "code"));
    Dataset<Row> decoded = SignCodecSpark.decode(read, "code", "w", codebook);
    assertArrayEquals(Fixtures.decoded(codebook, expected), Fixtures.floatColumn(decoded, "w"));

    // What a vector costs on disk: the code column alone against the float column alone.
    Path codesOnly = dir.resolve("codes-only");
    Path floatsOnly = dir.resolve("floats-only");
    coded.select("code").coalesce(1).write().parquet(codesOnly.toString());
    vectors.select("v").coalesce(1).write().parquet(floatsOnly.toString());
    double codeBytes = parquetBytes(codesOnly) / (double) COUNT;
    double floatBytes = parquetBytes(floatsOnly) / (double) COUNT;
    System.out.printf(
        "Parquet (snappy), %d vectors, d = %d, r = 1: code column %.1f bytes a vector,"
            + " array<float> column %.1f; with a bigint id: %.1f and %.1f%n",
        COUNT,
        D,
        codeBytes,
        floatBytes,
        parquetBytes(codes) / (double) COUNT,
        parquetBytes(floats) / (double) COUNT);
    // Random codes do not compress: 96 bytes, plus Parquet's 4-byte length of a binary value.
    assertTrue(codeBytes >= 96 && codeBytes < 102, "code column: " + codeBytes);
    assertTrue(floatBytes >= 4 * D, "float column: " + floatBytes);
  }

  /** The bytes of the Parquet files Spark wrote into {@code dir}. */
  private static long parquetBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }
}
