package io.signcodec.core.vectors;

import io.signcodec.core.MalformedInputException;
import io.signcodec.core.VectorReader;
import io.signcodec.core.VectorSource;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A vector file as a {@link VectorSource}: every {@link #open()} opens the file anew, so the source
 * can be read any number of times and holds no file handle between passes.
 */
final class FileVectorSource implements VectorSource {
  private final Path path;
  private final VectorFormat format;
  private final VectorFileOptions options;
  private final int dimension;

  /** Opens the file once to learn (and validate) its dimension. */
  FileVectorSource(Path path, VectorFormat format, VectorFileOptions options) throws IOException {
    this.path = path;
    this.format = format;
    this.options = options;
    try (VectorReader reader = VectorFiles.openReader(path, format, options)) {
      this.dimension = reader.dimension();
    }
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public VectorReader open() throws IOException {
    VectorReader reader = VectorFiles.openReader(path, format, options);
    if (reader.dimension() != dimension) {
      int now = reader.dimension();
      reader.close();
      throw new MalformedInputException(
          VectorFiles.displayName(path)
              + ": dimension is now "
              + now
              + ", but was "
              + dimension
              + " when the source was opened; the file changed",
          -1);
    }
    return reader;
  }

  @Override
  public String toString() {
    return "VectorSource[" + path + ", " + format + ", dimension " + dimension + "]";
  }
}
