package io.signcodec.core.train;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;

/**
 * Feeds another accumulator the residuals {@code x − x̂} that a partial codebook leaves on the
 * vectors: what the next stage of a staged codebook learns from.
 *
 * @param <A> the accumulator fed
 */
final class ResidualAccumulator<A extends PassAccumulator<A>>
    implements PassAccumulator<ResidualAccumulator<A>> {
  private static final long serialVersionUID = 1L;

  private final A inner;
  private final transient Codebook partial;
  private transient SignEncoder encoder;
  private transient LinearDecoder decoder;
  private transient byte[] codes;
  private transient float[] residuals;

  ResidualAccumulator(Codebook partial, A inner) {
    this.partial = partial;
    this.inner = inner;
  }

  A inner() {
    return inner;
  }

  @Override
  public void add(float[] vectors, int offset, int count) {
    if (partial == null) {
      throw new IllegalStateException("a residual accumulator that was serialized only merges");
    }
    int d = partial.dimension();
    io.signcodec.core.internal.Checks.checkRange("vectors", vectors.length, offset, count, d);
    if (encoder == null) {
      encoder = SignEncoder.of(partial);
      decoder = LinearDecoder.of(partial);
    }
    if (residuals == null || residuals.length < count * d) {
      codes = new byte[count * partial.codeBytes()];
      residuals = new float[count * d];
    }
    encoder.encode(vectors, offset, codes, 0, count);
    decoder.decode(codes, 0, residuals, 0, count);
    for (int i = 0; i < count * d; i++) {
      residuals[i] = vectors[offset + i] - residuals[i];
    }
    inner.add(residuals, 0, count);
  }

  @Override
  public void merge(ResidualAccumulator<A> other) {
    inner.merge(other.inner);
  }

  @Override
  public long count() {
    return inner.count();
  }
}
