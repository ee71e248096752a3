package io.signcodec.netty;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Reads from a channel only while it is writable: turns {@code autoRead} off when the outbound
 * buffer rises above the channel's {@link WriteBufferWaterMark#high() high water mark} and on again
 * when it falls below the low one.
 *
 * <p>A server that answers what it reads (as {@code serve} acknowledges every batch) otherwise
 * buffers answers without limit for a peer that writes and never reads. With this handler a peer
 * that stops reading stops being read: the kernel's socket buffers fill and the peer's writes
 * block. What the server still holds is the outbound buffer up to the high water mark, plus the
 * answers to the one read (at most the channel's receive buffer, 64 KiB by default) that was being
 * decoded when the mark was crossed, plus what the decoder had buffered.
 *
 * <p>Set the water marks with {@code ChannelOption.WRITE_BUFFER_WATER_MARK}. Stateless, so one
 * instance may serve every channel. A channel paused this way reads nothing, so a read-idle timeout
 * ({@code IdleStateHandler}) eventually closes a peer that never reads; a {@link
 * SignFrameDecoder}'s frame timeout does not count the pause against the peer. Reading resumes only
 * when no other reason holds it too (a {@link SignFrameDecoder} with a {@link DecodeScheduler}
 * pauses it while its slice is decoded).
 */
@Sharable
public final class BackpressureHandler extends ChannelInboundHandlerAdapter {
  /** A handler for any number of channels. */
  public BackpressureHandler() {}

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    follow(ctx);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    follow(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    follow(ctx);
    ctx.fireChannelWritabilityChanged();
  }

  private static void follow(ChannelHandlerContext ctx) {
    ReadGate.of(ctx.channel())
        .set(ReadGate.WRITE_BACKLOG, !ctx.channel().isWritable(), System.nanoTime());
  }
}
