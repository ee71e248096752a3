package io.signcodec.core.internal;

import io.signcodec.core.VectorReader;
import io.signcodec.core.VectorSource;

/**
 * A {@link VectorSource} over vectors already in memory: {@code count} vectors of {@code dimension}
 * floats, row-major from vector {@code first} of {@code vectors} (not copied).
 */
public record ArrayVectorSource(float[] vectors, int first, int count, int dimension)
    implements VectorSource {
  @Override
  public VectorReader open() {
    return new VectorReader() {
      private int next = first;

      @Override
      public int dimension() {
        return dimension;
      }

      @Override
      public int read(float[] dst, int dstOffset, int maxVectors) {
        Checks.checkTransfer(true, dst.length, dstOffset, maxVectors, dimension);
        int end = first + count;
        if (next >= end) {
          return maxVectors == 0 ? 0 : -1;
        }
        int n = Math.min(maxVectors, end - next);
        System.arraycopy(vectors, next * dimension, dst, dstOffset, n * dimension);
        next += n;
        return n;
      }

      @Override
      public void close() {
        // nothing held
      }
    };
  }
}
