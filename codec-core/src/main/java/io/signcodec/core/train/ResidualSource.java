package io.signcodec.core.train;

import io.signcodec.core.Codebook;
import io.signcodec.core.ForwardingVectorReader;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.VectorReader;
import io.signcodec.core.VectorSource;
import java.io.IOException;

/**
 * The residuals {@code x − x̂} that a (partial) codebook leaves on the vectors of a source: what
 * the next stage of a multi-stage codebook learns to code.
 */
final class ResidualSource implements VectorSource {
  private final VectorSource source;
  private final Codebook codebook;

  ResidualSource(VectorSource source, Codebook codebook) {
    this.source = source;
    this.codebook = codebook;
  }

  @Override
  public int dimension() {
    return source.dimension();
  }

  @Override
  public VectorReader open() throws IOException {
    SignEncoder encoder = SignEncoder.of(codebook);
    LinearDecoder decoder = LinearDecoder.of(codebook);
    int d = codebook.dimension();
    return new ForwardingVectorReader(source.open()) {
      private byte[] codes = new byte[0];
      private float[] decoded = new float[0];

      @Override
      public int read(float[] dst, int dstOffset, int maxVectors) throws IOException {
        int m = super.read(dst, dstOffset, maxVectors);
        if (m <= 0) {
          return m;
        }
        if (decoded.length < m * d) {
          codes = new byte[m * codebook.codeBytes()];
          decoded = new float[m * d];
        }
        encoder.encode(dst, dstOffset, codes, 0, m);
        decoder.decode(codes, 0, decoded, 0, m);
        for (int i = 0; i < m * d; i++) {
          dst[dstOffset + i] -= decoded[i];
        }
        return m;
      }
    };
  }
}
