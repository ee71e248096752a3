package io.signcodec.core;

import java.io.Closeable;
import java.io.IOException;

/** Reads float vectors of one dimension, a batch at a time, into arrays owned by the caller. */
public interface VectorReader extends Closeable {

  /** Dimension of every vector this reader yields. */
  int dimension();

  /**
   * Reads up to {@code maxVectors} vectors into {@code dst}, row-major from {@code dstOffset}.
   *
   * @return the number of vectors read, at least one unless {@code maxVectors} is zero, or {@code
   *     -1} at the end of the input
   * @throws io.signcodec.core.MalformedInputException if the input is corrupt or truncated; every
   *     vector returned before the exception was intact
   */
  int read(float[] dst, int dstOffset, int maxVectors) throws IOException;
}
