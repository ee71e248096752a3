package io.signcodec.core.train;

import io.signcodec.core.Codebook;
import io.signcodec.core.Distortion;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;

/** The distortion a codebook gives the vectors: each is encoded, decoded and measured. */
final class DistortionAccumulator implements PassAccumulator<DistortionAccumulator> {
  private static final long serialVersionUID = 1L;

  private final Distortion distortion;
  private final transient Codebook codebook;
  private transient SignEncoder encoder;
  private transient LinearDecoder decoder;
  private transient byte[] codes;
  private transient float[] decoded;

  DistortionAccumulator(Codebook codebook) {
    this.codebook = codebook;
    this.distortion = new Distortion(codebook.dimension());
  }

  Distortion distortion() {
    return distortion;
  }

  @Override
  public void add(float[] vectors, int offset, int count) {
    if (codebook == null) {
      throw new IllegalStateException("a distortion accumulator that was serialized only merges");
    }
    int d = codebook.dimension();
    io.signcodec.core.internal.Checks.checkRange("vectors", vectors.length, offset, count, d);
    if (encoder == null) {
      encoder = SignEncoder.of(codebook);
      decoder = LinearDecoder.of(codebook);
    }
    if (decoded == null || decoded.length < count * d) {
      codes = new byte[count * codebook.codeBytes()];
      decoded = new float[count * d];
    }
    encoder.encode(vectors, offset, codes, 0, count);
    decoder.decode(codes, 0, decoded, 0, count);
    distortion.add(vectors, offset, decoded, 0, count);
  }

  @Override
  public void merge(DistortionAccumulator other) {
    distortion.merge(other.distortion);
  }

  @Override
  public long count() {
    return distortion.count();
  }
}
