package io.signcodec.core.stream;

import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.VectorChecks;
import io.signcodec.core.internal.Checks;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes vectors as a container stream (docs/FORMAT.md §3): the header, then blocks of codes, then
 * an end marker. Memory is one block, whatever the stream's length.
 *
 * <ul>
 *   <li>The header is written by the constructor.
 *   <li>A block is written each time {@code blockVectors} vectors have been added.
 *   <li>{@link #flush()} writes the vectors added so far as a (shorter) block and flushes the
 *       underlying stream: a reader sees everything written before a flush.
 *   <li>{@link #finish()} writes the last block and the end marker, leaving the underlying stream
 *       open; {@link #close()} finishes and closes it. A stream that was never finished has no end
 *       marker, and readers report it as truncated.
 * </ul>
 *
 * <p>Not thread-safe.
 */
public final class SignStreamWriter implements Closeable, Flushable {
  private final OutputStream out;
  private final SignEncoder encoder;
  private final int dimension;
  private final int codeBytes;
  private final int blockVectors;
  private final byte[] block;
  private final BlockFraming framing;
  private int pending;
  private long total;
  private boolean finished;
  private boolean closed;

  /** A writer with {@value StreamFormat#DEFAULT_BLOCK_VECTORS} vectors per block. */
  public SignStreamWriter(OutputStream out, Codebook codebook) throws IOException {
    this(out, codebook, StreamFormat.DEFAULT_BLOCK_VECTORS);
  }

  /**
   * A writer with at most {@code blockVectors} vectors per block (1 to {@link
   * Caps#maxBlockVectors}).
   */
  public SignStreamWriter(OutputStream out, Codebook codebook, int blockVectors)
      throws IOException {
    this(out, SignEncoder.of(codebook), blockVectors);
  }

  /**
   * A writer that encodes with {@code encoder} (and so with its codebook and options), at most
   * {@code blockVectors} vectors per block. Writes the header.
   */
  public SignStreamWriter(OutputStream out, SignEncoder encoder, int blockVectors)
      throws IOException {
    this.out = Objects.requireNonNull(out, "out");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    Codebook codebook = encoder.codebook();
    this.dimension = codebook.dimension();
    this.codeBytes = codebook.codeBytes();
    this.framing = new BlockFraming(codeBytes);
    int max = framing.maxBlockVectors();
    if (blockVectors < 1 || blockVectors > max) {
      throw new IllegalArgumentException("blockVectors must be in 1.." + max + ": " + blockVectors);
    }
    this.blockVectors = blockVectors;
    this.block = new byte[Math.toIntExact(framing.blockBytes(blockVectors))];
    out.write(StreamHeader.of(codebook).toBytes());
  }

  /** Encodes and adds one vector of the codebook's dimension. */
  public void write(float[] vector) throws IOException {
    VectorChecks.checkDimension("vector", vector, dimension);
    write(vector, 0, 1);
  }

  /**
   * Encodes and adds {@code count} row-major vectors. The batch is validated first: a bad vector
   * throws {@link IllegalArgumentException} and adds none of the batch.
   */
  public void write(float[] src, int off, int count) throws IOException {
    ensureOpen();
    Checks.checkRange("src", src.length, off, count, dimension);
    VectorChecks.checkEncodable(encoder.codebook(), src, off, count, 0);
    while (count > 0) {
      int m = Math.min(count, blockVectors - pending);
      encoder.encode(src, off, block, BlockFraming.COUNT_BYTES + pending * codeBytes, m);
      add(m);
      off += m * dimension;
      count -= m;
    }
  }

  /** Adds {@code count} codes that are already encoded with this writer's codebook. */
  public void writeCodes(byte[] codes, int off, int count) throws IOException {
    ensureOpen();
    Checks.checkRange("codes", codes.length, off, count, codeBytes);
    while (count > 0) {
      int m = Math.min(count, blockVectors - pending);
      System.arraycopy(
          codes, off, block, BlockFraming.COUNT_BYTES + pending * codeBytes, m * codeBytes);
      add(m);
      off += m * codeBytes;
      count -= m;
    }
  }

  private void add(int m) throws IOException {
    pending += m;
    total += m;
    if (pending == blockVectors) {
      writeBlock();
    }
  }

  private void writeBlock() throws IOException {
    if (pending == 0) {
      return;
    }
    out.write(block, 0, framing.sealBlock(block, 0, pending));
    pending = 0;
  }

  /** Vectors added so far. */
  public long vectorsWritten() {
    return total;
  }

  /** Writes the pending vectors as a block and flushes the underlying stream. */
  @Override
  public void flush() throws IOException {
    ensureOpen();
    writeBlock();
    out.flush();
  }

  /**
   * Writes the pending vectors and the end marker, and flushes; the underlying stream stays open.
   * Nothing may be added afterwards. Calling it again does nothing.
   */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    writeBlock();
    out.write(framing.endMarker(total));
    out.flush();
    finished = true;
  }

  /** {@link #finish()}, then closes the underlying stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      finish();
    } finally {
      out.close();
    }
  }

  private void ensureOpen() {
    if (finished) {
      throw new IllegalStateException("stream already finished");
    }
  }
}
