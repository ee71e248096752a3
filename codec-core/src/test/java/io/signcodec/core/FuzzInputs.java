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
    return Arbitraries.frequencyOf(Tuple.of(1, tail), Tuple.of(kept, tail.map(t -> {
      byte[] b = Arrays.copyOf(valid, prefix + t.length);
      System.arraycopy(t, 0, b, prefix, t.length);
      return b;
    })));
  }
}
