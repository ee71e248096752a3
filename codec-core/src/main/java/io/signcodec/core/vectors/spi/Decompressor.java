package io.signcodec.core.vectors.spi;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes the compressions of vector-file input that the core recognises but does not decode itself
 * (bzip2, xz, zstd), so that the core depends on no compression library. Implementations are found
 * with {@link java.util.ServiceLoader}: {@code provides} in a module descriptor, or a {@code
 * META-INF/services/io.signcodec.core.vectors.spi.Decompressor} file on the classpath.
 *
 * <p>The core checks the magic number before it asks, wraps the source so that its own failures
 * pass through unchanged, and turns every other failure of the returned stream into a {@link
 * io.signcodec.core.MalformedInputException} naming the input; implementations need not translate
 * anything.
 */
public interface Decompressor {

  /** The formats this provider decodes (when {@link #missingDependency} is empty). */
  Set<CompressionFormat> formats();

  /**
   * What must be added to the classpath before this provider can decode {@code format}, as Maven
   * coordinates such as {@code org.tukaani:xz}; empty if it can decode it now.
   */
  Optional<String> missingDependency(CompressionFormat format);

  /**
   * The decompressed bytes of {@code in}, which starts with the magic number of {@code format}. The
   * returned stream owns {@code in}.
   *
   * @param memoryLimitKib the most memory, in KiB, a decoder that declares its needs (xz) may ask
   *     for: {@link io.signcodec.core.Caps#DECOMPRESSION_MEMORY_LIMIT_KIB}
   */
  InputStream decompress(CompressionFormat format, InputStream in, int memoryLimitKib)
      throws IOException;
}
