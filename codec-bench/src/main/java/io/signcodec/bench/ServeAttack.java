package io.signcodec.bench;

import io.signcodec.core.Codebook;
import io.signcodec.core.stream.BlockFraming;
import io.signcodec.core.stream.StreamHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * An honest {@code send} while N connections flood {@code serve} with legal frames: the fairness
 * and memory figures of docs/CLI.md. The server is {@code signcodec.jar serve} in a child JVM with
 * the given JVM options and its default limits; the codebook is what {@code train} makes of
 * Gaussian data (d = 384, 1 bit per coordinate by default); each attacker writes the stream header,
 * then legal frames of {@code --frame-bytes} (1 MiB of codes by default, every byte handed to the
 * kernel at once) for {@code --seconds}, reading and dropping the acknowledgements, so that the
 * server decodes all it can. The honest client is the CLI's {@code send} of {@code --vectors}
 * vectors in a child JVM, timed alone, then under the attack. Reports both times and their ratio,
 * the vectors the attackers had decoded, the server's connections closed by a timeout, and its peak
 * resident memory (VmHWM). Not part of CI; every loop is bounded by the duration.
 *
 * <pre>
 * java -cp codec-bench/target/benchmarks.jar io.signcodec.bench.ServeAttack \
 *     [--attackers 32] [--seconds 20] [--dim 384] [--rate 1] [--vectors 20000] \
 *     [--server-jvm "-Xmx512m"] [--serve-args ""] [--jar codec-cli/target/signcodec.jar]
 * </pre>
 */
public final class ServeAttack {
  private ServeAttack() {}

  public static void main(String[] args) throws Exception {
    int attackers = intArg(args, "--attackers", 32);
    int seconds = intArg(args, "--seconds", 20);
    int d = intArg(args, "--dim", 384);
    String rate = arg(args, "--rate", "1");
    int vectors = intArg(args, "--vectors", 20_000);
    int frameBytes = intArg(args, "--frame-bytes", 1 << 20);
    String serverJvm = arg(args, "--server-jvm", "-Xmx512m");
    String serveArgs = arg(args, "--serve-args", "");
    Path jar = Path.of(arg(args, "--jar", "codec-cli/target/signcodec.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          jar + " not found: build it with mvn -pl codec-cli -am" + " package");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path dir = Files.createTempDirectory("serve-attack");
    Path train = dir.resolve("train.fvecs");
    Path data = dir.resolve("send.fvecs");
    writeGaussian(train, 20_000, d, 1);
    writeGaussian(data, vectors, d, 2);
    Path cbFile = dir.resolve("cb.sgncb");
    run(
        List.of(
            java,
            "-jar",
            jar.toString(),
            "train",
            "--input",
            train.toString(),
            "--rate",
            rate,
            "--out",
            cbFile.toString(),
            "--quiet"));
    Codebook codebook;
    try (InputStream in = Files.newInputStream(cbFile)) {
      codebook = Codebook.read(in);
    }

    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(Arrays.asList(serverJvm.trim().split("\\s+")));
    command.addAll(
        List.of("-jar", jar.toString(), "serve", "--codebook", cbFile.toString(), "--port", "0"));
    if (!serveArgs.isBlank()) {
      command.addAll(Arrays.asList(serveArgs.trim().split("\\s+")));
    }
    Path err = dir.resolve("serve.err");
    Process server = new ProcessBuilder(command).redirectError(err.toFile()).start();
    try {
      int port = WireSoak.listeningPort(server, err);
      System.out.printf(
          "ServeAttack: d = %d, r = %s (%d-byte codes, %s), %d attackers"
              + " sending %d-byte frames for %d s, honest send of %d vectors%n",
          d,
          rate,
          codebook.codeBytes(),
          codebook.info().method(),
          attackers,
          frameBytes,
          seconds,
          vectors);
      System.out.println(
          "server: java "
              + String.join(" ", command.subList(1, command.size()))
                  .replace(cbFile.toString(), "CODEBOOK"));
      List<String> send =
          List.of(
              java,
              "-jar",
              jar.toString(),
              "send",
              "--codebook",
              cbFile.toString(),
              "--input",
              data.toString(),
              "--port",
              String.valueOf(port));
      run(send); // warms the server's JIT as the attack will
      double[] alone = timed(send);
      System.out.printf(
          "honest send alone: %.2f s (the transfer, as send reports it: %.2f s)%n",
          alone[0], alone[1]);

      int count = (frameBytes - 8) / codebook.codeBytes();
      byte[] codes = new byte[count * codebook.codeBytes()];
      new Random(3).nextBytes(codes);
      byte[] frame = block(codebook, count, codes);
      AtomicLong acked = new AtomicLong();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      List<Thread> threads = new ArrayList<>();
      List<Socket> sockets = new ArrayList<>();
      for (int a = 0; a < attackers; a++) {
        Socket s = new Socket("127.0.0.1", port);
        sockets.add(s);
        Thread reader = new Thread(() -> drain(s, acked), "acks");
        reader.setDaemon(true);
        reader.start();
        Thread writer = new Thread(() -> flood(s, codebook, frame, deadline), "attacker");
        writer.setDaemon(true);
        writer.start();
        threads.add(writer);
      }
      Thread.sleep(1_000); // the attack under way
      long ackedBefore = acked.get();
      long t0 = System.nanoTime();
      String failed = null;
      double[] attacked;
      try {
        attacked = timed(send);
      } catch (IllegalStateException e) {
        failed = e.getMessage().replaceAll("(?s).*failed: ", "").trim();
        attacked = new double[] {(System.nanoTime() - t0) / 1e9, Double.NaN};
      }
      long ackedDuring = acked.get() - ackedBefore;
      System.out.printf(
          "honest send under attack: %s %.2f s (%.1f x alone; the transfer %.2f s,"
              + " %.1f x alone); the attackers had %,d vectors decoded meanwhile (%,.0f vectors/s)%n",
          failed == null ? "done in" : "FAILED (" + failed + ") after",
          attacked[0],
          attacked[0] / alone[0],
          attacked[1],
          attacked[1] / alone[1],
          ackedDuring,
          ackedDuring / attacked[0]);
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(seconds + 30));
      }
      long hwm = WireSoak.status(server.pid(), "VmHWM");
      for (Socket s : sockets) {
        s.close();
      }
      Thread.sleep(500);
      List<String> log =
          Files.readAllLines(err).stream().filter(l -> l.startsWith("signcodec serve:")).toList();
      long timedOut = log.stream().filter(l -> l.contains("timeout")).count();
      System.out.printf(
          "server: peak resident memory %d MiB (VmHWM); %d log lines, %d of them" + " timeouts%s%n",
          hwm >> 10, log.size(), timedOut, log.isEmpty() ? "" : "; first: " + log.get(0));
    } catch (RuntimeException e) {
      System.out.println(
          "server stderr:\n"
              + Files.readString(err).lines().limit(20).collect(Collectors.joining("\n")));
      throw e;
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
      for (Path p : List.of(train, data, cbFile, err)) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    }
  }

  static void flood(Socket s, Codebook codebook, byte[] frame, long deadline) {
    try {
      OutputStream out = s.getOutputStream();
      out.write(StreamHeader.of(codebook).toBytes());
      for (int i = 0; i < 1_000_000 && System.nanoTime() < deadline; i++) {
        out.write(frame);
      }
    } catch (IOException closed) {
      // Closed by the server, or at the end.
    }
  }

  static void drain(Socket s, AtomicLong acked) {
    byte[] ack = new byte[16];
    try {
      InputStream in = s.getInputStream();
      while (in.readNBytes(ack, 0, 16) == 16) {
        acked.addAndGet(ByteBuffer.wrap(ack).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
      }
    } catch (IOException closed) {
      // Done.
    }
  }

  /** A legal block frame of {@code count} codes (format §3), sealed by the core's framing. */
  static byte[] block(Codebook codebook, int count, byte[] codes) {
    byte[] b = new byte[BlockFraming.BLOCK_OVERHEAD + codes.length];
    System.arraycopy(codes, 0, b, BlockFraming.COUNT_BYTES, codes.length);
    new BlockFraming(codebook.codeBytes(), count).sealBlock(b, 0, count);
    return b;
  }

  /** The whole process's seconds, and the transfer's as {@code send} reports them. */
  private static double[] timed(List<String> command) throws Exception {
    long t0 = System.nanoTime();
    String out = run(command);
    double whole = (System.nanoTime() - t0) / 1e9;
    double transfer =
        Double.parseDouble(out.replaceAll("(?s).*\"seconds\":\\s*([0-9.Ee+-]+).*", "$1"));
    return new double[] {whole, transfer};
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private static void writeGaussian(Path file, int count, int d, long seed) throws IOException {
    Random random = new Random(seed);
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * d).order(ByteOrder.LITTLE_ENDIAN);
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
      for (int i = 0; i < count; i++) {
        b.clear();
        b.putInt(d);
        for (int j = 0; j < d; j++) {
          b.putFloat((float) random.nextGaussian());
        }
        out.write(b.array());
      }
    }
  }

  private static String arg(String[] args, String name, String fallback) {
    int i = Arrays.asList(args).indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  }

  private static int intArg(String[] args, String name, int fallback) {
    return Integer.parseInt(arg(args, name, String.valueOf(fallback)));
  }
}
