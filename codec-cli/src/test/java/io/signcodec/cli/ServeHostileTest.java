package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.stream.StreamHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} against what a hostile-client probe found: a TLS record dripped after the
 * handshake, a handshake that never completes, honest clients of a server busy decoding (the
 * timeouts must blame them only for their own time), and a client that resets the connection in the
 * middle of its stream. Raw sockets on 127.0.0.1; every loop bounded in count and time.
 */
class ServeHostileTest {
  @TempDir Path dir;

  /** A TLS client whose bytes to the server pass through a proxy that can drip them. */
  static final class DripProxy implements AutoCloseable {
    final ServerSocket listener = new ServerSocket();
    final AtomicBoolean drip = new AtomicBoolean();
    final List<Socket> sockets = new ArrayList<>();

    DripProxy(int serverPort) throws IOException {
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      Thread t =
          new Thread(
              () -> {
                try (Socket client = listener.accept();
                    Socket server = new Socket("127.0.0.1", serverPort)) {
                  sockets.add(client);
                  sockets.add(server);
                  Thread back = new Thread(() -> copy(server, client, null), "proxy-back");
                  back.setDaemon(true);
                  back.start();
                  copy(client, server, drip);
                } catch (IOException | RuntimeException e) {
                  // The test closes the proxy.
                }
              },
              "proxy");
      t.setDaemon(true);
      t.start();
    }

    /** Copies until either side closes; a byte every 50 ms while {@code slow} is set. */
    static void copy(Socket from, Socket to, AtomicBoolean slow) {
      byte[] buf = new byte[8192];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
          for (int i = 0; i < n; ) {
            if (slow != null && slow.get()) {
              out.write(buf[i++]);
              out.flush();
              Thread.sleep(50);
            } else {
              out.write(buf, i, n - i);
              out.flush();
              i = n;
            }
          }
        }
      } catch (IOException | InterruptedException e) {
        // Closed.
      } finally {
        try {
          to.shutdownOutput();
        } catch (IOException e) {
          // Closed already.
        }
      }
    }

    int port() {
      return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  static SSLContext trusting(Path certPem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certPem)) {
      trust.setCertificateEntry(
          "server", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  Codebook codebook(Path cbFile) throws IOException {
    return CliFiles.readCodebook(cbFile);
  }

  /** A 1-bit codebook at d = 16, trained on a small Gaussian file. */
  Path smallCodebook() throws IOException {
    Path data = TestFiles.gaussianFvecs(dir.resolve("x.fvecs"), 2_000, 16, 5);
    return ServeSendTest.codebook(dir, "cb.sgncb", 1, data);
  }

  /** {@code serve} over TLS with {@code id}, for one connection. */
  static ServeSendTest.Server serveTls(Path cbFile, ServeTlsTest.Identity id, String... options)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("--tls-cert", id.cert().toString(), "--tls-key", id.key().toString()));
    args.addAll(List.of(options));
    return ServeSendTest.serve(cbFile, 1, args.toArray(new String[0]));
  }

  /**
   * After the handshake, the client's bytes arrive one per 50 ms: the SslHandler holds the record
   * back, the decoder sees nothing and the connection never goes idle. The record's own clock
   * (--frame-timeout, 1 s) closes it, with one line.
   */
  @Test
  @Timeout(60)
  void aTlsRecordDrippedAfterTheHandshakeIsClosedAtTheFrameTimeout() throws Exception {
    Path cbFile = smallCodebook();
    ServeTlsTest.Identity id = ServeTlsTest.selfSigned(dir, "server", "ip:127.0.0.1");
    ServeSendTest.Server server =
        serveTls(cbFile, id, "--frame-timeout", "1", "--idle-timeout", "20");
    long t0;
    try (DripProxy proxy = new DripProxy(server.port());
        Socket raw = new Socket("127.0.0.1", proxy.port());
        SSLSocket tls =
            (SSLSocket)
                trusting(id.cert())
                    .getSocketFactory()
                    .createSocket(raw, "127.0.0.1", proxy.port(), true)) {
      tls.setSoTimeout(30_000);
      tls.startHandshake();
      proxy.drip.set(true);
      t0 = System.nanoTime();
      // Header and one block in one record: some 100 bytes of ciphertext, 5 s at the drip.
      byte[] header = StreamHeader.of(codebook(cbFile)).toBytes();
      byte[] block = ServeLimitsTest.block(1, new byte[codebook(cbFile).codeBytes()]);
      byte[] both = new byte[header.length + block.length];
      System.arraycopy(header, 0, both, 0, header.length);
      System.arraycopy(block, 0, both, header.length, block.length);
      tls.getOutputStream().write(both);
      tls.getOutputStream().flush();
      try {
        assertEquals(-1, tls.getInputStream().read(), "an acknowledgement arrived");
      } catch (IOException closed) {
        // Closed by the server under the drip.
      }
    }
    assertEquals(0, server.exit().get(20, TimeUnit.SECONDS));
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    assertTrue(seconds < 5, "closed only after " + seconds + " s");
    String[] lines = ServeLimitsTest.awaitErrLines(server, 1);
    assertEquals(1, lines.length, server.err().toString());
    assertTrue(
        lines[0].matches(
            "signcodec serve: /127\\.0\\.0\\.1:\\d+: TLS record \\d+ still"
                + " incomplete \\d+ ms after its first byte arrived \\(\\d+ of \\d+ bytes of it so far;"
                + " expected: within 1000 ms"
                + "(; the \\d+ ms this connection was not being read are not counted)?\\)"),
        lines[0]);
  }

  /** A client that starts a TLS handshake and never finishes it: closed, with one line. */
  @Test
  @Timeout(60)
  void aHandshakeThatNeverCompletesIsClosedAtTheHandshakeTimeout() throws Exception {
    ServeSendTest.Server server =
        serveTls(
            smallCodebook(),
            ServeTlsTest.selfSigned(dir, "server", "ip:127.0.0.1"),
            "--handshake-timeout",
            "1",
            "--frame-timeout",
            "30",
            "--idle-timeout",
            "30");
    long t0 = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      // The first bytes of a handshake record, and no more.
      s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
      s.getOutputStream().flush();
      assertTrue(ServeLimitsTest.closedByServer(s));
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    assertTrue(seconds < 5, "closed only after " + seconds + " s");
    assertEquals(0, server.exit().get(20, TimeUnit.SECONDS));
    String[] lines = ServeLimitsTest.awaitErrLines(server, 1);
    assertEquals(1, lines.length, server.err().toString());
    assertTrue(
        lines[0].matches(
            "signcodec serve: /127\\.0\\.0\\.1:\\d+: TLS handshake not"
                + " complete 1 s after the connection opened \\(--handshake-timeout\\): closed"),
        lines[0]);
  }

  /**
   * 32 honest clients each hand the kernel a whole stream at once: header, one frame, end marker.
   * Decoding it all on one thread takes seconds, far longer than the 1 s frame and idle timeouts; a
   * client waits for its turn, but that is the server's time, so no one is closed and every vector
   * is acknowledged as the library decodes it.
   */
  @Test
  @Timeout(120)
  void aBusyServerBlamesNoHonestClientForItsOwnTime() throws Exception {
    int d = 256;
    int clients = 32;
    int vectors = 8_000;
    Path data = TestFiles.gaussianFvecs(dir.resolve("x.fvecs"), 3_000, d, 5);
    Path cbFile = ServeSendTest.codebook(dir, "cb.sgncb", 1, data);
    Codebook codebook = codebook(cbFile);
    ServeSendTest.Server server =
        ServeSendTest.serve(
            cbFile,
            clients,
            "--decode-threads",
            "1",
            "--frame-timeout",
            "1",
            "--idle-timeout",
            "1");
    byte[] codes = new byte[vectors * codebook.codeBytes()];
    new Random(6).nextBytes(codes);
    float[] decoded = new float[vectors * d];
    LinearDecoder.of(codebook).decode(codes, 0, decoded, 0, vectors);
    int perBatch = ServeCommand.DEFAULT_MAX_BATCH_FLOATS / d;
    int batches = (vectors + perBatch - 1) / perBatch;
    byte[] header = StreamHeader.of(codebook).toBytes();
    byte[] frame = ServeLimitsTest.block(vectors, codes);
    byte[] end = ServeLimitsTest.end(vectors);
    byte[] stream = new byte[header.length + frame.length + end.length];
    System.arraycopy(header, 0, stream, 0, header.length);
    System.arraycopy(frame, 0, stream, header.length, frame.length);
    System.arraycopy(end, 0, stream, header.length + frame.length, end.length);

    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      done.add(f);
      Thread t =
          new Thread(
              () -> {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                  s.setSoTimeout(60_000);
                  s.getOutputStream().write(stream);
                  s.getOutputStream().flush();
                  ByteBuffer acks =
                      ByteBuffer.wrap(
                              s.getInputStream().readNBytes(batches * Acknowledgement.BYTES))
                          .order(ByteOrder.LITTLE_ENDIAN);
                  for (int b = 0; b < batches; b++) {
                    int n = Math.min(perBatch, vectors - b * perBatch);
                    assertEquals(n, acks.getLong(), "batch " + b);
                    assertEquals(
                        Acknowledgement.digest(decoded, b * perBatch, n, d), acks.getLong());
                  }
                  f.complete(null);
                } catch (Throwable e) {
                  f.completeExceptionally(e);
                }
              },
              "honest-" + c);
      t.setDaemon(true);
      t.start();
    }
    for (CompletableFuture<Void> f : done) {
      f.get(100, TimeUnit.SECONDS);
    }
    assertEquals(0, server.exit().get(30, TimeUnit.SECONDS));
    assertEquals("", server.err().toString());
  }

  /** A 27-byte HTTP request is refused at once, not after the idle timeout. */
  @Test
  @Timeout(60)
  void aClientOfAnotherProtocolIsRefusedAtItsFirstByte() throws Exception {
    ServeSendTest.Server server = ServeSendTest.serve(smallCodebook(), 1, "--idle-timeout", "30");
    long t0 = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.getOutputStream()
          .write(
              "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertTrue(ServeLimitsTest.closedByServer(s));
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    assertTrue(seconds < 10, "closed only after " + seconds + " s");
    assertEquals(0, server.exit().get(20, TimeUnit.SECONDS));
    String[] lines = ServeLimitsTest.awaitErrLines(server, 1);
    assertEquals(1, lines.length, server.err().toString());
    assertTrue(
        lines[0].matches(
            "signcodec serve: /127\\.0\\.0\\.1:\\d+: invalid stream header:"
                + " not a signcodec stream: bad magic \\(at byte offset 0\\)"),
        lines[0]);
  }

  /**
   * A client sends a block, has it acknowledged, sends half of the next frame and closes without
   * reading the acknowledgement: its kernel resets the connection. The server says what was cut
   * short, not only "Connection reset".
   */
  @Test
  @Timeout(60)
  void aResetInTheMiddleOfAStreamIsReportedAsTheStreamCutShort() throws Exception {
    Path cbFile = smallCodebook();
    Codebook codebook = codebook(cbFile);
    ServeSendTest.Server server = ServeSendTest.serve(cbFile, 1);
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(StreamHeader.of(codebook).toBytes());
      out.write(ServeLimitsTest.block(1, new byte[codebook.codeBytes()]));
      out.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (s.getInputStream().available() < Acknowledgement.BYTES
          && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(Acknowledgement.BYTES, s.getInputStream().available());
      byte[] next = ServeLimitsTest.block(3, new byte[3 * codebook.codeBytes()]);
      out.write(next, 0, next.length / 2);
      out.flush();
      Thread.sleep(200); // the half frame arrives first
      s.setSoLinger(true, 0); // closes with a reset, as the kernel may for unread data
    } catch (SocketException e) {
      // Reset on our side too.
    }
    assertEquals(0, server.exit().get(20, TimeUnit.SECONDS));
    String[] lines = ServeLimitsTest.awaitErrLines(server, 1);
    assertEquals(1, lines.length, server.err().toString());
    assertTrue(
        lines[0].matches(
            "signcodec serve: /127\\.0\\.0\\.1:\\d+: connection closed after"
                + " block 0 \\(1 vectors\\) (inside a frame \\(\\d+ bytes of it arrived\\)|without the"
                + " end marker)"),
        lines[0]);
  }
}
