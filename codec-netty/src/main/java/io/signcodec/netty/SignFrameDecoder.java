package io.signcodec.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.stream.CodebookMismatchException;
import io.signcodec.core.stream.StreamFormat;
import io.signcodec.core.stream.StreamHeader;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Decodes signcodec frames (docs/FORMAT.md §3) into {@link EmbeddingBatch}es, one per block.
 *
 * <p>A state machine: {@code HEADER → BLOCKS → ENDED}, or {@code CORRUPTED}. With too few bytes
 * it waits; a frame is consumed only once all of it has arrived, so any fragmentation works. Each
 * length is checked against {@code maxFrameBytes} before anything is allocated, and each block's
 * CRC32C before any of its vectors is produced.
 *
 * <p>Errors are {@link DecoderException}s: {@link CodebookMismatchDecoderException} when the
 * header names another codebook, {@link TooLongFrameException} for a block above the cap,
 * {@link CorruptedFrameException} for a bad checksum or garbage, and
 * {@link TruncatedStreamDecoderException} when the channel closes before the end marker. Every
 * batch decoded before the error has been passed on. After an error the decoder discards all
 * input and, unless built with {@code closeOnError = false}, closes the channel. Keeps
 * per-connection state, so it is not {@code @Sharable}.
 */
public final class SignFrameDecoder extends ByteToMessageDecoder {
  /** Default cap on one frame: a full block of the largest size the format allows. */
  public static final int DEFAULT_MAX_FRAME_BYTES = StreamFormat.MAX_BLOCK_BYTES + 8;

  private enum State { HEADER, BLOCKS, ENDED, CORRUPTED }

  private final Codebook codebook;
  private final LinearDecoder decoder;
  private final int dimension;
  private final int codeBytes;
  private final int maxFrameBytes;
  private final int maxBlockVectors;
  private final boolean closeOnError;
  private final CRC32C crc = new CRC32C();
  private byte[] scratch = new byte[0];
  private State state = State.HEADER;
  private long blocks;
  private long vectors;

  /** A decoder with the default frame cap that closes the channel on error. */
  public SignFrameDecoder(Codebook codebook) {
    this(codebook, DEFAULT_MAX_FRAME_BYTES, true);
  }

  /**
   * @param maxFrameBytes largest block accepted, in bytes including its count and checksum
   * @param closeOnError whether to close the channel after a decoding error
   */
  public SignFrameDecoder(Codebook codebook, int maxFrameBytes, boolean closeOnError) {
    this(LinearDecoder.of(Objects.requireNonNull(codebook, "codebook")), maxFrameBytes,
        closeOnError);
  }

  /** A decoder that decodes with {@code decoder} (its codebook and options). */
  public SignFrameDecoder(LinearDecoder decoder, int maxFrameBytes, boolean closeOnError) {
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.codebook = decoder.codebook();
    this.dimension = codebook.dimension();
    this.codeBytes = codebook.codeBytes();
    int min = 8 + codeBytes;
    if (maxFrameBytes < min || maxFrameBytes > DEFAULT_MAX_FRAME_BYTES) {
      throw new IllegalArgumentException("maxFrameBytes: " + maxFrameBytes + " (expected: "
          + min + "-" + DEFAULT_MAX_FRAME_BYTES + ")");
    }
    this.maxFrameBytes = maxFrameBytes;
    this.maxBlockVectors = (maxFrameBytes - 8) / codeBytes;
    this.closeOnError = closeOnError;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    try {
      while (true) {
        switch (state) {
          case HEADER:
            if (in.readableBytes() < StreamFormat.HEADER_BYTES) {
              return;
            }
            readHeader(in);
            break;
          case BLOCKS:
            if (!readFrame(in, out)) {
              return;
            }
            break;
          default: // ENDED or CORRUPTED: nothing more belongs to the stream.
            in.skipBytes(in.readableBytes());
            return;
        }
      }
    } catch (DecoderException e) {
      state = State.CORRUPTED;
      in.skipBytes(in.readableBytes());
      if (closeOnError) {
        // After the exception has gone through the pipeline, so handlers see it first.
        ctx.channel().eventLoop().execute(ctx::close);
      }
      throw e;
    }
  }

  private void readHeader(ByteBuf in) {
    byte[] h = new byte[StreamFormat.HEADER_BYTES];
    in.getBytes(in.readerIndex(), h);
    StreamHeader header;
    try {
      header = StreamHeader.parse(h);
      header.check(codebook);
    } catch (CodebookMismatchException e) {
      throw new CodebookMismatchDecoderException(e.getMessage(), e);
    } catch (MalformedInputException e) {
      throw new CorruptedFrameException("invalid stream header: " + e.getMessage(), e);
    }
    in.skipBytes(StreamFormat.HEADER_BYTES);
    state = State.BLOCKS;
  }

  /** Decodes one block or the end marker if all of it is there; false to wait for more. */
  private boolean readFrame(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 4) {
      return false;
    }
    int at = in.readerIndex();
    long count = in.getUnsignedIntLE(at);
    if (count == 0) {
      if (in.readableBytes() < StreamFormat.END_BYTES) {
        return false;
      }
      crc.reset();
      crc.update(in.nioBuffer(at, 12));
      if (in.getIntLE(at + 12) != (int) crc.getValue()) {
        throw new CorruptedFrameException("end marker after block " + (blocks - 1)
            + " is corrupt (CRC32C mismatch)");
      }
      long total = in.getLongLE(at + 4);
      if (total != vectors) {
        throw new CorruptedFrameException("end marker counts " + total + " vectors, the blocks"
            + " held " + vectors);
      }
      in.skipBytes(StreamFormat.END_BYTES);
      state = State.ENDED;
      return true;
    }
    if (count > maxBlockVectors) {
      throw new TooLongFrameException(String.format(
          "block %d: %d vectors need %d bytes (expected: at most %d)", blocks, count,
          8 + count * codeBytes, maxFrameBytes));
    }
    int m = (int) count;
    int len = 8 + m * codeBytes;
    if (in.readableBytes() < len) {
      return false;
    }
    crc.reset();
    crc.update(in.nioBuffer(at, len - 4));
    int stored = in.getIntLE(at + len - 4);
    if (stored != (int) crc.getValue()) {
      throw new CorruptedFrameException(String.format(
          "block %d is corrupt: stored CRC32C %08x, computed %08x", blocks, stored,
          (int) crc.getValue()));
    }
    byte[] codes;
    int codesOff;
    if (in.hasArray()) {
      codes = in.array();
      codesOff = in.arrayOffset() + at + 4;
    } else {
      if (scratch.length < m * codeBytes) {
        scratch = new byte[m * codeBytes];
      }
      in.getBytes(at + 4, scratch, 0, m * codeBytes);
      codes = scratch;
      codesOff = 0;
    }
    float[] decoded = new float[m * dimension];
    decoder.decode(codes, codesOff, decoded, 0, m);
    in.skipBytes(len);
    blocks++;
    vectors += m;
    out.add(new EmbeddingBatch(dimension, m, decoded));
    return true;
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    decode(ctx, in, out);
    if (state == State.BLOCKS || (state == State.HEADER && in.isReadable())) {
      State was = state;
      state = State.CORRUPTED;
      int left = in.readableBytes();
      in.skipBytes(left);
      throw new TruncatedStreamDecoderException(was == State.HEADER
          ? "connection closed inside the stream header (" + left + " of "
              + StreamFormat.HEADER_BYTES + " bytes)"
          : "connection closed after block " + (blocks - 1) + " (" + vectors + " vectors) "
              + (left > 0 ? "inside a frame (" + left + " bytes of it arrived)"
                  : "without the end marker"));
    }
  }

  /** Vectors decoded on this connection. */
  public long vectorsRead() {
    return vectors;
  }

  /** Whether the end marker has arrived. */
  public boolean ended() {
    return state == State.ENDED;
  }
}
