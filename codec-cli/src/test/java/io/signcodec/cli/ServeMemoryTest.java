package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.stream.StreamHeader;
import java.io.BufferedReader;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} in a child JVM with a 96 MiB heap, and eight clients that each send one frame
 * that decodes to 64 MiB of floats: 512 MiB at once if frames were decoded whole. Sliced into
 * 4 MiB batches, the server acknowledges all of it and exits normally.
 */
class ServeMemoryTest {
  private static final int D = 64;
  private static final int CLIENTS = 8;
  private static final int VECTORS = 1 << 18;

  @TempDir
  Path dir;

  @Test
  @Timeout(120)
  void eightLargeFramesAtOnceFitASmallHeap() throws Exception {
    Path data = TestFiles.gaussianFvecs(dir.resolve("x.fvecs"), 2_000, D, 3);
    Path cbFile = dir.resolve("cb.sgncb");
    Cli.train(data, cbFile, "--rate", "0.125", "--quiet");
    Codebook codebook = CliFiles.readCodebook(cbFile);
    assertEquals(1, codebook.codeBytes());

    Path err = dir.resolve("serve.err");
    Process serve = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
        "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
        SignCodecCli.class.getName(), "serve", "--codebook", cbFile.toString(), "--port", "0",
        "--exit-after", String.valueOf(CLIENTS))
        .redirectError(err.toFile()).start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      String listening = out.readLine();
      assertTrue(listening != null, "serve printed nothing: " + Files.readString(err));
      Map<String, Object> json = JsonParser.parseObject(listening);
      int port = ((Double) json.get("port")).intValue();

      byte[] codes = new byte[VECTORS];
      new Random(4).nextBytes(codes);
      byte[] frame = ServeLimitsTest.block(VECTORS, codes);
      float[] decoded = new float[VECTORS * D];
      LinearDecoder.of(codebook).decode(codes, 0, decoded, 0, VECTORS);
      int perBatch = (1 << 20) / D;
      long[] expected = new long[VECTORS / perBatch];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = Acknowledgement.digest(decoded, i * perBatch, perBatch, D);
      }

      List<CompletableFuture<long[]>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        CompletableFuture<long[]> acks = new CompletableFuture<>();
        Thread t = new Thread(() -> {
          try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(StreamHeader.of(codebook).toBytes());
            s.getOutputStream().write(frame);
            byte[] got = s.getInputStream().readNBytes(expected.length * Acknowledgement.BYTES);
            ByteBuffer b = ByteBuffer.wrap(got).order(ByteOrder.LITTLE_ENDIAN);
            long[] digests = new long[got.length / Acknowledgement.BYTES];
            for (int i = 0; i < digests.length; i++) {
              assertEquals(perBatch, b.getLong());
              digests[i] = b.getLong();
            }
            s.getOutputStream().write(ServeLimitsTest.end(VECTORS));
            acks.complete(digests);
          } catch (Throwable e) {
            acks.completeExceptionally(e);
          }
        }, "client-" + c);
        t.start();
        clients.add(acks);
      }
      for (CompletableFuture<long[]> acks : clients) {
        assertEquals(java.util.Arrays.toString(expected),
            java.util.Arrays.toString(acks.get(60, TimeUnit.SECONDS)));
      }
      assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "serve did not exit");
      assertEquals("", withoutUnsafeWarnings(Files.readString(err)));
      assertEquals(0, serve.exitValue());
    } finally {
      serve.destroyForcibly();
    }
  }

  /**
   * {@code stderr} without the JVM's one-time warning that Netty 4.1 uses {@code sun.misc.Unsafe}
   * (Java 24 and later print it; Netty's maintainers keep Unsafe for its speed in 4.1).
   */
  static String withoutUnsafeWarnings(String stderr) {
    return stderr.lines()
        .filter(l -> !(l.startsWith("WARNING: ") && (l.contains("sun.misc.Unsafe")
            || l.contains("Please consider reporting this to the maintainers of class io.netty"))))
        .map(l -> l + "\n")
        .collect(java.util.stream.Collectors.joining());
  }
}
