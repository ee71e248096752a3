package io.signcodec.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.MessageToByteEncoder;
import io.signcodec.core.Codebook;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.VectorChecks;
import io.signcodec.core.stream.BlockFraming;
import io.signcodec.core.stream.StreamFormat;
import io.signcodec.core.stream.StreamHeader;
import java.util.Objects;

/**
 * Encodes {@link EmbeddingBatch}es into signcodec frames (docs/FORMAT.md §3): the stream header
 * before the first batch on a connection, then each batch as blocks of at most {@code blockVectors}
 * codes, and the end marker when the channel is closed through the pipeline.
 *
 * <pre>
 *  header   | "SGNCSTRM" | ver | 0 | d | n | fingerprint | crc |   32 bytes, once
 *  block    | count | count × ⌈n/8⌉ code bytes | crc32c |          per batch (or part of one)
 *  end      | 0 | total (u64) | crc32c |                          16 bytes, on close
 * </pre>
 *
 * <p>A batch of the wrong dimension, or with a NaN or infinite value, fails its write promise (an
 * {@code EncoderException} around an {@link IllegalArgumentException}) and nothing of it is
 * written. Keeps per-connection state, so it is not {@code @Sharable}. Back-pressure is the
 * channel's: the encoder writes what it is given and queues nothing itself.
 */
public final class SignFrameEncoder extends MessageToByteEncoder<EmbeddingBatch> {
  private final SignEncoder encoder;
  private final byte[] header;
  private final int dimension;
  private final int codeBytes;
  private final int blockVectors;
  private final BlockFraming framing;
  private byte[] scratch = new byte[0];
  private boolean headerSent;
  private boolean endSent;
  private long total;

  /** An encoder with {@value StreamFormat#DEFAULT_BLOCK_VECTORS} vectors per block. */
  public SignFrameEncoder(Codebook codebook) {
    this(codebook, StreamFormat.DEFAULT_BLOCK_VECTORS);
  }

  /** An encoder with at most {@code blockVectors} vectors per block. */
  public SignFrameEncoder(Codebook codebook, int blockVectors) {
    this(SignEncoder.of(Objects.requireNonNull(codebook, "codebook")), blockVectors);
  }

  /** An encoder that encodes with {@code encoder} (its codebook and options). */
  public SignFrameEncoder(SignEncoder encoder, int blockVectors) {
    super(EmbeddingBatch.class, false);
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    Codebook codebook = encoder.codebook();
    this.header = StreamHeader.of(codebook).toBytes();
    this.dimension = codebook.dimension();
    this.codeBytes = codebook.codeBytes();
    this.framing = new BlockFraming(codeBytes);
    int max = framing.maxBlockVectors();
    if (blockVectors < 1 || blockVectors > max) {
      throw new IllegalArgumentException(
          "blockVectors: " + blockVectors + " (expected: 1-" + max + ")");
    }
    this.blockVectors = blockVectors;
  }

  @Override
  protected ByteBuf allocateBuffer(
      ChannelHandlerContext ctx, EmbeddingBatch msg, boolean preferDirect) {
    return ctx.alloc().heapBuffer(frameBytes(msg));
  }

  private int frameBytes(EmbeddingBatch msg) {
    int blocks = (msg.count() + blockVectors - 1) / blockVectors;
    long size =
        (headerSent ? 0 : StreamFormat.HEADER_BYTES)
            + (long) BlockFraming.BLOCK_OVERHEAD * blocks
            + (long) msg.count() * codeBytes;
    return (int) Math.min(size, Integer.MAX_VALUE - 8);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, EmbeddingBatch msg, ByteBuf out) {
    if (endSent) {
      throw new IllegalStateException("stream already ended");
    }
    VectorChecks.checkDimension("batch", msg.dimension(), dimension);
    int count = msg.count();
    int blockBytes = (int) framing.blockBytes(Math.min(count, blockVectors));
    if (scratch.length < blockBytes) {
      scratch = new byte[blockBytes];
    }
    // On failure MessageToByteEncoder releases `out`, so state changes only at the end.
    if (!headerSent) {
      out.writeBytes(header);
    }
    for (int first = 0; first < count; first += blockVectors) {
      int m = Math.min(blockVectors, count - first);
      encoder.encode(msg.vectors(), first * dimension, scratch, BlockFraming.COUNT_BYTES, m);
      out.writeBytes(scratch, 0, framing.sealBlock(scratch, 0, m));
    }
    headerSent = true;
    total += count;
  }

  /** Writes the end marker (and the header, if nothing was sent) before closing. */
  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (endSent || !ctx.channel().isActive()) {
      ctx.close(promise);
      return;
    }
    endSent = true;
    ByteBuf end = ctx.alloc().heapBuffer(StreamFormat.HEADER_BYTES + StreamFormat.END_BYTES);
    if (!headerSent) {
      end.writeBytes(header);
      headerSent = true;
    }
    end.writeBytes(framing.endMarker(total));
    ctx.writeAndFlush(end).addListener((ChannelFutureListener) f -> ctx.close(promise));
  }

  /** Vectors encoded on this connection. */
  public long vectorsWritten() {
    return total;
  }
}
