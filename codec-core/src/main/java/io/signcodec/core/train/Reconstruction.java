package io.signcodec.core.train;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.internal.Checks;

/**
 * What a codebook makes of a batch of vectors, {@code x̂ = decode(encode(x))}, into scratch it
 * keeps: for the accumulators that learn from reconstructions (residuals, distortion). Its codebook
 * is left out when an accumulator is serialized, so it exists only where vectors are added.
 */
final class Reconstruction {
  private final Codebook codebook;
  private final SignEncoder encoder;
  private final LinearDecoder decoder;
  private byte[] codes = new byte[0];
  private float[] decoded = new float[0];

  Reconstruction(Codebook codebook) {
    this.codebook = codebook;
    this.encoder = SignEncoder.of(codebook);
    this.decoder = LinearDecoder.of(codebook);
  }

  /**
   * {@code current}, or on an accumulator's first batch a new one for {@code codebook}; an
   * accumulator that travelled has no codebook (it is transient) and is refused, as it may only be
   * merged.
   *
   * @param accumulator what the accumulator holds, for the message
   */
  static Reconstruction ensure(Reconstruction current, Codebook codebook, String accumulator) {
    if (current != null) {
      return current;
    }
    if (codebook == null) {
      throw new IllegalStateException(
          "a " + accumulator + " accumulator that was serialized only " + "merges");
    }
    return new Reconstruction(codebook);
  }

  /**
   * The reconstructions of the {@code count} vectors at {@code vectors[offset..]}, row-major from
   * index 0 of the array returned (valid until the next call).
   */
  float[] reconstruct(float[] vectors, int offset, int count) {
    int d = codebook.dimension();
    Checks.checkRange("vectors", vectors.length, offset, count, d);
    if (decoded.length < count * d) {
      codes = new byte[count * codebook.codeBytes()];
      decoded = new float[count * d];
    }
    encoder.encode(vectors, offset, codes, 0, count);
    decoder.decode(codes, 0, decoded, 0, count);
    return decoded;
  }
}
