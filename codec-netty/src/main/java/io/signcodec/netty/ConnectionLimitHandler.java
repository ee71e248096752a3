package io.signcodec.netty;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admits at most {@code maxConnections} open channels at once: put one instance first in every
 * accepted channel's pipeline. A channel beyond the limit is closed as soon as it is active, before
 * anything is read from it; the handlers after this one see a {@link TooManyConnectionsException}
 * (so one place can log it) and never see the channel active. An admitted channel frees its place
 * when it closes.
 */
@Sharable
public final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();

  public ConnectionLimitHandler(int maxConnections) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: > 0)");
    }
    this.maxConnections = maxConnections;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      ctx.channel().config().setAutoRead(false);
      ctx.fireExceptionCaught(
          new TooManyConnectionsException(
              "connection limit reached (" + maxConnections + " open): closed"));
      ctx.close();
      return;
    }
    ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
    ctx.fireChannelActive();
  }

  /** Channels admitted and still open. */
  public int openConnections() {
    return open.get();
  }

  /** A channel was refused because {@code maxConnections} others were open. */
  public static final class TooManyConnectionsException extends ChannelException {
    private static final long serialVersionUID = 1L;

    public TooManyConnectionsException(String message) {
      super(message);
    }
  }
}
