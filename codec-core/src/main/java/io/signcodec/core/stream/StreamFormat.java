package io.signcodec.core.stream;

import java.nio.charset.StandardCharsets;

/**
 * Constants of the container format, version 1 (docs/FORMAT.md §3). Little-endian throughout.
 *
 * <pre>
 * header (32 bytes)
 *   0   8  magic "SGNCSTRM"
 *   8   2  version (1)
 *  10   2  reserved, 0
 *  12   4  d
 *  16   4  n
 *  20   8  codebook fingerprint, its 8 bytes in hex order
 *  28   4  CRC32C of bytes 0..27
 * block
 *   0   4  vector count c (1..maxBlockVectors(n))
 *   4  c·⌈n/8⌉  codes
 *   …   4  CRC32C of the count field and the codes
 * end marker
 *   0   4  0
 *   4   8  total vectors in the stream
 *  12   4  CRC32C of the 12 bytes before it
 * </pre>
 */
public final class StreamFormat {
  private static final byte[] MAGIC = "SGNCSTRM".getBytes(StandardCharsets.US_ASCII);

  /** Bytes of the magic number that opens a stream. */
  public static final int MAGIC_BYTES = MAGIC.length;

  public static final int VERSION = 1;
  public static final int HEADER_BYTES = 32;

  /** Vectors per block a writer uses unless told otherwise. */
  public static final int DEFAULT_BLOCK_VECTORS = 4096;

  /** Bytes of the end marker. */
  public static final int END_BYTES = 16;

  private StreamFormat() {}

  /** The magic number that opens a stream, {@code "SGNCSTRM"} in ASCII: a new array each call. */
  public static byte[] magic() {
    return MAGIC.clone();
  }

  /**
   * The first of the first {@code min(length, MAGIC_BYTES)} bytes of {@code b} that differs from
   * the magic number, or -1 if none does (so a prefix of the magic matches).
   */
  public static int magicMismatch(byte[] b, int length) {
    for (int i = 0; i < Math.min(length, MAGIC.length); i++) {
      if (b[i] != MAGIC[i]) {
        return i;
      }
    }
    return -1;
  }

  /** Byte {@code i} of the magic number, {@code 0 <= i < MAGIC_BYTES}. */
  public static byte magicByte(int i) {
    return MAGIC[i];
  }
}
