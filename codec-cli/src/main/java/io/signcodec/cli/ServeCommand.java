package io.signcodec.cli;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.signcodec.core.Codebook;
import io.signcodec.core.stream.BlockFraming;
import io.signcodec.netty.BackpressureHandler;
import io.signcodec.netty.ConnectionLimitHandler;
import io.signcodec.netty.DecodeScheduler;
import io.signcodec.netty.EmbeddingBatch;
import io.signcodec.netty.SignFrameDecoder;
import io.signcodec.netty.TlsRecordTimeoutHandler;
import java.io.IOException;
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
@Command(
    name = "serve",
    header = "Receive signcodec frames over TCP and acknowledge what was decoded.",
    description = {
      "Listens on HOST:PORT (loopback by default), decodes the frames each client sends with "
          + "the codebook, and answers every decoded batch with its vector count and a 64-bit "
          + "digest of the decoded floats, so that 'send' can check the server's vectors are "
          + "bit-identical to its own decode. Prints {\"host\":..., \"port\":..., "
          + "\"tls\":...} once listening (port 0 picks a free one), one line on standard "
          + "error per failed, timed-out or refused connection, and runs until killed.",
      "",
      "Every connection is bounded: it buffers at most one frame (--max-frame-bytes), whose "
          + "codes --decode-threads threads decode --max-batch-floats at a time, in turn with "
          + "the other connections; it is not read while its acknowledgements are not being "
          + "read or its codes wait to be decoded; it is closed when it sends nothing for "
          + "--idle-timeout, takes longer than --frame-timeout to send one frame (or one TLS "
          + "record), or --handshake-timeout to complete its TLS handshake. A timeout counts "
          + "only the client's time, not the time the server was not reading it. At most "
          + "--max-connections are served at once; more are closed on arrival.",
      "",
      "Memory: with the defaults, run it as java -Xmx512m -jar signcodec.jar serve ...: "
          + "the buffers are on the Java heap, so -Xmx bounds them (docs/CLI.md).",
      "",
      "Without --tls-cert/--tls-key the frames travel in the clear and anyone who can reach "
          + "the port can send: do not let the port face a network you do not trust."
    })
final class ServeCommand extends CliCommand {
  /**
   * Default cap on one frame: 1 MiB of codes. What 100 connections may buffer then stays near 200
   * MiB (Netty's cumulation rounds up to a power of two); the format's own cap, 16 MiB a frame,
   * would let them hold 2 GiB.
   */
  static final int DEFAULT_MAX_FRAME_BYTES = (1 << 20) + BlockFraming.BLOCK_OVERHEAD;

  static final int WRITE_LOW_WATER_MARK = 32 << 10;
  static final int WRITE_HIGH_WATER_MARK = 64 << 10;

  /**
   * Default cap on the floats of one decoded batch: 1 MiB. Smaller than the library's default (4
   * MiB), so that a connection's turn at a decoding thread is short (some milliseconds) and the
   * next connection's waits little.
   */
  static final int DEFAULT_MAX_BATCH_FLOATS = 1 << 18;

  /** Acknowledgements gathered in one buffer before it is written: fewer, larger writes. */
  private static final int ACK_CHUNK = 4096;

  @Mixin CodebookFile codebookFile;

  @Option(
      names = "--port",
      required = true,
      paramLabel = "P",
      order = 1,
      description = "TCP port (0: any free port).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      paramLabel = "HOST",
      order = 2,
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--max-connections",
      defaultValue = "100",
      paramLabel = "N",
      order = 3,
      description =
          "Most connections served at once; more are closed on arrival "
              + "(default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(
      names = "--idle-timeout",
      defaultValue = "30",
      paramLabel = "SECONDS",
      order = 4,
      description =
          "Close a connection that sends nothing for this long, including one that "
              + "is not being read because it does not read its acknowledgements; 0: never "
              + "(default: ${DEFAULT-VALUE}).")
  double idleTimeout;

  @Option(
      names = "--frame-timeout",
      defaultValue = "30",
      paramLabel = "SECONDS",
      order = 5,
      description =
          "Close a connection whose frame has not fully arrived this long after its "
              + "first bytes did (a sender that drips); 0: never (default: ${DEFAULT-VALUE}).")
  double frameTimeout;

  @Option(
      names = "--max-frame-bytes",
      defaultValue = "" + DEFAULT_MAX_FRAME_BYTES,
      paramLabel = "BYTES",
      order = 6,
      description =
          "Largest frame accepted, count and checksum included, up to 16777224 "
              + "(default: ${DEFAULT-VALUE}, 1 MiB of codes).")
  int maxFrameBytes;

  @Option(
      names = "--max-batch-floats",
      defaultValue = "" + DEFAULT_MAX_BATCH_FLOATS,
      paramLabel = "N",
      order = 7,
      description =
          "Most floats decoded at once per connection: one turn at a decoding thread; "
              + "a larger frame is decoded and acknowledged as several batches "
              + "(default: ${DEFAULT-VALUE}, 1 MiB).")
  int maxBatchFloats;

  @Option(
      names = "--decode-threads",
      paramLabel = "N",
      order = 8,
      description =
          "Threads that decode, shared fairly by all connections: a free thread "
              + "decodes one batch (at most --max-batch-floats) of the waiting connection that has "
              + "had the least decoding time, so a flood waits behind a client that sends a little "
              + "(docs/CLI.md; default: the number of processors).")
  Integer decodeThreads;

  @Option(
      names = "--handshake-timeout",
      defaultValue = "10",
      paramLabel = "SECONDS",
      order = 9,
      description =
          "With TLS: close a connection whose handshake is not complete this long "
              + "after it connected; 0: never (default: ${DEFAULT-VALUE}).")
  double handshakeTimeout;

  @Option(
      names = "--tls-cert",
      paramLabel = "CERT.pem",
      order = 10,
      description = "Serve over TLS with this certificate chain (PEM); needs --tls-key.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "KEY.pem",
      order = 11,
      description = "The certificate's private key (PKCS#8 PEM, unencrypted).")
  Path tlsKey;

  @Option(
      names = "--exit-after",
      hidden = true,
      paramLabel = "N",
      description = "Stop after N connections, refused ones included, have closed (for tests).")
  Integer exitAfter;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65_535) {
      throw usage("Invalid value for option '--port': must be in 0..65535, was " + port);
    }
    if (maxConnections < 1) {
      throw usage(
          "Invalid value for option '--max-connections': must be positive, was " + maxConnections);
    }
    checkSeconds("--idle-timeout", idleTimeout);
    checkSeconds("--frame-timeout", frameTimeout);
    checkSeconds("--handshake-timeout", handshakeTimeout);
    int threads =
        decodeThreads == null ? Runtime.getRuntime().availableProcessors() : decodeThreads;
    if (threads < 1) {
      throw usage("Invalid value for option '--decode-threads': must be positive, was " + threads);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw usage("Options '--tls-cert' and '--tls-key' go together");
    }
    if (maxBatchFloats < 1) {
      throw usage(
          "Invalid value for option '--max-batch-floats': must be positive, was " + maxBatchFloats);
    }
    Codebook codebook = codebookFile.read();
    SignFrameDecoder.Builder decoding =
        SignFrameDecoder.builder(codebook)
            .maxFrameBytes(maxFrameBytes)
            .maxBatchFloats(maxBatchFloats)
            .frameTimeout(Math.round(frameTimeout * 1e9), TimeUnit.NANOSECONDS);
    try {
      decoding.build();
    } catch (IllegalArgumentException e) {
      // The smallest frame depends on the codebook: one code, its count and checksum.
      throw usage("Invalid value for option '--max-frame-bytes': " + e.getMessage());
    }
    SslContext tls = tlsCert == null ? null : serverTls();
    DecodeScheduler scheduler = new DecodeScheduler(threads);
    decoding.decodeScheduler(scheduler);
    long frameNanos = Math.round(frameTimeout * 1e9);
    long handshakeMillis = Math.round(handshakeTimeout * 1e3);
    CountDownLatch closed = new CountDownLatch(exitAfter == null ? Integer.MAX_VALUE : exitAfter);
    ConnectionLimitHandler limit = new ConnectionLimitHandler(maxConnections);
    BackpressureHandler backpressure = new BackpressureHandler();
    long idleNanos = Math.round(idleTimeout * 1e9);
    EventLoopGroup boss = new NioEventLoopGroup(1);
    EventLoopGroup workers = new NioEventLoopGroup();
    try {
      Channel server;
      try {
        server =
            new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                // On the Java heap, so that -Xmx bounds what the connections hold.
                .childOption(ChannelOption.ALLOCATOR, new PooledByteBufAllocator(false))
                .childOption(
                    ChannelOption.WRITE_BUFFER_WATER_MARK,
                    new WriteBufferWaterMark(WRITE_LOW_WATER_MARK, WRITE_HIGH_WATER_MARK))
                .childHandler(
                    new ChannelInitializer<SocketChannel>() {
                      @Override
                      protected void initChannel(SocketChannel ch) {
                        // Counted once the event loop has finished the task that closed the
                        // channel: a handler that closes on a failure (SslHandler on a non-TLS
                        // record) does so before the failure reaches exceptionCaught, whose line
                        // must be out before serve exits.
                        ch.closeFuture()
                            .addListener(
                                f -> {
                                  try {
                                    ch.eventLoop().execute(closed::countDown);
                                  } catch (RejectedExecutionException stopping) {
                                    closed.countDown(); // the loop is already shutting down
                                  }
                                });
                        ChannelPipeline p = ch.pipeline();
                        p.addLast(limit);
                        ClientIdleHandler idle =
                            idleNanos > 0 ? new ClientIdleHandler(idleNanos) : null;
                        if (idle != null) {
                          // Before the SslHandler: TLS handshake bytes count as activity too.
                          p.addLast(idle);
                        }
                        if (tls != null) {
                          if (frameNanos > 0) {
                            // Ciphertext: a record within the frame timeout of its first byte.
                            p.addLast(
                                new TlsRecordTimeoutHandler(frameNanos, TimeUnit.NANOSECONDS));
                          }
                          SslHandler ssl = tls.newHandler(ch.alloc());
                          ssl.setHandshakeTimeoutMillis(handshakeMillis);
                          p.addLast(ssl);
                        }
                        p.addLast(backpressure, decoding.build(), new Acknowledger(idle));
                      }
                    })
                .bind(new InetSocketAddress(host, port))
                .sync()
                .channel();
      } catch (Exception e) {
        throw new DataException(Path.of(host + ":" + port), "cannot listen: " + e.getMessage(), e);
      }
      InetSocketAddress bound = (InetSocketAddress) server.localAddress();
      printJson(
          Json.object()
              .put("host", bound.getHostString())
              .put("port", bound.getPort())
              .put("tls", tls != null));
      if (tls == null && !bound.getAddress().isLoopbackAddress()) {
        err()
            .println(
                "signcodec serve: warning: listening on "
                    + bound.getHostString()
                    + ":"
                    + bound.getPort()
                    + " without TLS: frames travel in the clear and anyone who can "
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
      scheduler.close();
    }
  }

  private void checkSeconds(String option, double seconds) {
    if (!(seconds >= 0) || seconds > TimeUnit.DAYS.toSeconds(365)) {
      throw usage(
          "Invalid value for option '"
              + option
              + "': must be 0 (none) or a positive "
              + "number of seconds, was "
              + seconds);
    }
  }

  private SslContext serverTls() {
    try {
      return SslContextBuilder.forServer(tlsCert.toFile(), tlsKey.toFile()).build();
    } catch (Exception e) {
      // Netty names neither file: say both, with its reason.
      throw new DataException(
          tlsCert,
          "cannot use as TLS certificate with key "
              + tlsKey
              + ": "
              + DataException.oneLine(String.valueOf(e.getMessage())),
          e);
    }
  }

  /**
   * Answers each decoded batch, gathering the answers of one read into few buffers that are written
   * and flushed when the read is done; reports a connection's first failure in one line and closes
   * it.
   */
  private final class Acknowledger extends SimpleChannelInboundHandler<EmbeddingBatch> {
    private final ClientIdleHandler idle;
    private ByteBuf pending;
    private boolean reported;

    /** A transport failure (a reset), reported at the close unless the decoder says more. */
    private String transportFailure;

    Acknowledger(ClientIdleHandler idle) {
      this.idle = idle;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, EmbeddingBatch batch) {
      if (idle != null) {
        // The client waited for this decoding: its idle time starts now.
        idle.resetReadTimeout();
      }
      if (pending == null) {
        pending = ctx.alloc().buffer(ACK_CHUNK);
      }
      new Acknowledgement(
              batch.count(),
              Acknowledgement.digest(batch.vectors(), 0, batch.count(), batch.dimension()))
          .writeTo(pending);
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
      if (transportFailure != null) {
        // The decoder reports a stream cut short right after the close has gone by (its
        // exception follows its channelInactive): that says more than the reset, if it comes.
        ctx.executor().execute(() -> report(ctx, transportFailure));
      }
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
      if (evt instanceof SslHandshakeCompletionEvent
          && ((SslHandshakeCompletionEvent) evt).cause() instanceof SslHandshakeTimeoutException) {
        // SslHandler closes the connection itself, and says nothing else.
        report(
            ctx,
            "TLS handshake not complete "
                + seconds(handshakeTimeout)
                + " after the connection opened (--handshake-timeout): closed");
        ctx.close();
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof IOException && !reported && ctx.channel().isOpen()) {
        // A reset: the close follows, and with it the decoder's word on what was cut short.
        transportFailure = describe(cause);
        ctx.close();
        return;
      }
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

  /**
   * Netty's read-idle timeout, less the time the server itself holds a connection back: a channel
   * that is not read while it is writable is waiting for its turn to decode (BackpressureHandler
   * pauses only unwritable ones, whose idleness is the client's, as it does not read its
   * acknowledgements), and each decoded batch starts the idle time afresh.
   */
  static final class ClientIdleHandler extends IdleStateHandler {
    ClientIdleHandler(long idleNanos) {
      super(idleNanos, 0, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) throws Exception {
      Channel ch = ctx.channel();
      if (!ch.config().isAutoRead() && ch.isWritable()) {
        return;
      }
      super.channelIdle(ctx, evt);
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
    if (cause instanceof IOException
        && !(cause instanceof SSLException)
        && message.toLowerCase(java.util.Locale.ROOT).contains("connection reset")) {
      return "the client reset the connection (" + message + ")";
    }
    return cause instanceof SSLException ? "TLS: " + message : message;
  }

  private static String seconds(double s) {
    return (s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s)) + " s";
  }
}
