package io.signcodec.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long one TLS record may take to arrive: put it before the {@code SslHandler}. A record
 * (TLS 1.0–1.3 framing: a 5-byte header whose last two bytes are the length of what follows) that
 * has not fully arrived {@code timeout} after its first byte fails the channel with a {@link
 * FrameTimeoutDecoderException} and closes it.
 *
 * <p>Why: a {@link SignFrameDecoder} sees only decrypted bytes, and an {@code SslHandler} holds a
 * record's bytes back until all of it has arrived; a peer that drips one record (up to 16 KiB and
 * more) a byte at a time never goes idle and never shows the decoder a byte. With this handler the
 * ciphertext is bounded as the plaintext is: a record within {@code timeout} of its first byte, and
 * a frame within the decoder's frame timeout of its first decrypted byte. The handshake's records
 * count as any other. As the decoder's, this clock does not count the time the channel is paused by
 * {@link BackpressureHandler} or a {@link DecodeScheduler}, nor the time its event loop was too
 * busy to read it.
 *
 * <p>Input that is not TLS framing (a plain-text client on a TLS port) is passed on unwatched; the
 * {@code SslHandler} refuses it. Keeps per-connection state, so it is not {@code @Sharable}.
 */
public final class TlsRecordTimeoutHandler extends ChannelInboundHandlerAdapter {
  private static final int HEADER_BYTES = 5;

  private final FrameClock clock;
  private final byte[] header = new byte[HEADER_BYTES];
  private int headerSeen;
  private long bodyLeft;
  private boolean notTls;
  private long records;
  private ChannelHandlerContext ctx;

  /**
   * @param timeout longest one record may take to arrive after its first byte; > 0
   */
  public TlsRecordTimeoutHandler(long timeout, TimeUnit unit) {
    if (timeout <= 0) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    this.clock = new FrameClock(unit.toNanos(timeout), this::expired);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    clock.stop();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    clock.stop();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf && !notTls) {
      ByteBuf in = (ByteBuf) msg;
      long now = System.nanoTime();
      follow(in);
      if (notTls || !inRecord()) {
        clock.stop();
      } else {
        clock.start(ctx, now); // no-op if the record began in an earlier read
        if (clock.expired(now)) {
          in.release();
          expired(clock.counted(now), clock.notCounted(now));
          return;
        }
      }
    }
    ctx.fireChannelRead(msg);
  }

  private boolean inRecord() {
    return headerSeen > 0 || bodyLeft > 0;
  }

  /** Walks the record framing through {@code in} without consuming it. */
  private void follow(ByteBuf in) {
    int i = in.readerIndex();
    int end = in.writerIndex();
    while (i < end) {
      if (bodyLeft > 0) {
        long step = Math.min(bodyLeft, end - i);
        bodyLeft -= step;
        i += (int) step;
        if (bodyLeft == 0) {
          records++;
          clock.stop();
        }
        continue;
      }
      header[headerSeen++] = in.getByte(i++);
      if (headerSeen == 1 && (header[0] < 20 || header[0] > 24)) {
        notTls = true; // not a TLS content type: the SslHandler says so
        return;
      }
      if (headerSeen == HEADER_BYTES) {
        headerSeen = 0;
        bodyLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        if (bodyLeft == 0) {
          records++;
        }
      }
    }
  }

  private void expired(long countedNanos, long notCountedNanos) {
    String waited =
        notCountedNanos > TimeUnit.MILLISECONDS.toNanos(FrameClock.LAG_SLACK_MILLIS)
            ? "; the "
                + TimeUnit.NANOSECONDS.toMillis(notCountedNanos)
                + " ms this connection was"
                + " not being read are not counted"
            : "";
    long got =
        headerSeen > 0
            ? headerSeen
            : HEADER_BYTES + ((header[3] & 0xff) << 8 | (header[4] & 0xff)) - bodyLeft;
    long of = headerSeen > 0 ? -1 : HEADER_BYTES + ((header[3] & 0xff) << 8 | (header[4] & 0xff));
    ctx.fireExceptionCaught(
        new FrameTimeoutDecoderException(
            String.format(
                "TLS record %d still incomplete %d ms after its first byte arrived (%d%s bytes of it so"
                    + " far; expected: within %d ms%s)",
                records + 1,
                TimeUnit.NANOSECONDS.toMillis(countedNanos),
                got,
                of < 0 ? "" : " of " + of,
                TimeUnit.NANOSECONDS.toMillis(clock.timeoutNanos()),
                waited)));
    ctx.close();
  }
}
