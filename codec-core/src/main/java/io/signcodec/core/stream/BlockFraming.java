package io.signcodec.core.stream;

import io.signcodec.core.Caps;
import io.signcodec.core.ChecksumMismatchException;
import io.signcodec.core.MalformedInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The blocks and the end marker of a container (docs/FORMAT.md §3), on plain byte arrays and
 * buffers: the one implementation that the stream writer and reader, the Commons Compress streams
 * and the Netty handlers share, so that the format lives in one place. It sizes, seals and checks
 * frames; where the bytes come from and go to, and how errors are reported to a framework, is the
 * caller's.
 *
 * <pre>
 * block       count c (uint32, 1..maxBlockVectors) | c codes | CRC32C of count and codes
 * end marker  0 (uint32) | total vectors (uint64) | CRC32C of those 12 bytes
 * </pre>
 *
 * <p>Errors are the core's {@link MalformedInputException} types with the block index and the byte
 * offset: {@link BlockTooLargeException} for a count above the cap (before anything is allocated
 * for it), {@link ChecksumMismatchException} for a damaged block or end marker.
 *
 * <p>Not thread-safe: it keeps a checksum. One per stream.
 */
public final class BlockFraming {
  /** Bytes of a block's count field. */
  public static final int COUNT_BYTES = 4;

  /** Bytes a block adds to its codes: the count and the checksum. */
  public static final int BLOCK_OVERHEAD = 8;

  private final int codeBytes;
  private final int maxBlockVectors;
  private final CRC32C crc = new CRC32C();

  /** Framing for codes of {@code codeBytes} bytes with the format's block cap. */
  public BlockFraming(int codeBytes) {
    this(codeBytes, Caps.maxBlockVectors(codeBytes));
  }

  /**
   * Framing for codes of {@code codeBytes} bytes that accepts blocks of at most {@code
   * maxBlockVectors} vectors (at most the format's cap).
   */
  public BlockFraming(int codeBytes, int maxBlockVectors) {
    if (codeBytes < 1) {
      throw new IllegalArgumentException("codeBytes: " + codeBytes + " (expected: >= 1)");
    }
    int max = Caps.maxBlockVectors(codeBytes);
    if (maxBlockVectors < 1 || maxBlockVectors > max) {
      throw new IllegalArgumentException(
          "maxBlockVectors: " + maxBlockVectors + " (expected: 1-" + max + ")");
    }
    this.codeBytes = codeBytes;
    this.maxBlockVectors = maxBlockVectors;
  }

  /** Bytes per code. */
  public int codeBytes() {
    return codeBytes;
  }

  /** Most vectors a block may hold. */
  public int maxBlockVectors() {
    return maxBlockVectors;
  }

  /** Bytes of a block of {@code count} vectors, count and checksum included. */
  public long blockBytes(long count) {
    return BLOCK_OVERHEAD + count * codeBytes;
  }

  /** Bytes of the largest block this framing accepts. */
  public int maxBlockBytes() {
    return Math.toIntExact(blockBytes(maxBlockVectors));
  }

  /**
   * Seals a block whose {@code count} codes are already at {@code b[off + 4 ..]}: writes the count
   * before them and the checksum after them. Returns the block's length.
   */
  public int sealBlock(byte[] b, int off, int count) {
    if (count < 1 || count > maxBlockVectors) {
      throw new IllegalArgumentException(
          "count: " + count + " (expected: 1-" + maxBlockVectors + ")");
    }
    int len = COUNT_BYTES + count * codeBytes;
    putIntLe(b, off, count);
    crc.reset();
    crc.update(b, off, len);
    putIntLe(b, off + len, (int) crc.getValue());
    return len + 4;
  }

  /** The 16 bytes of an end marker for a stream of {@code total} vectors. */
  public byte[] endMarker(long total) {
    byte[] end = new byte[StreamFormat.END_BYTES];
    putIntLe(end, 4, (int) total);
    putIntLe(end, 8, (int) (total >>> 32));
    crc.reset();
    crc.update(end, 0, 12);
    putIntLe(end, 12, (int) crc.getValue());
    return end;
  }

  /**
   * Checks a block's count field, read as an unsigned 32-bit value; 0 is the end marker.
   *
   * @return the count, 0 to {@link #maxBlockVectors()}
   * @throws BlockTooLargeException if it is above the cap
   */
  public int checkCount(long count, long blockIndex, long offset) throws BlockTooLargeException {
    if (count > maxBlockVectors) {
      throw new BlockTooLargeException(
          String.format(
              "block %d declares %d vectors, %d bytes (expected: 1-%d vectors, at most %d bytes)",
              blockIndex, count, blockBytes(count), maxBlockVectors, maxBlockBytes()),
          offset);
    }
    return (int) count;
  }

  /**
   * Checks the checksum of a whole block: {@code block} holds its count, codes and checksum between
   * its position and limit (neither is moved).
   */
  public void checkBlock(ByteBuffer block, long blockIndex, long offset)
      throws ChecksumMismatchException {
    int len = block.remaining() - 4;
    ByteBuffer body = block.duplicate();
    body.limit(body.position() + len);
    crc.reset();
    crc.update(body);
    int stored = block.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(block.position() + len);
    if (stored != (int) crc.getValue()) {
      throw new ChecksumMismatchException(
          String.format(
              "block %d is corrupt: stored CRC32C %08x, computed %08x",
              blockIndex, stored, (int) crc.getValue()),
          offset);
    }
  }

  /**
   * Checks an end marker: {@code end} holds its 16 bytes from its position (not moved), after
   * {@code blocks} blocks holding {@code vectors} vectors in all.
   */
  public void checkEnd(ByteBuffer end, long blocks, long vectors, long offset)
      throws MalformedInputException {
    ByteBuffer e = end.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int at = e.position();
    ByteBuffer body = e.duplicate();
    body.limit(at + 12);
    crc.reset();
    crc.update(body);
    if (e.getInt(at + 12) != (int) crc.getValue()) {
      throw new ChecksumMismatchException(
          "end marker " + after(blocks) + " is corrupt (CRC32C mismatch)", offset);
    }
    long total = e.getLong(at + 4);
    if (total != vectors) {
      throw new MalformedInputException(
          "end marker counts " + total + " vectors, the blocks held " + vectors, offset + 4);
    }
  }

  /** "after block 3", or "before any block": where in a stream something came. */
  public static String after(long blocks) {
    return blocks == 0 ? "before any block" : "after block " + (blocks - 1);
  }

  static void putIntLe(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }
}
