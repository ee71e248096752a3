package io.signcodec.core.train;

import io.signcodec.core.Codebook;

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
  private transient Reconstruction reconstruction;
  private transient float[] residuals = new float[0];

  ResidualAccumulator(Codebook partial, A inner) {
    this.partial = partial;
    this.inner = inner;
  }

  A inner() {
    return inner;
  }

  @Override
  public void add(float[] vectors, int offset, int count) {
    reconstruction = Reconstruction.ensure(reconstruction, partial, "residual");
    int d = partial.dimension();
    float[] decoded = reconstruction.reconstruct(vectors, offset, count);
    if (residuals.length < count * d) {
      residuals = new float[count * d];
    }
    for (int i = 0; i < count * d; i++) {
      residuals[i] = vectors[offset + i] - decoded[i];
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
