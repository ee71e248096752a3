package io.signcodec.core;

import java.io.IOException;
import java.util.Objects;

/**
 * A reader that passes every call to another reader: the base of readers that change what another
 * yields (fewer vectors, residuals), which override {@link #read} and keep the dimension and {@link
 * #close()} of the one they wrap.
 */
public abstract class ForwardingVectorReader implements VectorReader {
  private final VectorReader delegate;

  /** Forwards to {@code delegate}, which this reader owns: closing it closes the delegate. */
  protected ForwardingVectorReader(VectorReader delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public int read(float[] dst, int dstOffset, int maxVectors) throws IOException {
    return delegate.read(dst, dstOffset, maxVectors);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
