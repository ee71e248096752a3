package io.signcodec.cli;

import io.signcodec.core.vectors.VectorReader;
import io.signcodec.core.vectors.VectorSource;
import java.io.IOException;

/** The first {@code max} vectors of a source ({@code --max-vectors}). */
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

  /** {@code source} limited to {@code max} vectors, or {@code source} itself if max is null. */
  static VectorSource of(VectorSource source, Long max) {
    return max == null ? source : new LimitedSource(source, max);
  }

  @Override
  public int dimension() {
    return source.dimension();
  }

  @Override
  public VectorReader open() throws IOException {
    VectorReader reader = source.open();
    return new VectorReader() {
      private long left = max;

      @Override
      public int dimension() {
        return reader.dimension();
      }

      @Override
      public int read(float[] dst, int dstOffset, int maxVectors) throws IOException {
        if (maxVectors == 0) {
          return reader.read(dst, dstOffset, 0);
        }
        if (left == 0) {
          return -1;
        }
        int n = reader.read(dst, dstOffset, (int) Math.min(maxVectors, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }
}
