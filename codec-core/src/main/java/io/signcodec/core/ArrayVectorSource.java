package io.signcodec.core;

/** A {@link VectorSource} over vectors already in memory. */
final class ArrayVectorSource implements VectorSource {
  private final float[] vectors;
  private final int first;
  private final int count;
  private final int dimension;

  ArrayVectorSource(float[] vectors, int first, int count, int dimension) {
    this.vectors = vectors;
    this.first = first;
    this.count = count;
    this.dimension = dimension;
  }

  @Override
  public int dimension() {
    return dimension;
  }

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
        if (maxVectors < 0 || dstOffset < 0
            || dstOffset + (long) maxVectors * dimension > dst.length) {
          throw new IndexOutOfBoundsException("cannot read " + maxVectors + " vectors of dimension "
              + dimension + " into an array of length " + dst.length + " at offset " + dstOffset);
        }
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
