package io.signcodec.core.internal;

import io.signcodec.core.ForwardingVectorReader;
import io.signcodec.core.VectorReader;
import io.signcodec.core.VectorSource;
import java.io.IOException;

/** The first {@code max} vectors of a reader: {@link VectorSource#limit}. */
public final class LimitedReader extends ForwardingVectorReader {
  private long left;

  public LimitedReader(VectorReader reader, long max) {
    super(reader);
    this.left = max;
  }

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
}
