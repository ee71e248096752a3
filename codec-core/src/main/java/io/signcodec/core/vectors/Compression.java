package io.signcodec.core.vectors;

import io.signcodec.core.Caps;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorInputStream;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.apache.commons.compress.compressors.xz.XZUtils;
import org.apache.commons.compress.compressors.zstandard.ZstdUtils;

/**
 * Recognises gzip, bzip2, xz and zstd input by its magic number and decompresses it.
 *
 * <p>Only these four are recognised. Commons Compress also detects formats with weak signatures
 * (zlib's two bytes, Unix compress, LZMA, ...) that a vector file can start with by accident: an
 * {@code .fvecs} row of dimension 40056 begins with the bytes of a zlib header. Those detections
 * are ignored and the input is read as it is.
 */
final class Compression {
  private Compression() {}

  private static final CompressorStreamFactory FACTORY =
      new CompressorStreamFactory(true, Caps.DECOMPRESSION_MEMORY_LIMIT_KIB);

  /**
   * The Commons Compress name of the compression {@code in} starts with ({@code "gz"},
   * {@code "bzip2"}, {@code "xz"} or {@code "zstd"}), or null if it starts with none of them. Reads
   * the signature with mark/reset, so nothing is consumed.
   */
  static String detect(BufferedInputStream in) throws IOException {
    String type;
    try {
      type = CompressorStreamFactory.detect(in);
    } catch (CompressorException e) {
      if (e.getCause() instanceof IOException) {
        throw (IOException) e.getCause(); // the source failed while the signature was read
      }
      return null; // no known signature
    }
    switch (type) {
      case CompressorStreamFactory.GZIP:
      case CompressorStreamFactory.BZIP2:
      case CompressorStreamFactory.XZ:
      case CompressorStreamFactory.ZSTANDARD:
        return type;
      default:
        return null;
    }
  }

  /**
   * The decompressed bytes of {@code in}, compressed as {@code type} (from {@link #detect}); its
   * source must be {@linkplain SourceGuard#guard(InputStream) guarded} by {@code guard}.
   *
   * @throws IOException saying which library to add if xz or zstd support is not on the classpath
   */
  static InputStream decompress(BufferedInputStream in, String type, SourceGuard guard,
      String name) throws IOException {
    String label = label(type);
    if (type.equals(CompressorStreamFactory.ZSTANDARD) && !ZstdUtils.isZstdCompressionAvailable()) {
      throw new IOException(Messages.prefix(name) + "input is zstd-compressed; reading zstd needs "
          + "com.github.luben:zstd-jni on the classpath (or decompress the file first)");
    }
    if (type.equals(CompressorStreamFactory.XZ) && !XZUtils.isXZCompressionAvailable()) {
      throw new IOException(Messages.prefix(name) + "input is xz-compressed; reading xz needs "
          + "org.tukaani:xz on the classpath (or decompress the file first)");
    }
    CompressorInputStream decoder;
    try {
      decoder = FACTORY.createCompressorInputStream(type, in);
    } catch (CompressorException | RuntimeException e) {
      throw guard.translate(e, name, label, 0);
    }
    return guard.translating(decoder, name, label);
  }

  private static String label(String type) {
    switch (type) {
      case CompressorStreamFactory.GZIP:
        return "gzip-compressed";
      case CompressorStreamFactory.BZIP2:
        return "bzip2-compressed";
      case CompressorStreamFactory.XZ:
        return "xz-compressed";
      default:
        return "zstd-compressed";
    }
  }
}
