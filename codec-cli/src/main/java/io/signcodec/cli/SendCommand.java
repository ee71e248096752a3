package io.signcodec.cli;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.VectorSource;
import io.signcodec.netty.EmbeddingBatch;
import io.signcodec.netty.SignFrameEncoder;
import io.signcodec.netty.WrittenBytesCounter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code send}: stream a vector file to a {@code serve} and check what it decoded. */
@Command(
    name = "send",
    header = "Stream a vector file to 'serve' and verify the server's decode.",
    description = {
      "Encodes the file's vectors and sends them as signcodec frames, a batch at a time, "
          + "waiting whenever the connection's send buffer is full. Checks every "
          + "acknowledgement against its own decode of the same codes and, when every vector "
          + "was acknowledged as sent, prints one JSON object:",
      "{\"vectors\":..., \"wireBytes\":..., \"rawBytes\":..., \"nmse\":..., "
          + "\"serverVerified\":true, \"seconds\":..., \"vectorsPerSecond\":...}",
      "wireBytes: bytes of the stream sent (before TLS); rawBytes: what the vectors cost as "
          + "float32. A batch whose codes exceed what 'serve' accepts by default in one frame "
          + "(1 MiB) goes as several frames. If the acknowledgements do not match or do not "
          + "all arrive, nothing is printed on standard output: one line on standard error "
          + "says how many vectors were acknowledged, and the exit status is 1."
    })
final class SendCommand extends CliCommand {
  @Option(
      names = "--codebook",
      required = true,
      paramLabel = "CODEBOOK",
      order = 0,
      description = "The codebook file (the server must have the same).")
  Path codebookPath;

  @Mixin VectorInput input;

  @Option(
      names = "--port",
      required = true,
      paramLabel = "P",
      order = 4,
      description = "The server's TCP port.")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      paramLabel = "HOST",
      order = 5,
      description = "The server's address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--batch",
      defaultValue = "1024",
      paramLabel = "N",
      order = 6,
      description =
          "Vectors per batch: one frame each, unless its codes exceed 1 MiB "
              + "(default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--tls-trust",
      paramLabel = "CERT.pem",
      order = 7,
      description =
          "Connect over TLS, trusting this certificate (PEM: the server's own, or the "
              + "authority that signed it); the server's name or address must match it.")
  Path tlsTrust;

  @Override
  public Integer call() throws Exception {
    if (port < 1 || port > 65_535) {
      throw usage("Invalid value for option '--port': must be in 1..65535, was " + port);
    }
    if (batch < 1 || batch > 65_536) {
      throw usage("Invalid value for option '--batch': must be in 1..65536, was " + batch);
    }
    Codebook codebook = CliFiles.readCodebook(codebookPath);
    VectorSource source = input.open(commandLine(), codebook, codebookPath);
    int d = codebook.dimension();
    // Frames no larger than serve's default cap, so that any --batch gets through to it.
    int blockVectors =
        Math.min(
            batch,
            Math.min(
                Caps.maxBlockVectors(codebook.codeBytes()),
                (ServeCommand.DEFAULT_MAX_FRAME_BYTES - 8) / codebook.codeBytes()));
    SslContext tls = tlsTrust == null ? null : clientTls();
    SignEncoder encoder = SignEncoder.of(codebook);

    AckChecker acks = new AckChecker();
    AtomicLong wireBytes = new AtomicLong();
    String[] failure = {null};
    // Kept here, not looked up in the pipeline later: a failed handshake removes the handler
    // from the pipeline, possibly before this thread asks for its handshake future.
    AtomicReference<SslHandler> sslHandler = new AtomicReference<>();
    EventLoopGroup group = new NioEventLoopGroup(1);
    try {
      Channel ch;
      try {
        ch =
            new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(
                    new ChannelInitializer<SocketChannel>() {
                      @Override
                      protected void initChannel(SocketChannel c) {
                        if (tls != null) {
                          SslHandler ssl = tls.newHandler(c.alloc(), host, port);
                          sslHandler.set(ssl);
                          c.pipeline().addLast(ssl);
                        }
                        c.pipeline()
                            .addLast(
                                new WrittenBytesCounter(wireBytes),
                                new FixedLengthFrameDecoder(Acknowledgement.BYTES),
                                new SimpleChannelInboundHandler<ByteBuf>() {
                                  @Override
                                  protected void channelRead0(
                                      ChannelHandlerContext ctx, ByteBuf msg) {
                                    acks.check(Acknowledgement.readFrom(msg));
                                  }

                                  @Override
                                  public void exceptionCaught(
                                      ChannelHandlerContext ctx, Throwable cause) {
                                    failure[0] = reason(cause);
                                    ctx.close();
                                  }
                                },
                                new SignFrameEncoder(encoder, blockVectors));
                      }
                    })
                .connect(new InetSocketAddress(host, port))
                .sync()
                .channel();
      } catch (Exception e) {
        throw new DataException(Path.of(host + ":" + port), "cannot connect: " + e.getMessage(), e);
      }
      if (tls != null) {
        try {
          sslHandler.get().handshakeFuture().sync();
        } catch (Exception e) {
          ch.close();
          throw new DataException(
              Path.of(host + ":" + port), "TLS handshake failed: " + handshakeFailure(e), e);
        }
      }

      RoundTrip roundTrip = new RoundTrip(codebook, batch);
      long t0 = System.nanoTime();
      long vectors;
      try (Progress progress = progress()) {
        vectors =
            input.forEachBatch(
                source,
                batch,
                (x, n) -> {
                  roundTrip.add(x, n);
                  long[] digests = new long[n];
                  for (int i = 0; i < n; i++) {
                    digests[i] = Acknowledgement.vectorDigest(roundTrip.decoded(), i * d, d);
                  }
                  acks.expect(digests);
                  awaitWritable(ch);
                  ch.writeAndFlush(new EmbeddingBatch(d, n, java.util.Arrays.copyOf(x, n * d)));
                },
                done -> progress.update("send", done, 0, "vectors"));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (acks.acknowledged.get() < vectors && ch.isActive() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      boolean stillOpen = ch.isActive();
      ch.close().sync();
      // Every vector sent was acknowledged once, and every acknowledgement matched.
      boolean verified = !acks.mismatch && acks.acknowledged.get() == vectors;
      if (!verified) {
        // Nothing on standard output: a result there, even one saying "serverVerified":false,
        // reads like a transfer that happened.
        err()
            .println(
                "signcodec send: "
                    + host
                    + ":"
                    + port
                    + ": "
                    + (acks.mismatch
                        ? "the server's decoded vectors differ from ours"
                        : acks.acknowledged.get()
                            + " of "
                            + vectors
                            + " vectors acknowledged"
                            + (failure[0] != null
                                ? " (" + failure[0] + ")"
                                : stillOpen
                                    ? " (no acknowledgement of the rest within 60 s)"
                                    : " (the server closed the connection; see its log)")));
        err().flush();
        return 1;
      }
      printJson(
          Json.object()
              .put("vectors", vectors)
              .put("wireBytes", wireBytes.get())
              .put("rawBytes", vectors * d * 4L)
              .put("nmse", roundTrip.distortion().nmse())
              .put("serverVerified", true)
              .put("seconds", seconds)
              .put("vectorsPerSecond", vectors / seconds));
      return 0;
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private SslContext clientTls() {
    try {
      // Netty 4.1 does not check the server's name by default; a certificate for another host
      // must not do.
      return SslContextBuilder.forClient()
          .trustManager(tlsTrust.toFile())
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (Exception e) {
      throw new DataException(
          tlsTrust,
          "cannot use as trusted TLS certificate: "
              + DataException.oneLine(String.valueOf(e.getMessage())),
          e);
    }
  }

  /** How far the failures below are followed through their causes: a chain is short. */
  private static final int MAX_CAUSES = 16;

  /**
   * Why a TLS handshake failed, in words, from the exception chain: a server that closed the
   * connection (Netty's {@link ClosedChannelException}, which has no message), broke it, or
   * answered with something that is not a TLS record is probably not serving TLS, and the message
   * asks; otherwise {@link #reason} (the JDK's: an untrusted certificate, a name that does not
   * match). Never "null".
   */
  static String handshakeFailure(Throwable failure) {
    String servingTls = " (is it serving TLS?)";
    Throwable t = failure;
    for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
      if (t instanceof NotSslRecordException) {
        return "the server's answer is not TLS" + servingTls;
      }
      if (t instanceof ClosedChannelException) {
        return "the server closed the connection during the handshake" + servingTls;
      }
      if (t instanceof IOException && !(t instanceof SSLException)) {
        return "the connection broke during the handshake ("
            + reason(t)
            + "; is it serving "
            + "TLS?)";
      }
    }
    return reason(failure);
  }

  /**
   * The first message in {@code failure}'s chain, on one line, or its type's name if none has one:
   * never "null".
   */
  static String reason(Throwable failure) {
    Throwable t = failure;
    for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return DataException.oneLine(t.getMessage());
      }
    }
    return failure.getClass().getSimpleName();
  }

  /** Back-pressure: wait while the socket's send buffer is above its high-water mark. */
  private static void awaitWritable(Channel ch) {
    while (!ch.isWritable() && ch.isActive()) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Checks acknowledgements against the digests of the vectors sent, one digest per vector, so that
   * a batch the server acknowledged in several parts checks as well as a whole one. {@link #expect}
   * runs on the sending thread, {@link #check} on the event loop.
   */
  private static final class AckChecker {
    private final ConcurrentLinkedQueue<long[]> expected = new ConcurrentLinkedQueue<>();
    final AtomicLong acknowledged = new AtomicLong();
    volatile boolean mismatch;
    private long[] current;
    private int next;

    void expect(long[] vectorDigests) {
      expected.add(vectorDigests);
    }

    void check(Acknowledgement ack) {
      Acknowledgement.Chain chain = new Acknowledgement.Chain();
      for (long i = 0; i < ack.vectors(); i++) {
        if (current == null || next == current.length) {
          current = expected.poll();
          next = 0;
          if (current == null) {
            // More acknowledged than sent so far.
            mismatch = true;
            return;
          }
        }
        chain.add(current[next++]);
      }
      if (chain.value() != ack.digest()) {
        mismatch = true;
      }
      acknowledged.addAndGet(ack.vectors());
    }
  }
}
