package io.signcodec.spark;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One local[2] SparkSession for every test class of the module (starting one costs seconds):
 * resolves a {@link SparkSession} parameter, and stops the session once all tests have run.
 *
 * <p>The system property {@value #SERIALIZER} names the session's {@code spark.serializer}, so that
 * the same tests run with Kryo (many jobs use it) as well as with Java serialization.
 */
public final class LocalSpark implements ParameterResolver {
  static final String SERIALIZER = "signcodec.test.spark.serializer";
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalSpark.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Session.class, key -> new Session(), Session.class)
        .spark;
  }

  /** The session, closed by JUnit with the root context. */
  private static final class Session implements ExtensionContext.Store.CloseableResource {
    final SparkSession spark;

    Session() {
      Path target = Path.of("target").toAbsolutePath();
      String serializer = System.getProperty(SERIALIZER, "");
      spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("codec-spark tests")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2")
              .config(
                  "spark.sql.warehouse.dir", target.resolve("spark-warehouse").toUri().toString())
              .config("spark.local.dir", target.resolve("spark-local").toString())
              .config(
                  "spark.serializer",
                  serializer.isBlank() ? "org.apache.spark.serializer.JavaSerializer" : serializer)
              .getOrCreate();
    }

    @Override
    public void close() {
      spark.stop();
    }
  }
}
