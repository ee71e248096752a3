package io.signcodec.core.vectors.spi;

/**
 * A compression that vector-file input may be in, recognised by its magic number. The core decodes
 * gzip itself; the others need a {@link Decompressor} on the classpath, such as the one in {@code
 * io.signcodec:codec-compress}.
 */
public enum CompressionFormat {
  GZIP("gzip"),
  BZIP2("bzip2"),
  XZ("xz"),
  ZSTD("zstd");

  private final String label;

  CompressionFormat(String label) {
    this.label = label;
  }

  /** The short name messages use: {@code gzip}, {@code bzip2}, {@code xz} or {@code zstd}. */
  public String label() {
    return label;
  }
}
