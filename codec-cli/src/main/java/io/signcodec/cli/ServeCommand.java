package io.signcodec.cli;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.signcodec.core.Codebook;
import io.signcodec.netty.EmbeddingBatch;
import io.signcodec.netty.SignFrameDecoder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: receive embeddings over TCP, decode them, acknowledge every batch. */
@Command(name = "serve", sortOptions = false,
    header = "Receive signcodec frames over TCP and acknowledge what was decoded.",
    description = {
        "Listens on HOST:PORT (loopback by default), decodes the frames each client sends with "
            + "the codebook, and answers every decoded batch with its vector count and a 64-bit "
            + "digest of the decoded floats, so that 'send' can check the server's vectors are "
            + "bit-identical to its own decode. Prints {\"host\":..., \"port\":...} once listening "
            + "(port 0 picks a free one), one line on standard error per failed connection, and "
            + "runs until killed."})
final class ServeCommand extends CliCommand {
  @Option(names = "--codebook", required = true, paramLabel = "CODEBOOK", order = 0,
      description = "The codebook file.")
  Path codebookPath;

  @Option(names = "--port", required = true, paramLabel = "P", order = 1,
      description = "TCP port (0: any free port).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST", order = 2,
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--exit-after", hidden = true, paramLabel = "N",
      description = "Stop after N connections have closed (for tests).")
  Integer exitAfter;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65_535) {
      throw usage("Invalid value for option '--port': must be in 0..65535, was " + port);
    }
    Codebook codebook = CliFiles.readCodebook(codebookPath);
    CountDownLatch closed = new CountDownLatch(exitAfter == null ? Integer.MAX_VALUE : exitAfter);
    EventLoopGroup boss = new NioEventLoopGroup(1);
    EventLoopGroup workers = new NioEventLoopGroup();
    try {
      Channel server;
      try {
        server = new ServerBootstrap().group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new SignFrameDecoder(codebook), new Acknowledger());
                ch.closeFuture().addListener(f -> closed.countDown());
              }
            })
            .bind(new InetSocketAddress(host, port)).sync().channel();
      } catch (Exception e) {
        throw new DataException(Path.of(host + ":" + port), "cannot listen: " + e.getMessage(),
            e);
      }
      InetSocketAddress bound = (InetSocketAddress) server.localAddress();
      printJson(Json.object().put("host", bound.getHostString()).put("port", bound.getPort()));
      while (!closed.await(1, TimeUnit.SECONDS)) {
        if (!server.isOpen()) {
          break;
        }
      }
      server.close().sync();
      return 0;
    } finally {
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** Answers each decoded batch; reports a failed connection in one line. */
  private final class Acknowledger extends SimpleChannelInboundHandler<EmbeddingBatch> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, EmbeddingBatch batch) {
      ByteBuf ack = ctx.alloc().buffer(Acknowledgement.BYTES);
      new Acknowledgement(batch.count(), Acknowledgement.digest(batch.vectors(), 0,
          batch.count() * batch.dimension())).writeTo(ack);
      ctx.writeAndFlush(ack);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      err().println("signcodec serve: " + ctx.channel().remoteAddress() + ": "
          + DataException.oneLine(String.valueOf(cause.getMessage())));
      err().flush();
      ctx.close();
    }
  }
}
