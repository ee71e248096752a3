package io.signcodec.core.vectors;

import io.signcodec.core.Caps;
import io.signcodec.core.vectors.spi.CompressionFormat;
import io.signcodec.core.vectors.spi.Decompressor;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.zip.GZIPInputStream;

/**
 * Recognises gzip, bzip2, xz and zstd input by its magic number and decompresses it: gzip with the
 * JDK, the others through a {@link Decompressor} found with {@link ServiceLoader}.
 *
 * <p>Only these four are recognised. Formats with weak signatures (zlib's two bytes, Unix compress,
 * LZMA, ...) are never looked for, since a vector file can start with them by accident: an {@code
 * .fvecs} row of dimension 40056 begins with the bytes of a zlib header.
 */
final class Compression {
  private Compression() {}

  private static final byte[] GZIP = {0x1f, (byte) 0x8b};
  private static final byte[] BZIP2 = {'B', 'Z', 'h'};
  private static final byte[] XZ = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
  private static final byte[] ZSTD = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};

  /** A zstd skippable frame: 0x184D2A50 to 0x184D2A5F, little-endian. */
  private static final byte[] ZSTD_SKIPPABLE_TAIL = {0x2a, 0x4d, 0x18};

  private static final int SIGNATURE_BYTES = 6;

  /** The Maven coordinates of the module that decodes bzip2, xz and zstd. */
  static final String PROVIDER_MODULE = "io.signcodec:codec-compress";

  /**
   * The compression {@code in} starts with, or null if none of the four. Reads the signature with
   * mark/reset, so nothing is consumed.
   */
  static CompressionFormat detect(BufferedInputStream in) throws IOException {
    byte[] b = new byte[SIGNATURE_BYTES];
    in.mark(SIGNATURE_BYTES);
    int n = in.readNBytes(b, 0, SIGNATURE_BYTES);
    in.reset();
    if (startsWith(b, n, GZIP)) {
      return CompressionFormat.GZIP;
    }
    if (startsWith(b, n, BZIP2)) {
      return CompressionFormat.BZIP2;
    }
    if (startsWith(b, n, XZ)) {
      return CompressionFormat.XZ;
    }
    if (startsWith(b, n, ZSTD)
        || (n >= 4 && (b[0] & 0xf0) == 0x50 && Arrays.equals(b, 1, 4, ZSTD_SKIPPABLE_TAIL, 0, 3))) {
      return CompressionFormat.ZSTD;
    }
    return null;
  }

  private static boolean startsWith(byte[] b, int length, byte[] magic) {
    return length >= magic.length && Arrays.equals(b, 0, magic.length, magic, 0, magic.length);
  }

  /**
   * The decompressed bytes of {@code in}, compressed as {@code format} (from {@link #detect}); its
   * source must be {@linkplain SourceGuard#guard(InputStream) guarded} by {@code guard}.
   *
   * @throws IOException saying which library to add if no provider on the classpath decodes it
   */
  static InputStream decompress(
      BufferedInputStream in, CompressionFormat format, SourceGuard guard, String name)
      throws IOException {
    String label = format.label() + "-compressed";
    Decompressor provider = format == CompressionFormat.GZIP ? null : provider(format, name);
    InputStream decoder;
    try {
      decoder =
          provider == null
              ? new GZIPInputStream(new UnendingAvailable(in), 1 << 16)
              : provider.decompress(format, in, Caps.DECOMPRESSION_MEMORY_LIMIT_KIB);
    } catch (IOException | RuntimeException e) {
      throw guard.translate(e, name, label, 0);
    }
    return guard.translating(decoder, name, label);
  }

  /**
   * The first provider that decodes {@code format} now.
   *
   * @throws IOException (of that class, not a malformed-input one) naming what to add to the
   *     classpath: a provider's missing library, or the provider module itself
   */
  private static Decompressor provider(CompressionFormat format, String name) throws IOException {
    String missing = PROVIDER_MODULE;
    for (Decompressor d : Providers.ALL) {
      if (d.formats().contains(format)) {
        Optional<String> dependency = d.missingDependency(format);
        if (dependency.isEmpty()) {
          return d;
        }
        missing = dependency.get();
      }
    }
    throw new IOException(
        Messages.prefix(name)
            + "input is "
            + format.label()
            + "-compressed; reading "
            + format.label()
            + " needs "
            + missing
            + " on the classpath "
            + "(or decompress the file first)");
  }

  /** The decompressors on the classpath or module path, looked up once. */
  private static final class Providers {
    static final List<Decompressor> ALL = load();

    private static List<Decompressor> load() {
      List<Decompressor> found = new ArrayList<>();
      ClassLoader loader = Compression.class.getClassLoader();
      ServiceLoader.load(Decompressor.class, loader).forEach(found::add);
      return List.copyOf(found);
    }
  }

  /**
   * The JDK's gzip stream reads the member after a trailer only if {@code available()} says more
   * bytes are there, which a pipe may not say yet; claiming one more byte makes it always look, and
   * at the true end it finds none and stops.
   */
  private static final class UnendingAvailable extends FilterInputStream {
    UnendingAvailable(InputStream in) {
      super(in);
    }

    @Override
    public int available() throws IOException {
      return Math.max(1, in.available());
    }
  }
}
