package io.signcodec.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import io.signcodec.core.Codebook;
import io.signcodec.netty.EmbeddingBatch;
import io.signcodec.netty.SignFrameDecoder;
import io.signcodec.netty.SignFrameEncoder;
import io.signcodec.netty.WrittenBytesCounter;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Sends vectors over a loopback TCP connection through a Netty pipeline and times it until the
 * server has decoded the last one: once with the signcodec frame handlers, once with plain float32
 * frames (a 4-byte length, then the floats) for comparison.
 */
final class WireBenchmark {
  /** What one run measured. */
  record Result(long vectors, long wireBytes, double seconds) {
    double vectorsPerSecond() {
      return vectors / seconds;
    }
  }

  private WireBenchmark() {}

  static Result signcodec(Codebook codebook, float[] x, int batch) throws Exception {
    int d = codebook.dimension();
    return run(
        x,
        d,
        batch,
        () -> new SignFrameEncoder(codebook),
        () -> new ChannelHandler[] {new SignFrameDecoder(codebook)});
  }

  static Result rawFloat32(float[] x, int d, int batch) throws Exception {
    return run(
        x,
        d,
        batch,
        RawFloatEncoder::new,
        () ->
            new ChannelHandler[] {
              new LengthFieldBasedFrameDecoder(
                  java.nio.ByteOrder.LITTLE_ENDIAN, 64 << 20, 0, 4, 0, 4, true),
              new RawFloatDecoder(d)
            });
  }

  private static Result run(
      float[] x,
      int d,
      int batch,
      Supplier<ChannelHandler> encoder,
      Supplier<ChannelHandler[]> decoders)
      throws Exception {
    int count = x.length / d;
    AtomicLong received = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    CompletableFuture<Long> done = new CompletableFuture<>();
    EventLoopGroup server = new NioEventLoopGroup(1);
    EventLoopGroup client = new NioEventLoopGroup(1);
    try {
      Channel listener =
          new ServerBootstrap()
              .group(server)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(decoders.get());
                      ch.pipeline()
                          .addLast(
                              new SimpleChannelInboundHandler<EmbeddingBatch>() {
                                @Override
                                protected void channelRead0(
                                    ChannelHandlerContext ctx, EmbeddingBatch b) {
                                  if (received.addAndGet(b.count()) == count) {
                                    done.complete(System.nanoTime());
                                  }
                                }

                                @Override
                                public void exceptionCaught(
                                    ChannelHandlerContext ctx, Throwable cause) {
                                  done.completeExceptionally(cause);
                                }
                              });
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();
      Channel ch =
          new Bootstrap()
              .group(client)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                      c.pipeline().addLast(new WrittenBytesCounter(bytes), encoder.get());
                    }
                  })
              .connect(listener.localAddress())
              .sync()
              .channel();
      long t0 = System.nanoTime();
      for (int first = 0; first < count; first += batch) {
        int m = Math.min(batch, count - first);
        float[] part = java.util.Arrays.copyOfRange(x, first * d, (first + m) * d);
        while (!ch.isWritable()) {
          ch.flush();
          Thread.onSpinWait();
        }
        ch.write(new EmbeddingBatch(d, m, part));
      }
      ch.flush();
      long t1 = done.get(120, TimeUnit.SECONDS);
      ch.close().sync();
      listener.close().sync();
      return new Result(count, bytes.get(), (t1 - t0) / 1e9);
    } finally {
      client.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      server.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** The baseline: each batch as a little-endian length and its float32 values. */
  private static final class RawFloatEncoder extends MessageToByteEncoder<EmbeddingBatch> {
    @Override
    protected void encode(ChannelHandlerContext ctx, EmbeddingBatch msg, ByteBuf out) {
      int n = msg.count() * msg.dimension();
      out.ensureWritable(4 + 4 * n);
      out.writeIntLE(4 * n);
      float[] v = msg.vectors();
      for (int i = 0; i < n; i++) {
        out.writeFloatLE(v[i]);
      }
    }
  }

  private static final class RawFloatDecoder extends SimpleChannelInboundHandler<ByteBuf> {
    private final int d;

    RawFloatDecoder(int d) {
      this.d = d;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      int n = frame.readableBytes() / 4;
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = frame.readFloatLE();
      }
      ctx.fireChannelRead(new EmbeddingBatch(d, n / d, v));
    }
  }
}
