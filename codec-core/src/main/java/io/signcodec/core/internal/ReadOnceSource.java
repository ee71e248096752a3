package io.signcodec.core.internal;

import io.signcodec.core.VectorReader;
import io.signcodec.core.VectorSource;

/**
 * An open reader as a source that can be opened once: {@link VectorSource#readOnce}. The reader is
 * opened by the caller, so that its dimension is known, and handed to the first {@link #open()}.
 */
public final class ReadOnceSource implements VectorSource {
  private final String name;
  private final int dimension;
  private VectorReader reader;

  public ReadOnceSource(VectorReader reader, String name) {
    this.reader = reader;
    this.name = name;
    this.dimension = reader.dimension();
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public synchronized VectorReader open() {
    if (reader == null) {
      throw new IllegalStateException(name + " can be read only once");
    }
    VectorReader first = reader;
    reader = null;
    return first;
  }
}
