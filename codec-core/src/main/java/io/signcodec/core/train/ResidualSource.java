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
  private final VectorSource residuals;

  ResidualSource(VectorSource source, Codebook codebook) {
    this.residuals = source.map(reader -> new ResidualReader(reader, codebook));
  }

  @Override
  public int dimension() {
    return residuals.dimension();
  }

  @Override
  public VectorReader open() throws IOException {
    return residuals.open();
  }

  /** Replaces each vector read with its residual under the codebook. */
  private static final class ResidualReader extends ForwardingVectorReader {
    private final Codebook codebook;
    private final SignEncoder encoder;
    private final LinearDecoder decoder;
    private byte[] codes = new byte[0];
    private float[] decoded = new float[0];

    ResidualReader(VectorReader reader, Codebook codebook) {
      super(reader);
      this.codebook = codebook;
      this.encoder = SignEncoder.of(codebook);
      this.decoder = LinearDecoder.of(codebook);
    }

    @Override
    public int read(float[] dst, int dstOffset, int maxVectors) throws IOException {
      int m = super.read(dst, dstOffset, maxVectors);
      if (m <= 0) {
        return m;
      }
      int d = codebook.dimension();
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
  }
}
