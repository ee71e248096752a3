package io.signcodec.core;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** Inputs for the readers' fuzz tests. */
public final class FuzzInputs {
  private FuzzInputs() {}

  /**
   * Random bytes up to {@code maxTail} long, in {@code kept} of every {@code 1 + kept} cases after
   * the first {@code prefix} bytes of {@code valid} (its magic, version or header), so that the
   * reader gets past them to what follows.
   */
  public static Arbitrary<byte[]> noiseAfter(byte[] valid, int prefix, int maxTail, int kept) {
    Arbitrary<byte[]> tail = Arbitraries.bytes().array(byte[].class).ofMaxSize(maxTail);
    return Arbitraries.frequencyOf(
        Tuple.of(1, tail),
        Tuple.of(
            kept,
            tail.map(
                t -> {
                  byte[] b = Arrays.copyOf(valid, prefix + t.length);
                  System.arraycopy(t, 0, b, prefix, t.length);
                  return b;
                })));
  }

  /** What {@link #writeSeeds} runs on each seed it writes. */
  public interface SeedCheck {
    void accept(String name, byte[] seed) throws Exception;
  }

  /**
   * Writes each of {@code seeds} as {@code seed-NAME} into {@code inputs} (a fuzz target's inputs
   * directory, relative to the directory the system property {@code fuzz.writeSeeds} names), then
   * runs {@code check} on it.
   */
  public static void writeSeeds(String inputs, java.util.Map<String, byte[]> seeds, SeedCheck check)
      throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("fuzz.writeSeeds"), inputs);
    java.nio.file.Files.createDirectories(dir);
    for (java.util.Map.Entry<String, byte[]> seed : seeds.entrySet()) {
      java.nio.file.Files.write(dir.resolve("seed-" + seed.getKey()), seed.getValue());
      check.accept(seed.getKey(), seed.getValue());
    }
  }
}
