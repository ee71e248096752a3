package io.signcodec.core.stream;

import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import io.signcodec.core.VectorReader;
import io.signcodec.core.internal.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Reads a container stream (docs/FORMAT.md §3) as decoded vectors ({@link #read}) or as raw codes
 * ({@link #readCodes}). The constructor reads the header and refuses a stream written with another
 * codebook before anything is decoded.
 *
 * <p>A block is verified whole (count within the cap, every byte present, CRC32C) before any of its
 * vectors is handed out, so every vector returned is intact, and every block before a bad one is
 * delivered before the exception. Errors are {@link MalformedInputException}s that name the block
 * index and byte offset; once one is thrown, every later call throws it again. Memory is one block
 * (at most {@link Caps#MAX_BLOCK_BYTES} of codes), allocated as blocks of that size actually
 * arrive.
 *
 * <p>After the end marker, reads return {@code -1} and the underlying stream is positioned just
 * past the marker. Not thread-safe.
 */
public final class SignStreamReader implements VectorReader {
  private final InputStream in;
  private final LinearDecoder decoder;
  private final StreamHeader header;
  private final int codeBytes;
  private final BlockFraming framing;
  private final byte[] head = new byte[StreamFormat.END_BYTES];
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
    this.framing = new BlockFraming(codeBytes);
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
      decoder.decode(block, BlockFraming.COUNT_BYTES + blockNext * codeBytes, dst, dstOffset, m);
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
      System.arraycopy(
          block, BlockFraming.COUNT_BYTES + blockNext * codeBytes, dst, dstOffset, m * codeBytes);
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
    int got = StreamIo.readUpTo(in, head, 0, BlockFraming.COUNT_BYTES);
    if (got < BlockFraming.COUNT_BYTES) {
      throw new TruncatedInputException(
          got == 0
              ? "stream ended " + BlockFraming.after(blockIndex) + " without an end marker"
              : "premature end of stream while reading the count of block " + blockIndex,
          start + got);
    }
    int count =
        framing.checkCount(Integer.toUnsignedLong(StreamIo.intLe(head, 0)), blockIndex, start);
    if (count == 0) {
      readEnd(start);
      return false;
    }
    int len = Math.toIntExact(framing.blockBytes(count));
    if (block.length < len) {
      block = new byte[len];
    }
    System.arraycopy(head, 0, block, 0, BlockFraming.COUNT_BYTES);
    int body =
        StreamIo.readUpTo(in, block, BlockFraming.COUNT_BYTES, len - BlockFraming.COUNT_BYTES);
    if (body < len - BlockFraming.COUNT_BYTES) {
      throw new TruncatedInputException(
          "premature end of stream in block "
              + blockIndex
              + ": "
              + (BlockFraming.COUNT_BYTES + body)
              + " of "
              + len
              + " bytes",
          start + BlockFraming.COUNT_BYTES + body);
    }
    framing.checkBlock(ByteBuffer.wrap(block, 0, len), blockIndex, start);
    offset = start + len;
    blockIndex++;
    blockCount = count;
    blockNext = 0;
    return true;
  }

  private void readEnd(long start) throws IOException {
    int got =
        StreamIo.readUpTo(
            in, head, BlockFraming.COUNT_BYTES, StreamFormat.END_BYTES - BlockFraming.COUNT_BYTES);
    if (got < StreamFormat.END_BYTES - BlockFraming.COUNT_BYTES) {
      throw new TruncatedInputException(
          "premature end of stream in the end marker", start + BlockFraming.COUNT_BYTES + got);
    }
    framing.checkEnd(ByteBuffer.wrap(head), blockIndex, delivered, start);
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
