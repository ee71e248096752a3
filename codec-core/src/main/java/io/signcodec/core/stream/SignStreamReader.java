package io.signcodec.core.stream;

import io.signcodec.core.ChecksumMismatchException;
import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import io.signcodec.core.kernel.Checks;
import io.signcodec.core.vectors.VectorReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Reads a container stream (docs/FORMAT.md §3) as decoded vectors ({@link #read}) or as raw codes
 * ({@link #readCodes}). The constructor reads the header and refuses a stream written with another
 * codebook before anything is decoded.
 *
 * <p>A block is verified whole (count within the cap, every byte present, CRC32C) before any of
 * its vectors is handed out, so every vector returned is intact, and every block before a bad one
 * is delivered before the exception. Errors are {@link MalformedInputException}s that name the
 * block index and byte offset; once one is thrown, every later call throws it again. Memory is
 * one block (at most {@link StreamFormat#MAX_BLOCK_BYTES} of codes), allocated as blocks of that
 * size actually arrive.
 *
 * <p>After the end marker, reads return {@code -1} and the underlying stream is positioned just
 * past the marker. Not thread-safe.
 */
public final class SignStreamReader implements VectorReader {
  private final InputStream in;
  private final LinearDecoder decoder;
  private final StreamHeader header;
  private final int codeBytes;
  private final int maxBlockVectors;
  private final CRC32C crc = new CRC32C();
  private final byte[] head = new byte[12];
  private byte[] block = new byte[0];
  private int blockCount;
  private int blockNext;
  private long blockIndex;
  private long offset = StreamFormat.HEADER_BYTES;
  private long delivered;
  private boolean ended;
  private MalformedInputException failure;

  /**
   * Opens a stream, reading and checking its header.
   *
   * @throws CodebookMismatchException if the stream was written with another codebook
   */
  public SignStreamReader(InputStream in, Codebook codebook) throws IOException {
    this(in, LinearDecoder.of(codebook));
  }

  /**
   * Opens a stream that {@code decoder} (with its codebook and options) decodes, reading and
   * checking its header.
   *
   * @throws CodebookMismatchException if the stream was written with another codebook
   */
  public SignStreamReader(InputStream in, LinearDecoder decoder) throws IOException {
    this.in = Objects.requireNonNull(in, "in");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    Codebook codebook = decoder.codebook();
    this.header = StreamHeader.read(in);
    header.check(codebook);
    this.codeBytes = codebook.codeBytes();
    this.maxBlockVectors = StreamFormat.maxBlockVectors(codeBytes);
  }

  /** The stream's header. */
  public StreamHeader header() {
    return header;
  }

  @Override
  public int dimension() {
    return header.dimension();
  }

  /** Whether the end marker has been read. */
  public boolean complete() {
    return ended;
  }

  /** Vectors (or codes) handed out so far. */
  public long vectorsRead() {
    return delivered;
  }

  /** Decodes up to {@code maxVectors} vectors into {@code dst}; {@code -1} at the end. */
  @Override
  public int read(float[] dst, int dstOffset, int maxVectors) throws IOException {
    Checks.checkRange("dst", dst.length, dstOffset, maxVectors, header.dimension());
    int m = next(maxVectors);
    if (m > 0) {
      decoder.decode(block, 4 + blockNext * codeBytes, dst, dstOffset, m);
      blockNext += m;
      delivered += m;
    }
    return m;
  }

  /** Copies up to {@code maxCodes} raw codes into {@code dst}; {@code -1} at the end. */
  public int readCodes(byte[] dst, int dstOffset, int maxCodes) throws IOException {
    Checks.checkRange("dst", dst.length, dstOffset, maxCodes, codeBytes);
    int m = next(maxCodes);
    if (m > 0) {
      System.arraycopy(block, 4 + blockNext * codeBytes, dst, dstOffset, m * codeBytes);
      blockNext += m;
      delivered += m;
    }
    return m;
  }

  /** How many vectors of the current block can be handed out now, loading one if needed. */
  private int next(int max) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (max == 0) {
      return 0;
    }
    try {
      while (blockNext == blockCount) {
        if (ended || !loadBlock()) {
          return -1;
        }
      }
    } catch (MalformedInputException e) {
      failure = e;
      throw e;
    }
    return Math.min(max, blockCount - blockNext);
  }

  /** Loads the next block; false at the end marker. */
  private boolean loadBlock() throws IOException {
    long start = offset;
    int got = StreamIo.readUpTo(in, head, 0, 4);
    if (got < 4) {
      throw new TruncatedInputException(got == 0
          ? "stream ended after block " + (blockIndex - 1) + " without an end marker"
          : "premature end of stream while reading the count of block " + blockIndex,
          start + got);
    }
    int count = StreamIo.intLe(head, 0);
    if (count == 0) {
      readEnd(start);
      return false;
    }
    long c = Integer.toUnsignedLong(count);
    if (c > maxBlockVectors) {
      throw new MalformedInputException("block " + blockIndex + " declares " + c
          + " vectors (expected: 1-" + maxBlockVectors + ")", start);
    }
    int len = 4 + count * codeBytes + 4;
    if (block.length < len) {
      block = new byte[len];
    }
    System.arraycopy(head, 0, block, 0, 4);
    int body = StreamIo.readUpTo(in, block, 4, len - 4);
    if (body < len - 4) {
      throw new TruncatedInputException("premature end of stream in block " + blockIndex + ": "
          + (4 + body) + " of " + len + " bytes", start + 4 + body);
    }
    crc.reset();
    crc.update(block, 0, len - 4);
    int stored = StreamIo.intLe(block, len - 4);
    if (stored != (int) crc.getValue()) {
      throw new ChecksumMismatchException(String.format(
          "block %d is corrupt: stored CRC32C %08x, computed %08x", blockIndex, stored,
          (int) crc.getValue()), start);
    }
    offset = start + len;
    blockIndex++;
    blockCount = count;
    blockNext = 0;
    return true;
  }

  private void readEnd(long start) throws IOException {
    int got = StreamIo.readUpTo(in, head, 4, 8);
    byte[] tail = new byte[4];
    int got2 = got < 8 ? 0 : StreamIo.readUpTo(in, tail, 0, 4);
    if (got < 8 || got2 < 4) {
      throw new TruncatedInputException("premature end of stream in the end marker",
          start + 4 + got + got2);
    }
    crc.reset();
    crc.update(head, 0, 12);
    if (StreamIo.intLe(tail, 0) != (int) crc.getValue()) {
      throw new ChecksumMismatchException("end marker is corrupt", start);
    }
    long total = StreamIo.longLe(head, 4);
    if (total != delivered) {
      throw new MalformedInputException("end marker counts " + total + " vectors, the blocks held "
          + delivered, start + 4);
    }
    offset = start + StreamFormat.END_BYTES;
    ended = true;
    blockCount = 0;
    blockNext = 0;
  }

  /** Closes the underlying stream. */
  @Override
  public void close() throws IOException {
    in.close();
  }
}
