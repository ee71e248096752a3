package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.stream.StreamHeader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} in a child JVM, and clients that each send one large frame at once. Eight frames
 * that decode to 64 MiB of floats each (512 MiB at once if frames were decoded whole) fit a 96 MiB
 * heap; 32 frames of 1 MiB of codes, with the heap setting docs/CLI.md gives for {@code serve}
 * ({@code -Xmx512m}), keep the process's resident memory (VmHWM, not only its live objects) below
 * the figure docs/CLI.md states for them.
 */
class ServeMemoryTest {
  /** docs/CLI.md: 32 connections each sending 1 MiB frames, with -Xmx512m. */
  static final long DOCUMENTED_RSS_MIB = 256;

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void eightLargeFramesAtOnceFitASmallHeap() throws Exception {
    Path data = TestFiles.gaussianFvecs(dir.resolve("x.fvecs"), 2_000, 64, 3);
    Path cbFile = dir.resolve("cb.sgncb");
    Cli.train(data, cbFile, "--rate", "0.125", "--quiet");
    Codebook codebook = CliFiles.readCodebook(cbFile);
    assertEquals(1, codebook.codeBytes());
    long peak = serveFrames(cbFile, codebook, "-Xmx96m", 8, 1 << 18);
    assertTrue(peak > 0 || !Files.exists(Path.of("/proc/self/status")));
  }

  @Test
  @Timeout(120)
  void thirtyTwoFramesStayWithinTheDocumentedResidentMemory() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/self/status")), "needs /proc (Linux)");
    Path data = TestFiles.gaussianFvecs(dir.resolve("x.fvecs"), 2_000, 16, 3);
    Path cbFile = dir.resolve("cb.sgncb");
    Cli.train(data, cbFile, "--rate", "1", "--quiet");
    Codebook codebook = CliFiles.readCodebook(cbFile);
    int vectors = ((1 << 20) - 8) / codebook.codeBytes();
    long peakKib = serveFrames(cbFile, codebook, "-Xmx512m", 32, vectors);
    System.out.println(
        "ServeMemoryTest: 32 frames of 1 MiB, -Xmx512m: VmHWM " + (peakKib >> 10) + " MiB");
    assertTrue(
        peakKib >> 10 < DOCUMENTED_RSS_MIB,
        "serve's peak resident memory was "
            + (peakKib >> 10)
            + " MiB, documented: below "
            + DOCUMENTED_RSS_MIB
            + " MiB");
  }

  /**
   * Starts {@code serve} with {@code heap}; {@code clients} each send the header and one frame of
   * {@code vectors} random codes at once and check every acknowledgement; once all have been
   * acknowledged, reads the server's VmHWM (KiB; 0 without /proc), then the clients end their
   * streams and the server exits normally with nothing on standard error.
   */
  long serveFrames(Path cbFile, Codebook codebook, String heap, int clients, int vectors)
      throws Exception {
    int d = codebook.dimension();
    Path err = dir.resolve("serve.err");
    Process serve =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap,
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                SignCodecCli.class.getName(),
                "serve",
                "--codebook",
                cbFile.toString(),
                "--port",
                "0",
                "--exit-after",
                String.valueOf(clients))
            .redirectError(err.toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      String listening = out.readLine();
      assertTrue(listening != null, "serve printed nothing: " + Files.readString(err));
      Map<String, Object> json = JsonParser.parseObject(listening);
      int port = ((Double) json.get("port")).intValue();

      byte[] codes = new byte[vectors * codebook.codeBytes()];
      new Random(4).nextBytes(codes);
      byte[] frame = ServeLimitsTest.block(vectors, codes);
      float[] decoded = new float[vectors * d];
      LinearDecoder.of(codebook).decode(codes, 0, decoded, 0, vectors);
      int perBatch = ServeCommand.DEFAULT_MAX_BATCH_FLOATS / d;
      long[] expected = new long[(vectors + perBatch - 1) / perBatch];
      for (int i = 0; i < expected.length; i++) {
        int n = Math.min(perBatch, vectors - i * perBatch);
        expected[i] = Acknowledgement.digest(decoded, i * perBatch, n, d);
      }

      CountDownLatch acknowledged = new CountDownLatch(clients);
      CountDownLatch measured = new CountDownLatch(1);
      List<CompletableFuture<long[]>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        CompletableFuture<long[]> acks = new CompletableFuture<>();
        Thread t =
            new Thread(
                () -> {
                  try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(90_000);
                    s.getOutputStream().write(StreamHeader.of(codebook).toBytes());
                    s.getOutputStream().write(frame);
                    byte[] got =
                        s.getInputStream().readNBytes(expected.length * Acknowledgement.BYTES);
                    ByteBuffer b = ByteBuffer.wrap(got).order(ByteOrder.LITTLE_ENDIAN);
                    long[] digests = new long[got.length / Acknowledgement.BYTES];
                    for (int i = 0; i < digests.length; i++) {
                      assertEquals(Math.min(perBatch, vectors - i * perBatch), b.getLong());
                      digests[i] = b.getLong();
                    }
                    acknowledged.countDown();
                    measured.await(90, TimeUnit.SECONDS);
                    s.getOutputStream().write(ServeLimitsTest.end(vectors));
                    acks.complete(digests);
                  } catch (Throwable e) {
                    acknowledged.countDown();
                    acks.completeExceptionally(e);
                  }
                },
                "client-" + c);
        t.setDaemon(true);
        t.start();
        done.add(acks);
      }
      assertTrue(acknowledged.await(90, TimeUnit.SECONDS), "not every frame acknowledged");
      long peak = status(serve.pid(), "VmHWM");
      measured.countDown();
      for (CompletableFuture<long[]> acks : done) {
        assertEquals(
            java.util.Arrays.toString(expected),
            java.util.Arrays.toString(acks.get(60, TimeUnit.SECONDS)));
      }
      assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "serve did not exit");
      assertEquals("", withoutUnsafeWarnings(Files.readString(err)));
      assertEquals(0, serve.exitValue());
      return peak;
    } finally {
      serve.destroyForcibly();
    }
  }

  /** A field of /proc/PID/status in KiB, or 0 where there is none. */
  static long status(long pid, String field) throws IOException {
    Path file = Path.of("/proc/" + pid + "/status");
    if (!Files.exists(file)) {
      return 0;
    }
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D+", ""));
      }
    }
    return 0;
  }

  /**
   * {@code stderr} without the JVM's one-time warning that Netty 4.1 uses {@code sun.misc.Unsafe}
   * (Java 24 and later print it; Netty's maintainers keep Unsafe for its speed in 4.1).
   */
  static String withoutUnsafeWarnings(String stderr) {
    return stderr
        .lines()
        .filter(
            l ->
                !(l.startsWith("WARNING: ")
                    && (l.contains("sun.misc.Unsafe")
                        || l.contains(
                            "Please consider reporting this to the maintainers of class io.netty"))))
        .map(l -> l + "\n")
        .collect(java.util.stream.Collectors.joining());
  }
}
