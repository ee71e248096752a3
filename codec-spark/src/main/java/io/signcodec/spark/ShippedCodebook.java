package io.signcodec.spark;

import io.signcodec.core.CodeScorer;
import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * A codebook as tasks receive it: its serialized bytes broadcast once per call (Spark sends a
 * broadcast to each executor once, not with every task), read back into a {@link Codebook} and its
 * coders once per executor JVM.
 *
 * <p>Every task deserializes its own copy of this object, so the coders cannot live in a field
 * alone: they are kept in a small static cache keyed by fingerprint, which the tasks of an executor
 * share, and the field only saves the cache look-up on later rows of the same task. The broadcast
 * lives as long as the driver holds a plan that refers to it; Spark's context cleaner removes it
 * after that.
 */
final class ShippedCodebook implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Codebooks an executor keeps read: enough for a job that uses a few at once (SQL functions of
   * two codebooks, say), few enough to bound the memory, as a dense codebook holds two matrices of
   * up to {@link io.signcodec.core.Caps#MAX_MATRIX_ELEMENTS} floats.
   */
  private static final int CACHED_CODEBOOKS = 4;

  private static final Map<String, Coders> CACHE =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Coders> eldest) {
          return size() > CACHED_CODEBOOKS;
        }
      };

  private final String fingerprint;
  private final int dimension;
  private final int codeBytes;
  private final Broadcast<byte[]> bytes;
  private transient volatile Coders coders;

  private ShippedCodebook(Codebook codebook, Broadcast<byte[]> bytes) {
    this.fingerprint = codebook.fingerprintHex();
    this.dimension = codebook.dimension();
    this.codeBytes = codebook.codeBytes();
    this.bytes = bytes;
  }

  /** Broadcasts {@code codebook} in the session's context. On the driver. */
  static ShippedCodebook broadcast(SparkSession spark, Codebook codebook) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return new ShippedCodebook(codebook, context.broadcast(codebook.toByteArray()));
  }

  String fingerprint() {
    return fingerprint;
  }

  int dimension() {
    return dimension;
  }

  int codeBytes() {
    return codeBytes;
  }

  /** The codebook and its coders, read from the broadcast at most once per JVM. */
  Coders coders() {
    Coders c = coders;
    if (c == null) {
      synchronized (CACHE) {
        c = CACHE.get(fingerprint);
        if (c == null) {
          c = new Coders(read());
          CACHE.put(fingerprint, c);
        }
      }
      coders = c;
    }
    return c;
  }

  private Codebook read() {
    Codebook codebook;
    try {
      codebook = Codebook.read(new ByteArrayInputStream(bytes.value()));
    } catch (IOException e) {
      throw new UncheckedIOException("the broadcast codebook " + fingerprint + " does not read", e);
    }
    if (!codebook.fingerprintHex().equals(fingerprint)) {
      throw new IllegalStateException(
          "the broadcast codebook has fingerprint "
              + codebook.fingerprintHex()
              + ", expected "
              + fingerprint);
    }
    return codebook;
  }

  /**
   * One codebook's coders, shared by every task of an executor. They are thread-safe and keep their
   * scratch per thread; {@code parallel(false)} because Spark already runs one task per core, and a
   * batch split across the common pool would compete with the other tasks.
   */
  static final class Coders {
    final Codebook codebook;
    final SignEncoder encoder;
    final LinearDecoder decoder;
    final CodeScorer scorer;

    Coders(Codebook codebook) {
      this.codebook = codebook;
      this.encoder = SignEncoder.builder(codebook).parallel(false).build();
      this.decoder = LinearDecoder.builder(codebook).parallel(false).build();
      this.scorer = CodeScorer.of(codebook);
    }
  }
}
