package io.signcodec.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.signcodec.core.Codebook;
import io.signcodec.core.TestData;
import io.signcodec.core.train.CodebookTrainer;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 100 000 vectors over a real TCP loopback connection, NIO on both sides. */
class LoopbackTest {
  static {
    LeakRecorder.install();
  }

  private static final int D = 32;
  private static final int COUNT = 100_000;
  private static final int BATCH = 1_000;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void everyVectorArrivesAsTheLibraryDecodesIt() throws Exception {
    Codebook codebook = CodebookTrainer.builder().rate(1).seed(2).build().isotropic(D);
    float[] x = TestData.isotropic(COUNT, D, 3);
    float[] expected = TestData.libraryDecode(codebook, x);

    float[] received = new float[x.length];
    int[] receivedCount = {0};
    CompletableFuture<Long> done = new CompletableFuture<>();
    AtomicReference<Throwable> serverError = new AtomicReference<>();
    EventLoopGroup boss = new NioEventLoopGroup(1);
    EventLoopGroup workers = new NioEventLoopGroup(1);
    try {
      Channel server =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      SignFrameDecoder decoder = new SignFrameDecoder(codebook);
                      ch.pipeline()
                          .addLast(
                              decoder,
                              new SimpleChannelInboundHandler<EmbeddingBatch>() {
                                @Override
                                protected void channelRead0(
                                    ChannelHandlerContext ctx, EmbeddingBatch batch) {
                                  System.arraycopy(
                                      batch.vectors(),
                                      0,
                                      received,
                                      receivedCount[0] * D,
                                      batch.count() * D);
                                  receivedCount[0] += batch.count();
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                  done.complete(decoder.ended() ? decoder.vectorsRead() : -1L);
                                }

                                @Override
                                public void exceptionCaught(
                                    ChannelHandlerContext ctx, Throwable cause) {
                                  serverError.set(cause);
                                  done.completeExceptionally(cause);
                                }
                              });
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();

      Channel client =
          new Bootstrap()
              .group(workers)
              .channel(NioSocketChannel.class)
              .handler(new SignFrameEncoder(codebook))
              .connect(server.localAddress())
              .sync()
              .channel();
      for (int first = 0; first < COUNT; first += BATCH) {
        float[] batch = java.util.Arrays.copyOfRange(x, first * D, (first + BATCH) * D);
        // Back-pressure: wait while the socket's outbound buffer is above its high-water mark.
        while (!client.isWritable()) {
          client.flush();
          Thread.sleep(1);
        }
        client.write(EmbeddingBatch.of(D, batch));
      }
      client.flush();
      client.close().sync();

      assertEquals(COUNT, done.get(30, TimeUnit.SECONDS));
      assertNull(serverError.get());
      assertEquals(COUNT, receivedCount[0]);
      assertArrayEquals(expected, received);
      server.close().sync();
    } finally {
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @AfterAll
  static void noLeaks() {
    assertTrue(LeakRecorder.leaks().isEmpty(), LeakRecorder.LEAKS.toString());
  }
}
