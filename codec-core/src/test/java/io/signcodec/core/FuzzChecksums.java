package io.signcodec.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Rewrites the CRC32C fields of fuzzed codebooks and container streams so that they match the bytes
 * they cover. A coverage-guided fuzzer seldom guesses a checksum, so a target that reads an input
 * as it came and again with its checksums made consistent reaches, in the second read, the checks
 * behind them: sizes, counts, values, the end marker.
 */
public final class FuzzChecksums {
  private FuzzChecksums() {}

  /** The CRC32C of {@code len} bytes of {@code b} from {@code off}. */
  public static int crc(byte[] b, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(b, off, len);
    return (int) crc.getValue();
  }

  private static void putCrc(byte[] b, int at, int from) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, crc(b, from, at - from));
  }

  /**
   * A copy of {@code input} read as one codebook: the header checksum of versions 4 to 6 (bytes
   * 56..59) and the trailing checksum (the last 4 bytes, over all before them) rewritten; null if
   * the input is too short to have both.
   */
  public static byte[] codebook(byte[] input) {
    if (input.length < 64) {
      return null;
    }
    byte[] b = input.clone();
    if (b[8] >= 4 && b[8] <= 6 && b[9] == 0) {
      putCrc(b, 56, 0);
    }
    putCrc(b, b.length - 4, 0);
    return b;
  }

  /**
   * A copy of {@code input} read as a container stream (docs/FORMAT.md §3): the header checksum,
   * and that of every block and of the end marker as far as the counts lead, rewritten, the code
   * length taken from the header's bit count; null if the input is shorter than a header.
   */
  public static byte[] stream(byte[] input) {
    if (input.length < 32) {
      return null;
    }
    byte[] b = input.clone();
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    putCrc(b, 28, 0);
    long codeBytes = (Integer.toUnsignedLong(buf.getInt(16)) + 7) / 8;
    int p = 32;
    while (p + 4 <= b.length) {
      long count = Integer.toUnsignedLong(buf.getInt(p));
      if (count == 0) {
        if (p + 16 <= b.length) {
          putCrc(b, p + 12, p);
        }
        break;
      }
      long crcAt = p + 4 + count * codeBytes;
      if (crcAt + 4 > b.length) {
        break;
      }
      putCrc(b, (int) crcAt, p);
      p = (int) crcAt + 4;
    }
    return b;
  }
}
