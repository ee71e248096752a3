package io.signcodec.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** A test class whose tests run on the module's one local session ({@link LocalSpark}). */
@ExtendWith(LocalSpark.class)
abstract class LocalSparkTest {
  /** The session; the same for every test of the module. */
  SparkSession spark;

  @BeforeEach
  final void useTheLocalSession(SparkSession session) {
    spark = session;
  }
}
