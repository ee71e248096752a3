package io.signcodec.bench;

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
import io.signcodec.core.Codebook;
import io.signcodec.core.stream.StreamHeader;
import io.signcodec.core.train.CodebookTrainer;
import io.signcodec.netty.EmbeddingBatch;
import io.signcodec.netty.SignFrameEncoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Soak of {@code serve}: the server from {@code signcodec.jar} in a child JVM on 127.0.0.1, with
 * its default limits, and N well-behaved clients that each keep a few batches in flight for M
 * seconds, plus K hostile ones that write one-vector frames and never read an acknowledgement, plus
 * F flooders that write legal frames of 1 MiB of codes as fast as the server takes them (reading
 * and dropping their acknowledgements, as {@link ServeAttack}'s attackers do); with flooders, the
 * clients first run alone for {@code --warmup} seconds (both JVMs' JIT: the Vector API is slow
 * until compiled), figures dropped. Reports acknowledged vectors per second, the batch round trip
 * (write to acknowledgement) at p50/p99/max (with a window of W batches per client in flight, that
 * is mostly W × clients batches of queueing: Little's law), and the server's peak resident memory
 * (VmHWM of the child, and the largest VmRSS sampled every 250 ms). Not part of CI; every loop is
 * bounded by the duration.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp codec-bench/target/benchmarks.jar \
 *     io.signcodec.bench.WireSoak \
 *     [--clients 8] [--hostile 2] [--flooders 0] [--warmup 15] [--seconds 20] [--dim 384] \
 *     [--rate 1] \
 *     [--batch 1024] [--window 2] [--server-heap 512m] [--jar codec-cli/target/signcodec.jar]
 * </pre>
 */
public final class WireSoak {
  private static final int ACK_BYTES = 16;

  private WireSoak() {}

  public static void main(String[] args) throws Exception {
    int clients = intArg(args, "--clients", 8);
    int hostile = intArg(args, "--hostile", 2);
    int flooders = intArg(args, "--flooders", 0);
    int warmupSeconds = intArg(args, "--warmup", 15);
    int seconds = intArg(args, "--seconds", 20);
    int d = intArg(args, "--dim", 384);
    double rate = Double.parseDouble(arg(args, "--rate", "1"));
    int batch = intArg(args, "--batch", 1024);
    int window = intArg(args, "--window", 2);
    String heap = arg(args, "--server-heap", "512m");
    Path jar = Path.of(arg(args, "--jar", "codec-cli/target/signcodec.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          jar + " not found: build it with mvn -pl codec-cli -am" + " package");
    }
    Codebook codebook = CodebookTrainer.builder().rate(rate).seed(1).build().isotropic(d);
    Path dir = Files.createTempDirectory("wire-soak");
    Path cbFile = dir.resolve("soak.sgncb");
    try (OutputStream out = Files.newOutputStream(cbFile)) {
      codebook.write(out);
    }
    Path err = dir.resolve("serve.err");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // With the Vector API, as the README runs the jar for speed.
    List<String> command =
        List.of(
            javaBin,
            "-Xmx" + heap,
            "--add-modules",
            "jdk.incubator.vector",
            "-jar",
            jar.toString(),
            "serve",
            "--codebook",
            cbFile.toString(),
            "--port",
            "0");
    Process server = new ProcessBuilder(command).redirectError(err.toFile()).start();
    try {
      int port = listeningPort(server, err);
      long startRss = status(server.pid(), "VmRSS");
      System.out.printf(
          "WireSoak: %d clients + %d that never read + %d flooders, %d s, d = %d,"
              + " r = %s (n = %d, dense), batches of %d, window %d%n",
          clients, hostile, flooders, seconds, d, rate, codebook.bits(), batch, window);
      System.out.println(
          "server: java "
              + String.join(" ", command.subList(1, command.size()))
                  .replace(cbFile.toString(), "CODEBOOK")
              + " (its default limits)");
      run(
          codebook,
          port,
          clients,
          hostile,
          flooders,
          warmupSeconds,
          seconds,
          batch,
          window,
          server.pid(),
          startRss);
      server.waitFor(1, TimeUnit.SECONDS);
      String log =
          Files.readString(err)
              .lines()
              .filter(line -> !line.startsWith("WARNING: Using incubator modules"))
              .collect(java.util.stream.Collectors.joining("\n"));
      System.out.println(
          "server stderr: "
              + (log.isEmpty()
                  ? "(empty)"
                  : log.lines().count() + " lines, first: " + log.lines().findFirst().orElse("")));
      if (log.contains("Exception")) {
        // Not a one-line report: what the server did not handle, in full.
        System.out.println(
            log.lines().limit(40).collect(java.util.stream.Collectors.joining("\n")));
      }
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
      Files.deleteIfExists(cbFile);
      Files.deleteIfExists(err);
      Files.deleteIfExists(dir);
    }
  }

  private static void run(
      Codebook codebook,
      int port,
      int clients,
      int hostile,
      int flooders,
      int warmupSeconds,
      int seconds,
      int batch,
      int window,
      long serverPid,
      long startRss)
      throws Exception {
    int d = codebook.dimension();
    Random random = new Random(2);
    float[][] pool = new float[16][batch * d];
    for (float[] p : pool) {
      for (int i = 0; i < p.length; i++) {
        p[i] = (float) random.nextGaussian();
      }
    }
    AtomicLong acked = new AtomicLong();
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    EventLoopGroup group = new NioEventLoopGroup(2);
    List<Socket> hostiles = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    AtomicLong hostileBytes = new AtomicLong();
    long[] maxRss = {startRss};
    try {
      for (int h = 0; h < hostile; h++) {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        hostiles.add(s);
        Thread t = new Thread(() -> neverRead(s, codebook, hostileBytes), "hostile");
        t.setDaemon(true);
        t.start();
      }
      // With flooders: the clients first run alone for a warm-up (both JITs), whose figures are
      // dropped; then the flood starts, and after a second of it the measurement.
      long warmup = flooders > 0 ? TimeUnit.SECONDS.toNanos(warmupSeconds) : 0;
      long deadline =
          System.nanoTime()
              + warmup
              + TimeUnit.SECONDS.toNanos(seconds)
              + (flooders > 0 ? TimeUnit.SECONDS.toNanos(1) : 0);
      long t0 = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        Client client = new Client(group, port, codebook, window, acked, latencies);
        int first = c;
        Thread t = new Thread(() -> client.sendUntil(deadline, pool, first, batch), "client");
        t.start();
        threads.add(t);
      }
      AtomicLong flooded = new AtomicLong();
      if (flooders > 0) {
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(warmup));
        int floodCount = ((1 << 20) - 8) / codebook.codeBytes();
        byte[] floodCodes = new byte[floodCount * codebook.codeBytes()];
        random.nextBytes(floodCodes);
        byte[] floodFrame = ServeAttack.block(codebook, floodCount, floodCodes);
        for (int f = 0; f < flooders; f++) {
          Socket s = new Socket("127.0.0.1", port);
          hostiles.add(s);
          Thread reader = new Thread(() -> ServeAttack.drain(s, flooded), "flood-acks");
          reader.setDaemon(true);
          reader.start();
          Thread writer =
              new Thread(() -> ServeAttack.flood(s, codebook, floodFrame, deadline), "flooder");
          writer.setDaemon(true);
          writer.start();
        }
        Thread.sleep(1_000); // the flood under way
        System.out.printf(
            "alone, warming up: %,d vectors acknowledged in %.0f s%n",
            acked.get(), warmup / 1e9 + 1);
        acked.set(0);
        latencies.clear();
        flooded.set(0);
        t0 = System.nanoTime();
      }
      while (System.nanoTime() < deadline) {
        Thread.sleep(250);
        maxRss[0] = Math.max(maxRss[0], status(serverPid, "VmRSS"));
      }
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long hwm = status(serverPid, "VmHWM");
      for (Socket s : hostiles) {
        s.close();
      }
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf(
          "acknowledged: %,d vectors in %.1f s: %,.0f vectors/s%n",
          acked.get(), elapsed, acked.get() / elapsed);
      if (sorted.length > 0) {
        System.out.printf(
            "batch round trip: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%,d batches)%n",
            percentile(sorted, 0.50) / 1e6,
            percentile(sorted, 0.99) / 1e6,
            sorted[sorted.length - 1] / 1e6,
            sorted.length);
      }
      System.out.printf(
          "clients that never read wrote %,d bytes before their writes blocked"
              + " (the kernel's socket buffers included)%n",
          hostileBytes.get());
      if (flooders > 0) {
        System.out.printf("flooders: %,d vectors decoded in all%n", flooded.get());
      }
      System.out.printf(
          "server resident memory: %d MiB at start, peak %d MiB (VmHWM), largest"
              + " sample %d MiB (VmRSS)%n",
          startRss >> 10, hwm >> 10, maxRss[0] >> 10);
    } finally {
      for (Socket s : hostiles) {
        s.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** One well-behaved connection: writes batches, at most {@code window} unacknowledged. */
  private static final class Client {
    private final Channel channel;
    private final int windowSize;
    private final Semaphore window;

    /** Batches written and not yet wholly acknowledged: {write time, vectors not yet acked}. */
    private final ConcurrentLinkedQueue<long[]> sent = new ConcurrentLinkedQueue<>();

    private final int d;

    Client(
        EventLoopGroup group,
        int port,
        Codebook codebook,
        int windowSize,
        AtomicLong acked,
        ConcurrentLinkedQueue<Long> latencies)
        throws InterruptedException {
      this.d = codebook.dimension();
      this.windowSize = windowSize;
      this.window = new Semaphore(windowSize);
      this.channel =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(
                              new FixedLengthFrameDecoder(ACK_BYTES),
                              new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(
                                    ChannelHandlerContext ctx, ByteBuf ack) {
                                  // serve acknowledges a batch in slices (--max-batch-floats): a
                                  // batch's
                                  // round trip ends with the acknowledgement of its last vector.
                                  long now = System.nanoTime();
                                  long n = ack.readLongLE();
                                  acked.addAndGet(n);
                                  for (long[] head; n > 0 && (head = sent.peek()) != null; ) {
                                    long take = Math.min(n, head[1]);
                                    head[1] -= take;
                                    n -= take;
                                    if (head[1] == 0) {
                                      sent.poll();
                                      latencies.add(now - head[0]);
                                      window.release();
                                    }
                                  }
                                }
                              },
                              new SignFrameEncoder(codebook));
                    }
                  })
              .connect(new InetSocketAddress("127.0.0.1", port))
              .sync()
              .channel();
    }

    void sendUntil(long deadline, float[][] pool, int first, int batch) {
      try {
        for (int i = first; System.nanoTime() < deadline && channel.isActive(); i++) {
          if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            continue;
          }
          sent.add(new long[] {System.nanoTime(), batch});
          channel.writeAndFlush(new EmbeddingBatch(d, batch, pool[i % pool.length]));
        }
        // The last acknowledgements, then the end marker.
        window.tryAcquire(windowSize, 30, TimeUnit.SECONDS);
        channel.close().await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The header, then one-vector frames until the socket is closed under the blocked write. */
  private static void neverRead(Socket s, Codebook codebook, AtomicLong bytes) {
    byte[] codes = new byte[codebook.codeBytes()];
    byte[] frame = new byte[8 + codes.length];
    frame[0] = 1;
    CRC32C crc = new CRC32C();
    crc.update(frame, 0, 4 + codes.length);
    int c = (int) crc.getValue();
    for (int i = 0; i < 4; i++) {
      frame[4 + codes.length + i] = (byte) (c >>> (8 * i));
    }
    byte[] chunk = new byte[frame.length * 1024];
    for (int i = 0; i < 1024; i++) {
      System.arraycopy(frame, 0, chunk, i * frame.length, frame.length);
    }
    try {
      OutputStream out = s.getOutputStream();
      out.write(StreamHeader.of(codebook).toBytes());
      // At most 4 GiB, far more than a server that stops reading takes.
      for (int i = 0; i < (4L << 30) / chunk.length; i++) {
        out.write(chunk);
        bytes.addAndGet(chunk.length);
      }
    } catch (IOException closed) {
      // Closed at the end of the soak, or by the server's idle timeout.
    }
  }

  /** The port a {@code serve} child reports in its first line; its stderr if it reports none. */
  static int listeningPort(Process server, Path err) throws IOException {
    String listening =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    if (listening == null) {
      throw new IllegalStateException("serve printed nothing: " + Files.readString(err));
    }
    return Integer.parseInt(listening.replaceAll(".*\"port\":\\s*(\\d+).*", "$1"));
  }

  private static double percentile(long[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }

  /** A field of /proc/PID/status in KiB, or 0 where there is no such file. */
  static long status(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("\\D+", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  private static String arg(String[] args, String name, String fallback) {
    int i = Arrays.asList(args).indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  }

  private static int intArg(String[] args, String name, int fallback) {
    return Integer.parseInt(arg(args, name, String.valueOf(fallback)));
  }
}
