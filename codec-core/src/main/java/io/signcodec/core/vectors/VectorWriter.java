package io.signcodec.core.vectors;

import java.io.Closeable;
import java.io.IOException;

/**
 * Writes float vectors of one dimension to a vector file, a batch at a time. Closing the writer
 * finishes the file and closes the stream it writes to.
 */
public interface VectorWriter extends Closeable {

  /** Dimension of every vector this writer accepts. */
  int dimension();

  /** Number of vectors written so far. */
  long written();

  /**
   * Writes {@code count} vectors stored row-major in {@code src} from {@code srcOffset}.
   *
   * @throws IndexOutOfBoundsException if the array does not hold {@code count} vectors there
   * @throws IllegalStateException if the writer is closed
   */
  void write(float[] src, int srcOffset, int count) throws IOException;
}
