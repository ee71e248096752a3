package io.signcodec.cli;

import io.signcodec.core.Codebook;
import io.signcodec.core.Distortion;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;

/**
 * Encodes batches of vectors and decodes the codes again, as a receiver would, and measures the
 * distortion over every batch. The codes and decoded vectors of the last batch are kept for what a
 * command does with them besides.
 */
final class RoundTrip {
  private final SignEncoder encoder;
  private final LinearDecoder decoder;
  private final Distortion distortion;
  private final byte[] codes;
  private final float[] decoded;

  /** For batches of at most {@code batchVectors} vectors. */
  RoundTrip(Codebook codebook, int batchVectors) {
    encoder = SignEncoder.of(codebook);
    decoder = LinearDecoder.of(codebook);
    distortion = new Distortion(codebook.dimension());
    codes = new byte[batchVectors * codebook.codeBytes()];
    decoded = new float[batchVectors * codebook.dimension()];
  }

  /** Codes and decodes the first {@code n} vectors of {@code batch}. */
  void add(float[] batch, int n) {
    encoder.encode(batch, 0, codes, 0, n);
    decoder.decode(codes, 0, decoded, 0, n);
    distortion.add(batch, 0, decoded, 0, n);
  }

  /** The last batch's codes, from the start. */
  byte[] codes() {
    return codes;
  }

  /** The last batch's decoded vectors, from the start. */
  float[] decoded() {
    return decoded;
  }

  /** The distortion of every vector added so far. */
  Distortion distortion() {
    return distortion;
  }
}
