package io.signcodec.netty;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.signcodec.core.Codebook;
import io.signcodec.core.stream.StreamHeader;
import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that writes one-vector frames as fast as it can and never reads the answers, against a
 * server that answers every batch (as {@code serve} does) behind a {@link BackpressureHandler}.
 */
class BackpressureTest {
  static {
    LeakRecorder.install();
  }

  private static final Codebook CODEBOOK =
      CodebookTrainer.builder().bits(21).seed(3).build().isotropic(16);
  private static final int LOW = 8 << 10;
  private static final int HIGH = 32 << 10;
  private static final int MAX_READ = 64 << 10;
  private static final int ANSWER = 16;

  /** At most 1 GiB from the client, whatever happens. */
  private static final long CLIENT_LIMIT = 1L << 30;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aPeerThatNeverReadsIsNoLongerRead() throws Exception {
    AtomicReference<Channel> accepted = new AtomicReference<>();
    AtomicLong maxPending = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    EventLoopGroup boss = new NioEventLoopGroup(1);
    EventLoopGroup workers = new NioEventLoopGroup(1);
    Socket client = null;
    try {
      Channel server =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW, HIGH))
              .childOption(
                  ChannelOption.RCVBUF_ALLOCATOR,
                  new AdaptiveRecvByteBufAllocator(64, 1024, MAX_READ))
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      accepted.set(ch);
                      ch.pipeline()
                          .addLast(
                              new BackpressureHandler(),
                              new SignFrameDecoder(CODEBOOK),
                              new SimpleChannelInboundHandler<EmbeddingBatch>() {
                                @Override
                                protected void channelRead0(
                                    ChannelHandlerContext ctx, EmbeddingBatch b) {
                                  ByteBuf answer =
                                      ctx.alloc()
                                          .buffer(ANSWER)
                                          .writeLongLE(b.count())
                                          .writeLongLE(0);
                                  ctx.write(answer);
                                  answered.incrementAndGet();
                                  long pending =
                                      ctx.channel()
                                          .unsafe()
                                          .outboundBuffer()
                                          .totalPendingWriteBytes();
                                  maxPending.accumulateAndGet(pending, Math::max);
                                }

                                @Override
                                public void channelReadComplete(ChannelHandlerContext ctx) {
                                  ctx.flush();
                                }

                                @Override
                                public void exceptionCaught(
                                    ChannelHandlerContext ctx, Throwable cause) {
                                  ctx.close();
                                }
                              });
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();

      client = new Socket();
      client.setReceiveBufferSize(4096);
      client.connect(server.localAddress());
      OutputStream out = client.getOutputStream();
      CompletableFuture<Long> writer =
          CompletableFuture.supplyAsync(
              () -> writeUntilBlocked(out), r -> new Thread(r, "never-reads").start());

      // The server's kernel buffers and then its outbound buffer fill with answers nobody reads.
      // Each large read crosses the high water mark before its answers are flushed, so reading
      // stops and restarts many times; wait until it stays stopped, decoding nothing, for 500 ms.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      long last = -1;
      long stableSince = System.nanoTime();
      while (true) {
        assertTrue(System.nanoTime() < deadline, "the server never stopped reading");
        assertFalse(writer.isDone(), "the client finished: " + writer.getNow(null));
        Channel ch = accepted.get();
        if (ch == null || ch.config().isAutoRead() || answered.get() != last) {
          last = answered.get();
          stableSince = System.nanoTime();
        } else if (System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(500)) {
          break;
        }
        Thread.sleep(10);
      }
      Channel ch = accepted.get();
      assertFalse(ch.config().isAutoRead());
      assertFalse(writer.isDone(), "the client's writes are stuck: " + writer.getNow(null));
      // High water mark, plus the answers to one read of 11-byte frames, each counted with
      // the 96 bytes Netty adds per message written (io.netty.transport.outboundBufferEntry-
      // SizeOverhead).
      long bound = HIGH + (ANSWER + 96L) * (MAX_READ / 11 + 1);
      assertTrue(maxPending.get() <= bound, maxPending.get() + " bytes pending, bound " + bound);
      assertTrue(maxPending.get() >= HIGH, "the mark was crossed: " + maxPending.get());

      client.close();
      // The answers it never read fail to send once it is gone, which closes the channel.
      assertTrue(ch.closeFuture().await(30, TimeUnit.SECONDS), "the server kept the channel");
      server.close().sync();
    } finally {
      if (client != null) {
        client.close();
      }
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** Writes the header and one-vector frames until the socket fails; returns bytes written. */
  private static long writeUntilBlocked(OutputStream out) {
    byte[] one = HostileFrameTest.block(1, HostileFrameTest.randomCodes(1, CODEBOOK, 1));
    byte[] chunk = new byte[one.length * 4096];
    for (int i = 0; i < 4096; i++) {
      System.arraycopy(one, 0, chunk, i * one.length, one.length);
    }
    long written = 0;
    try {
      out.write(StreamHeader.of(CODEBOOK).toBytes());
      while (written < CLIENT_LIMIT) {
        out.write(chunk);
        written += chunk.length;
      }
    } catch (IOException closed) {
      // The test closed the socket under the blocked write.
    }
    return written;
  }

  @AfterAll
  static void noLeaks() {
    assertTrue(LeakRecorder.leaks().isEmpty(), LeakRecorder.LEAKS.toString());
  }
}
