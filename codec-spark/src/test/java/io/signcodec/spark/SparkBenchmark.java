package io.signcodec.spark;

import io.signcodec.core.Codebook;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Spark benchmark of BENCHMARKS.md, not a test: training time and encode throughput in {@code
 * local[2]} against the bare library on the same vectors (two threads), and the Parquet bytes per
 * vector. Tagged {@code benchmark}, which the module's build leaves out unless asked:
 *
 * <pre>
 * mvn -B -pl codec-spark -am verify -Dtest=SparkBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dspark.bench.skip= -Dgroups=benchmark -Dspark.test.heap=-Xmx14g -Dbench.vectors=1000000
 * </pre>
 *
 * Writes {@code codec-spark/target/spark-bench.md}.
 */
@Tag("benchmark")
class SparkBenchmark extends LocalSparkTest {
  private static final int D = 384;
  private static final int PARTITIONS = 8;

  @Test
  void report() throws IOException {
    int count = Integer.getInteger("bench.vectors", 1_000_000);
    Path out = Path.of("target", "spark-bench.md");
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "Spark local[2] against the library alone, %d vectors,"
                + " d = %d (eigenvalues (k+1)^-1 around 0.3), %d partitions, Java %s, %d cores.%n%n",
            count,
            D,
            PARTITIONS,
            System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors()));

    float[] local = SparkTrainingTest.local(count, D);
    Dataset<Row> df =
        SparkTrainingTest.frame(spark, count, D, PARTITIONS)
            .persist(StorageLevel.MEMORY_AND_DISK());
    df.count();

    md.append(
        "| r | training, library (s) | training, Spark (s) | ratio | encode, library"
            + " (vectors/s) | encode, Spark (vectors/s) | ratio |\n|---|---|---|---|---|---|---|\n");
    Codebook r1 = null;
    for (double rate : new double[] {1, 4}) {
      CodebookTrainer trainer = CodebookTrainer.builder().rate(rate).build();
      long t0 = System.nanoTime();
      Codebook codebook = trainer.train(VectorSource.of(local, D));
      double libraryTrain = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      Codebook sparkCodebook = SignCodecSpark.train(df, "v", trainer);
      double sparkTrain = (System.nanoTime() - t0) / 1e9;
      if (rate == 1) {
        r1 = sparkCodebook;
      }
      if (Math.abs(sparkCodebook.info().trainNmse() - codebook.info().trainNmse()) > 1e-6) {
        throw new AssertionError(
            "Spark and library trainings differ: " + sparkCodebook.info() + " " + codebook.info());
      }

      // The library on two threads: the common pool's worker and the caller.
      SignEncoder encoder = SignEncoder.of(codebook);
      byte[] codes = new byte[8192 * codebook.codeBytes()];
      double libraryRate = 0;
      for (int repeat = 0; repeat < 3; repeat++) {
        t0 = System.nanoTime();
        for (int i = 0; i < count; i += 8192) {
          encoder.encode(local, i * D, codes, 0, Math.min(8192, count - i));
        }
        libraryRate = Math.max(libraryRate, count / ((System.nanoTime() - t0) / 1e9));
      }
      double sparkRate = 0;
      for (int repeat = 0; repeat < 3; repeat++) {
        t0 = System.nanoTime();
        SignCodecSpark.encode(df, "v", "code", codebook)
            .select("code")
            .write()
            .format("noop")
            .mode("overwrite")
            .save();
        sparkRate = Math.max(sparkRate, count / ((System.nanoTime() - t0) / 1e9));
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %.1f | %.2f | %.0f | %.0f | %.2f |%n",
              rate,
              libraryTrain,
              sparkTrain,
              sparkTrain / libraryTrain,
              libraryRate,
              sparkRate,
              sparkRate / libraryRate));
    }

    // Parquet: codes at r = 1 against the float32 arrays, default (snappy) compression.
    Path dir = Files.createTempDirectory(Path.of("target"), "parquet");
    Path codesDir = dir.resolve("codes");
    Path floatsDir = dir.resolve("floats");
    SignCodecSpark.encode(df, "v", "code", r1)
        .select("id", "code")
        .write()
        .parquet(codesDir.toString());
    df.select("id", "v").write().parquet(floatsDir.toString());
    Path idsDir = dir.resolve("ids");
    df.select("id").write().parquet(idsDir.toString());
    long idsOnly = size(idsDir);
    md.append(
        String.format(
            Locale.ROOT,
            "%nParquet (snappy), bytes per vector with a long id"
                + " column: codes at r = 1 (%d-byte codes) %.1f, array<float> %.1f; the id column alone"
                + " %.1f.%n",
            r1.codeBytes(),
            (double) size(codesDir) / count,
            (double) size(floatsDir) / count,
            (double) idsOnly / count));
    df.unpersist();
    Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
    System.out.println(md);
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }
}
