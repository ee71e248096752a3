package io.signcodec.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.signcodec.core.Codebook;
import io.signcodec.core.TestData;
import io.signcodec.core.train.CodebookTrainer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decoders that share a {@link DecodeScheduler}, over real loopback connections: every vector
 * arrives as the library decodes it, in order, even when the client closes before the server has
 * decoded what it sent; a connection is not read while its slice is decoded; and a small frame does
 * not wait behind the whole of another connection's large one.
 */
class DecodeSchedulerTest {
  static {
    LeakRecorder.install();
  }

  private static final int D = 32;
  private static final Codebook CODEBOOK =
      CodebookTrainer.builder().rate(1).seed(2).build().isotropic(D);

  /** A server whose decoders share {@code scheduler}; {@code onBatch} sees each batch. */
  static final class Server implements AutoCloseable {
    final EventLoopGroup boss = new NioEventLoopGroup(1);
    final EventLoopGroup workers = new NioEventLoopGroup(1);
    final Channel channel;

    Server(
        DecodeScheduler scheduler, int sliceVectors, Consumer<Channel> onConnect, Receiver receiver)
        throws InterruptedException {
      this(CODEBOOK, scheduler, sliceVectors, onConnect, receiver);
    }

    Server(
        Codebook codebook,
        DecodeScheduler scheduler,
        int sliceVectors,
        Consumer<Channel> onConnect,
        Receiver receiver)
        throws InterruptedException {
      channel =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      onConnect.accept(ch);
                      SignFrameDecoder decoder =
                          SignFrameDecoder.builder(codebook)
                              .maxBatchFloats(sliceVectors * codebook.dimension())
                              .decodeScheduler(scheduler)
                              .build();
                      ch.pipeline()
                          .addLast(
                              decoder,
                              new SimpleChannelInboundHandler<EmbeddingBatch>() {
                                @Override
                                protected void channelRead0(
                                    ChannelHandlerContext ctx, EmbeddingBatch batch) {
                                  receiver.batch(ctx.channel(), batch);
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                  receiver.closed(
                                      ctx.channel(), decoder.ended() ? decoder.vectorsRead() : -1);
                                }

                                @Override
                                public void exceptionCaught(
                                    ChannelHandlerContext ctx, Throwable cause) {
                                  receiver.failed(ctx.channel(), cause);
                                }
                              });
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();
    }

    SocketAddress address() {
      return channel.localAddress();
    }

    @Override
    public void close() throws InterruptedException {
      channel.close().sync();
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  interface Receiver {
    void batch(Channel ch, EmbeddingBatch batch);

    void closed(Channel ch, long vectors);

    void failed(Channel ch, Throwable cause);
  }

  /** The stream of {@code x} in frames of {@code frame} vectors, as SignFrameEncoder writes it. */
  static byte[] stream(float[] x, int frame) {
    return stream(CODEBOOK, x, frame);
  }

  static byte[] stream(Codebook codebook, float[] x, int frame) {
    io.netty.channel.embedded.EmbeddedChannel enc =
        new io.netty.channel.embedded.EmbeddedChannel(new SignFrameEncoder(codebook));
    int d = codebook.dimension();
    int count = x.length / d;
    for (int first = 0; first < count; first += frame) {
      int m = Math.min(frame, count - first);
      enc.writeOutbound(EmbeddingBatch.of(d, Arrays.copyOfRange(x, first * d, (first + m) * d)));
    }
    enc.close();
    io.netty.buffer.ByteBuf all = io.netty.buffer.Unpooled.buffer();
    for (Object o; (o = enc.readOutbound()) != null; ) {
      io.netty.buffer.ByteBuf b = (io.netty.buffer.ByteBuf) o;
      all.writeBytes(b);
      b.release();
    }
    byte[] bytes = new byte[all.readableBytes()];
    all.readBytes(bytes);
    all.release();
    return bytes;
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void everyVectorArrivesInOrderThoughTheClientsCloseAtOnce() throws Exception {
    int clients = 4;
    int count = 20_000;
    List<float[]> inputs = new ArrayList<>();
    List<float[]> expected = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      float[] x = TestData.isotropic(count, D, 10 + c);
      inputs.add(x);
      expected.add(TestData.libraryDecode(CODEBOOK, x));
    }
    ConcurrentHashMap<Channel, float[]> received = new ConcurrentHashMap<>();
    ConcurrentHashMap<Channel, int[]> receivedCount = new ConcurrentHashMap<>();
    List<CompletableFuture<float[]>> done = new ArrayList<>();
    ConcurrentHashMap<Channel, CompletableFuture<float[]>> futureOf = new ConcurrentHashMap<>();
    AtomicInteger connected = new AtomicInteger();
    AtomicInteger readWhileDecoding = new AtomicInteger();
    AtomicReference<Throwable> error = new AtomicReference<>();
    for (int c = 0; c < clients; c++) {
      done.add(new CompletableFuture<>());
    }
    try (DecodeScheduler scheduler = new DecodeScheduler(2);
        Server server =
            new Server(
                scheduler,
                300,
                ch -> {
                  futureOf.put(ch, done.get(connected.getAndIncrement()));
                  received.put(ch, new float[count * D]);
                  receivedCount.put(ch, new int[1]);
                },
                new Receiver() {
                  @Override
                  public void batch(Channel ch, EmbeddingBatch batch) {
                    if (ch.config().isAutoRead()) {
                      readWhileDecoding.incrementAndGet();
                    }
                    int[] n = receivedCount.get(ch);
                    System.arraycopy(
                        batch.vectors(), 0, received.get(ch), n[0] * D, batch.count() * D);
                    n[0] += batch.count();
                  }

                  @Override
                  public void closed(Channel ch, long vectors) {
                    if (vectors != count || receivedCount.get(ch)[0] != count) {
                      futureOf
                          .get(ch)
                          .completeExceptionally(
                              new AssertionError(
                                  "closed after "
                                      + vectors
                                      + " vectors, "
                                      + receivedCount.get(ch)[0]
                                      + " passed on"));
                    } else {
                      futureOf.get(ch).complete(received.get(ch));
                    }
                  }

                  @Override
                  public void failed(Channel ch, Throwable cause) {
                    error.set(cause);
                    futureOf.get(ch).completeExceptionally(cause);
                  }
                })) {
      // One after the other, so that connection c is the c-th future; each client writes its
      // whole stream and closes at once, long before the server has decoded it.
      List<float[]> order = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        byte[] bytes = stream(inputs.get(c), 1_000);
        try (Socket s = new Socket()) {
          s.connect(server.address());
          while (connected.get() <= c) {
            Thread.sleep(1);
          }
          s.getOutputStream().write(bytes);
        }
        order.add(expected.get(c));
      }
      for (int c = 0; c < clients; c++) {
        assertArrayEquals(order.get(c), done.get(c).get(30, TimeUnit.SECONDS), "client " + c);
      }
      assertNull(error.get());
      assertEquals(0, readWhileDecoding.get(), "a batch was passed on while its channel read");
    }
  }

  /**
   * One connection sends a frame of 100 slices (d = 512, some milliseconds each); another sends one
   * small frame once the first has had a slice decoded. On one decoding thread the small frame is
   * decoded after the slice in progress, the one queued and the few decoded before its bytes were
   * read, not after the whole large frame (as on the event loop).
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aSmallFrameDoesNotWaitBehindALargeOne() throws Exception {
    Codebook wide = CodebookTrainer.builder().rate(1).seed(3).build().isotropic(512);
    int slice = 200;
    int large = 100 * slice;
    float[] big = TestData.isotropic(large, 512, 20);
    float[] small = TestData.isotropic(10, 512, 21);
    AtomicInteger bigDelivered = new AtomicInteger();
    CompletableFuture<Integer> bigSeenBySmall = new CompletableFuture<>();
    CompletableFuture<Void> firstBigSlice = new CompletableFuture<>();
    AtomicReference<Channel> bigChannel = new AtomicReference<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    try (DecodeScheduler scheduler = new DecodeScheduler(1);
        Server server =
            new Server(
                wide,
                scheduler,
                slice,
                ch -> bigChannel.compareAndSet(null, ch),
                new Receiver() {
                  @Override
                  public void batch(Channel ch, EmbeddingBatch batch) {
                    if (ch == bigChannel.get()) {
                      bigDelivered.addAndGet(batch.count());
                      firstBigSlice.complete(null);
                    } else {
                      bigSeenBySmall.complete(bigDelivered.get());
                    }
                  }

                  @Override
                  public void closed(Channel ch, long vectors) {}

                  @Override
                  public void failed(Channel ch, Throwable cause) {
                    error.set(cause);
                  }
                });
        Socket a = new Socket();
        Socket b = new Socket()) {
      a.connect(server.address());
      a.getOutputStream().write(stream(wide, big, large));
      firstBigSlice.get(30, TimeUnit.SECONDS);
      b.connect(server.address());
      b.getOutputStream().write(stream(wide, small, 10));
      int before = bigSeenBySmall.get(30, TimeUnit.SECONDS);
      assertTrue(
          before <= large / 2,
          "the small frame waited for "
              + before
              + " of the large"
              + " frame's "
              + large
              + " vectors");
      assertNull(error.get());
    }
  }

  /**
   * The server closes a connection while a slice is with the scheduler (here its own handler, at
   * the first batch; in a server, a failed write or a timeout). As without a scheduler, what had
   * arrived is still passed on, in order, then the close and the stream cut short, all before the
   * pipeline goes away with the channel.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aCloseWhileASliceIsDecodedPassesOnWhatArrivedFirst() throws Exception {
    int count = 3_000;
    float[] x = TestData.isotropic(count, D, 30);
    float[] expected = TestData.libraryDecode(CODEBOOK, x);
    byte[] stream = stream(x, count);
    byte[] cut = Arrays.copyOf(stream, stream.length - 16); // no end marker
    float[] received = new float[count * D];
    int[] n = {0};
    List<String> events = new ArrayList<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    try (DecodeScheduler scheduler = new DecodeScheduler(1);
        Server server =
            new Server(
                scheduler,
                300,
                ch -> {},
                new Receiver() {
                  @Override
                  public void batch(Channel ch, EmbeddingBatch batch) {
                    System.arraycopy(batch.vectors(), 0, received, n[0] * D, batch.count() * D);
                    n[0] += batch.count();
                    if (events.isEmpty()) {
                      ch.close();
                    }
                    events.add("batch");
                  }

                  @Override
                  public void closed(Channel ch, long vectors) {
                    events.add("inactive after " + n[0]);
                    closed.complete(null);
                  }

                  @Override
                  public void failed(Channel ch, Throwable cause) {
                    events.add(cause.getClass().getSimpleName() + ": " + cause.getMessage());
                  }
                });
        Socket s = new Socket()) {
      s.connect(server.address());
      s.getOutputStream().write(cut);
      s.getOutputStream().flush();
      closed.get(30, TimeUnit.SECONDS);
    }
    assertEquals(count, n[0], events.toString());
    assertArrayEquals(expected, received);
    List<String> tail = events.subList(events.size() - 2, events.size());
    // ByteToMessageDecoder's order: the close, then what it found cut short.
    assertEquals(
        List.of(
            "inactive after " + count,
            "TruncatedStreamDecoderException: connection"
                + " closed after block 0 ("
                + count
                + " vectors) without the end marker"),
        tail);
  }

  @Test
  void refusesNoThreads() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> new DecodeScheduler(0));
    assertEquals("threads: 0 (expected: > 0)", e.getMessage());
  }

  @Test
  void closingStopsItsThreads() throws Exception {
    DecodeScheduler scheduler = new DecodeScheduler(3);
    assertEquals(3, scheduler.threads());
    scheduler.close();
    assertTrue(scheduler.awaitStopped(5_000));
    assertFalse(scheduler.queued() > 0);
  }

  @AfterAll
  static void noLeaks() {
    assertTrue(LeakRecorder.leaks().isEmpty(), LeakRecorder.LEAKS.toString());
  }
}
