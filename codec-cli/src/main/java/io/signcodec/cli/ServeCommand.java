package io.signcodec.cli;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.signcodec.core.Codebook;
import io.signcodec.core.stream.BlockFraming;
import io.signcodec.netty.BackpressureHandler;
import io.signcodec.netty.ConnectionLimitHandler;
import io.signcodec.netty.EmbeddingBatch;
import io.signcodec.netty.SignFrameDecoder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code serve}: receive embeddings over TCP, decode them, acknowledge every batch. */
@Command(name = "serve",
    header = "Receive signcodec frames over TCP and acknowledge what was decoded.",
    description = {
        "Listens on HOST:PORT (loopback by default), decodes the frames each client sends with "
            + "the codebook, and answers every decoded batch with its vector count and a 64-bit "
            + "digest of the decoded floats, so that 'send' can check the server's vectors are "
            + "bit-identical to its own decode. Prints {\"host\":..., \"port\":..., "
            + "\"tls\":...} once listening (port 0 picks a free one), one line on standard "
            + "error per failed, timed-out or refused connection, and runs until killed.",
        "",
        "Every connection is bounded: it buffers at most one frame (--max-frame-bytes) and "
            + "decodes it --max-batch-floats at a time; it is not read while its "
            + "acknowledgements are not being read; it is closed when it sends nothing for "
            + "--idle-timeout or takes longer than --frame-timeout to send one frame. At most "
            + "--max-connections are served at once; more are closed on arrival.",
        "",
        "Without --tls-cert/--tls-key the frames travel in the clear and anyone who can reach "
            + "the port can send: do not let the port face a network you do not trust."})
final class ServeCommand extends CliCommand {
  /**
   * Default cap on one frame: 1 MiB of codes. What 100 connections may buffer then stays near
   * 200 MiB (Netty's cumulation rounds up to a power of two); the format's own cap, 16 MiB a
   * frame, would let them hold 2 GiB.
   */
  static final int DEFAULT_MAX_FRAME_BYTES = (1 << 20) + BlockFraming.BLOCK_OVERHEAD;
  static final int WRITE_LOW_WATER_MARK = 32 << 10;
  static final int WRITE_HIGH_WATER_MARK = 64 << 10;
  /** Acknowledgements gathered in one buffer before it is written: fewer, larger writes. */
  private static final int ACK_CHUNK = 4096;

  @Mixin
  CodebookFile codebookFile;

  @Option(names = "--port", required = true, paramLabel = "P", order = 1,
      description = "TCP port (0: any free port).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST", order = 2,
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--max-connections", defaultValue = "100", paramLabel = "N", order = 3,
      description = "Most connections served at once; more are closed on arrival "
          + "(default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--idle-timeout", defaultValue = "30", paramLabel = "SECONDS", order = 4,
      description = "Close a connection that sends nothing for this long, including one that "
          + "is not being read because it does not read its acknowledgements; 0: never "
          + "(default: ${DEFAULT-VALUE}).")
  double idleTimeout;

  @Option(names = "--frame-timeout", defaultValue = "30", paramLabel = "SECONDS", order = 5,
      description = "Close a connection whose frame has not fully arrived this long after its "
          + "first bytes did (a sender that drips); 0: never (default: ${DEFAULT-VALUE}).")
  double frameTimeout;

  @Option(names = "--max-frame-bytes", defaultValue = "" + DEFAULT_MAX_FRAME_BYTES,
      paramLabel = "BYTES", order = 6,
      description = "Largest frame accepted, count and checksum included, up to 16777224 "
          + "(default: ${DEFAULT-VALUE}, 1 MiB of codes).")
  int maxFrameBytes;

  @Option(names = "--max-batch-floats",
      defaultValue = "" + SignFrameDecoder.DEFAULT_MAX_BATCH_FLOATS, paramLabel = "N", order = 7,
      description = "Most floats decoded at once per connection; a larger frame is decoded and "
          + "acknowledged as several batches (default: ${DEFAULT-VALUE}, 4 MiB).")
  int maxBatchFloats;

  @Option(names = "--tls-cert", paramLabel = "CERT.pem", order = 8,
      description = "Serve over TLS with this certificate chain (PEM); needs --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "KEY.pem", order = 9,
      description = "The certificate's private key (PKCS#8 PEM, unencrypted).")
  Path tlsKey;

  @Option(names = "--exit-after", hidden = true, paramLabel = "N",
      description = "Stop after N connections, refused ones included, have closed (for tests).")
  Integer exitAfter;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65_535) {
      throw usage("Invalid value for option '--port': must be in 0..65535, was " + port);
    }
    if (maxConnections < 1) {
      throw usage("Invalid value for option '--max-connections': must be positive, was "
          + maxConnections);
    }
    checkSeconds("--idle-timeout", idleTimeout);
    checkSeconds("--frame-timeout", frameTimeout);
    if ((tlsCert == null) != (tlsKey == null)) {
      throw usage("Options '--tls-cert' and '--tls-key' go together");
    }
    if (maxBatchFloats < 1) {
      throw usage("Invalid value for option '--max-batch-floats': must be positive, was "
          + maxBatchFloats);
    }
    Codebook codebook = codebookFile.read();
    SignFrameDecoder.Builder decoding = SignFrameDecoder.builder(codebook)
        .maxFrameBytes(maxFrameBytes).maxBatchFloats(maxBatchFloats)
        .frameTimeout(Math.round(frameTimeout * 1e9), TimeUnit.NANOSECONDS);
    try {
      decoding.build();
    } catch (IllegalArgumentException e) {
      // The smallest frame depends on the codebook: one code, its count and checksum.
      throw usage("Invalid value for option '--max-frame-bytes': " + e.getMessage());
    }
    SslContext tls = tlsCert == null ? null : serverTls();
    CountDownLatch closed = new CountDownLatch(exitAfter == null ? Integer.MAX_VALUE : exitAfter);
    ConnectionLimitHandler limit = new ConnectionLimitHandler(maxConnections);
    BackpressureHandler backpressure = new BackpressureHandler();
    long idleNanos = Math.round(idleTimeout * 1e9);
    EventLoopGroup boss = new NioEventLoopGroup(1);
    EventLoopGroup workers = new NioEventLoopGroup();
    try {
      Channel server;
      try {
        server = new ServerBootstrap().group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(WRITE_LOW_WATER_MARK, WRITE_HIGH_WATER_MARK))
            .childHandler(new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                // Counted once the event loop has finished the task that closed the channel: a
                // handler that closes on a failure (SslHandler on a non-TLS record) does so before
                // the failure reaches exceptionCaught, whose line must be out before serve exits.
                ch.closeFuture().addListener(f -> {
                  try {
                    ch.eventLoop().execute(closed::countDown);
                  } catch (RejectedExecutionException stopping) {
                    closed.countDown(); // the loop is already shutting down
                  }
                });
                ChannelPipeline p = ch.pipeline();
                p.addLast(limit);
                if (idleNanos > 0) {
                  // Before the SslHandler, so that TLS handshake bytes count as activity too.
                  p.addLast(new IdleStateHandler(idleNanos, 0, 0, TimeUnit.NANOSECONDS));
                }
                if (tls != null) {
                  p.addLast(tls.newHandler(ch.alloc()));
                }
                p.addLast(backpressure, decoding.build(), new Acknowledger());
              }
            })
            .bind(new InetSocketAddress(host, port)).sync().channel();
      } catch (Exception e) {
        throw new DataException(Path.of(host + ":" + port), "cannot listen: " + e.getMessage(),
            e);
      }
      InetSocketAddress bound = (InetSocketAddress) server.localAddress();
      printJson(Json.object().put("host", bound.getHostString()).put("port", bound.getPort())
          .put("tls", tls != null));
      if (tls == null && !bound.getAddress().isLoopbackAddress()) {
        err().println("signcodec serve: warning: listening on " + bound.getHostString() + ":"
            + bound.getPort() + " without TLS: frames travel in the clear and anyone who can "
            + "reach the port can send; use --tls-cert and --tls-key on untrusted networks");
        err().flush();
      }
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

  private void checkSeconds(String option, double seconds) {
    if (!(seconds >= 0) || seconds > TimeUnit.DAYS.toSeconds(365)) {
      throw usage("Invalid value for option '" + option + "': must be 0 (none) or a positive "
          + "number of seconds, was " + seconds);
    }
  }

  private SslContext serverTls() {
    try {
      return SslContextBuilder.forServer(tlsCert.toFile(), tlsKey.toFile()).build();
    } catch (Exception e) {
      // Netty names neither file: say both, with its reason.
      throw new DataException(tlsCert, "cannot use as TLS certificate with key " + tlsKey + ": "
          + DataException.oneLine(String.valueOf(e.getMessage())), e);
    }
  }

  /**
   * Answers each decoded batch, gathering the answers of one read into few buffers that are
   * written and flushed when the read is done; reports a connection's first failure in one line
   * and closes it.
   */
  private final class Acknowledger extends SimpleChannelInboundHandler<EmbeddingBatch> {
    private ByteBuf pending;
    private boolean reported;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, EmbeddingBatch batch) {
      if (pending == null) {
        pending = ctx.alloc().buffer(ACK_CHUNK);
      }
      new Acknowledgement(batch.count(), Acknowledgement.digest(batch.vectors(), 0,
          batch.count(), batch.dimension())).writeTo(pending);
      if (pending.writableBytes() < Acknowledgement.BYTES) {
        // Written, not flushed: the channel's writability (and so BackpressureHandler) sees it.
        ctx.write(pending);
        pending = null;
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (pending != null) {
        ctx.write(pending);
        pending = null;
      }
      ctx.flush();
      ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      release();
      ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      release();
    }

    private void release() {
      if (pending != null) {
        pending.release();
        pending = null;
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent
          && ((IdleStateEvent) evt).state() == IdleState.READER_IDLE) {
        report(ctx, "sent nothing for " + seconds(idleTimeout) + " (--idle-timeout): closed");
        ctx.close();
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      report(ctx, describe(cause));
      ctx.close();
    }

    /** One line per connection: what follows the first failure is its consequence. */
    private void report(ChannelHandlerContext ctx, String problem) {
      if (reported) {
        return;
      }
      reported = true;
      err().println("signcodec serve: " + ctx.channel().remoteAddress() + ": " + problem);
      err().flush();
    }
  }

  /** A failure in one line, without the class names and hex dumps some TLS failures carry. */
  static String describe(Throwable cause) {
    if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
      cause = cause.getCause();
    }
    if (cause instanceof NotSslRecordException) {
      return "TLS: the client did not start a TLS handshake (plain frames to a TLS port?)";
    }
    String message = DataException.oneLine(String.valueOf(cause.getMessage()));
    return cause instanceof SSLException ? "TLS: " + message : message;
  }

  private static String seconds(double s) {
    return (s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s)) + " s";
  }
}
