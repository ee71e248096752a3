package io.signcodec.core;

import java.io.IOException;

/** The first {@code max} vectors of a source: {@link VectorSource#limit}. */
final class LimitedSource implements VectorSource {
  private final VectorSource source;
  private final long max;

  LimitedSource(VectorSource source, long max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0: " + max);
    }
    this.source = source;
    this.max = max;
  }

  @Override
  public int dimension() {
    return source.dimension();
  }

  @Override
  public VectorReader open() throws IOException {
    return new ForwardingVectorReader(source.open()) {
      private long left = max;

      @Override
      public int read(float[] dst, int dstOffset, int maxVectors) throws IOException {
        if (maxVectors == 0) {
          return super.read(dst, dstOffset, 0);
        }
        if (left == 0) {
          return -1;
        }
        int n = super.read(dst, dstOffset, (int) Math.min(maxVectors, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
    };
  }
}
