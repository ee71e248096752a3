package io.signcodec.core.train;

import io.signcodec.core.Codebook;
import io.signcodec.core.Distortion;

/** The distortion a codebook gives the vectors: each is encoded, decoded and measured. */
final class DistortionAccumulator implements PassAccumulator<DistortionAccumulator> {
  private static final long serialVersionUID = 1L;

  private final Distortion distortion;
  private final transient Codebook codebook;
  private transient Reconstruction reconstruction;

  DistortionAccumulator(Codebook codebook) {
    this.codebook = codebook;
    this.distortion = new Distortion(codebook.dimension());
  }

  Distortion distortion() {
    return distortion;
  }

  @Override
  public void add(float[] vectors, int offset, int count) {
    reconstruction = Reconstruction.ensure(reconstruction, codebook, "distortion");
    distortion.add(vectors, offset, reconstruction.reconstruct(vectors, offset, count), 0, count);
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
