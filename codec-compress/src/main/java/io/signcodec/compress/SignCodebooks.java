package io.signcodec.compress;

import io.signcodec.core.Codebook;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The codebooks that {@link SignCompressorStreamProvider} may use. {@code CompressorStreamFactory}
 * builds streams from a name alone, so the codebook has to come from somewhere: streams are decoded
 * with the registered codebook whose fingerprint their header names, and written with the default
 * codebook (the first registered, unless {@link #setDefault} says otherwise).
 *
 * <p>Thread-safe. Codebooks are immutable, so sharing them here is safe.
 */
public final class SignCodebooks {
  private static final Map<Long, Codebook> BY_FINGERPRINT = new ConcurrentHashMap<>();
  private static final AtomicReference<Codebook> DEFAULT = new AtomicReference<>();

  private SignCodebooks() {}

  /** Makes {@code codebook} available for decoding, and the default if there is none yet. */
  public static void register(Codebook codebook) {
    Objects.requireNonNull(codebook, "codebook");
    BY_FINGERPRINT.put(codebook.fingerprint(), codebook);
    DEFAULT.compareAndSet(null, codebook);
  }

  /** Registers {@code codebook} and makes it the one output streams are written with. */
  public static void setDefault(Codebook codebook) {
    register(codebook);
    DEFAULT.set(codebook);
  }

  /** Removes a codebook; if it was the default, there is no default any more. */
  public static void unregister(Codebook codebook) {
    BY_FINGERPRINT.remove(codebook.fingerprint(), codebook);
    DEFAULT.compareAndSet(codebook, null);
  }

  /** The registered codebook with this fingerprint. */
  public static Optional<Codebook> find(long fingerprint) {
    return Optional.ofNullable(BY_FINGERPRINT.get(fingerprint));
  }

  /** The codebook output streams are written with. */
  public static Optional<Codebook> defaultCodebook() {
    return Optional.ofNullable(DEFAULT.get());
  }
}
