package io.signcodec.compress;

import io.signcodec.core.vectors.spi.CompressionFormat;
import io.signcodec.core.vectors.spi.Decompressor;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.apache.commons.compress.compressors.xz.XZUtils;
import org.apache.commons.compress.compressors.zstandard.ZstdUtils;

/**
 * bzip2, xz and zstd vector-file input for the core, decoded by Commons Compress; concatenated
 * streams are read as one. xz and zstd need Commons Compress's optional libraries ({@code
 * org.tukaani:xz}, {@code com.github.luben:zstd-jni}), which this provider names when they are
 * missing.
 */
public final class CommonsCompressDecompressor implements Decompressor {
  /** Made by the core, which finds the provider with {@code ServiceLoader}. */
  public CommonsCompressDecompressor() {}

  @Override
  public Set<CompressionFormat> formats() {
    return EnumSet.of(CompressionFormat.BZIP2, CompressionFormat.XZ, CompressionFormat.ZSTD);
  }

  @Override
  public Optional<String> missingDependency(CompressionFormat format) {
    switch (format) {
      case XZ:
        return XZUtils.isXZCompressionAvailable()
            ? Optional.empty()
            : Optional.of("org.tukaani:xz");
      case ZSTD:
        return ZstdUtils.isZstdCompressionAvailable()
            ? Optional.empty()
            : Optional.of("com.github.luben:zstd-jni");
      default:
        return Optional.empty();
    }
  }

  @Override
  public InputStream decompress(CompressionFormat format, InputStream in, int memoryLimitKib)
      throws IOException {
    CompressorStreamFactory factory = new CompressorStreamFactory(true, memoryLimitKib);
    try {
      return factory.createCompressorInputStream(name(format), in);
    } catch (CompressorException e) {
      throw new IOException(e.getMessage(), e.getCause() != null ? e.getCause() : e);
    }
  }

  private static String name(CompressionFormat format) {
    switch (format) {
      case BZIP2:
        return CompressorStreamFactory.BZIP2;
      case XZ:
        return CompressorStreamFactory.XZ;
      case ZSTD:
        return CompressorStreamFactory.ZSTANDARD;
      default:
        throw new IllegalArgumentException("not decoded here: " + format);
    }
  }
}
