package io.signcodec.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Adds the readable bytes of every buffer written through it to a counter: placed before {@link
 * SignFrameEncoder} (nearer the socket), it measures what the frames cost on the wire, before any
 * TLS. Other messages pass uncounted.
 */
public final class WrittenBytesCounter extends ChannelOutboundHandlerAdapter {
  private final AtomicLong bytes;

  /** Counts into {@code bytes}, which may be shared by several channels. */
  public WrittenBytesCounter(AtomicLong bytes) {
    this.bytes = bytes;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf) {
      bytes.addAndGet(((ByteBuf) msg).readableBytes());
    }
    ctx.write(msg, promise);
  }
}
