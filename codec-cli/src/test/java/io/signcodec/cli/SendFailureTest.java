package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code send} that fails prints nothing on standard output, only one line on standard error
 * saying why, with exit status 1; a TLS client against a server that does not speak TLS says so.
 * The servers are on 127.0.0.1: {@code serve}, or a plain socket that acts out one failure.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SendFailureTest {
  static final int D = 16;

  /** How long the fake servers wait for the client at any step. */
  static final int SOCKET_TIMEOUT_MILLIS = 20_000;

  @TempDir Path dir;

  /**
   * Asserts a failed send: exit status 1, nothing on standard output, one line on standard error.
   */
  static String failed(Cli.Result res) {
    assertEquals(1, res.exit(), res::toString);
    assertEquals("", res.out(), () -> "a failed send printed a result: " + res);
    assertEquals(1, res.errLines().length, res::toString);
    return res.errLines()[0];
  }

  /**
   * A server on 127.0.0.1 that takes one connection, reads what the client sends first, answers
   * {@code answer} (nothing if empty), ends its side of the connection and waits for the client to
   * close. Every step is bounded by {@link #SOCKET_TIMEOUT_MILLIS}; the future completes when the
   * connection is over.
   */
  record FakeServer(int port, CompletableFuture<Void> done) {}

  static FakeServer fakeServer(byte[] answer) throws IOException {
    ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    listener.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try (listener;
                  Socket s = listener.accept()) {
                s.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
                InputStream in = s.getInputStream();
                byte[] buffer = new byte[1 << 16];
                in.read(buffer); // the client's first bytes (a TLS ClientHello, or a stream header)
                OutputStream out = s.getOutputStream();
                out.write(answer);
                out.flush();
                s.shutdownOutput();
                // Read to the client's close, so that closing here sends no reset.
                for (int reads = 0; reads < 100_000 && in.read(buffer) >= 0; reads++) {
                  // discard
                }
                done.complete(null);
              } catch (SocketTimeoutException e) {
                done.completeExceptionally(
                    new AssertionError("the client did not connect or close", e));
              } catch (IOException e) {
                done.complete(null); // the client reset the connection: it is over as well
              }
            },
            "fake-server");
    thread.setDaemon(true);
    thread.start();
    return new FakeServer(listener.getLocalPort(), done);
  }

  @Test
  void aFailedSendPrintsNoResult() throws Exception {
    ServeSendTest.Trained mine = ServeSendTest.trained(dir, "mine", 3_000, D, 6);
    Path theirs = ServeSendTest.codebook(dir, "theirs.sgncb", 2, mine.data());
    ServeSendTest.Server server = ServeSendTest.serve(theirs, 1);
    String line = failed(mine.send(server.port(), "--quiet"));
    assertTrue(
        line.startsWith(
            "signcodec send: 127.0.0.1:" + server.port() + ": 0 of 3000 vectors acknowledged"),
        line);
    assertEquals(0, server.exit().get(20, TimeUnit.SECONDS));

    // A server that reads the stream's start and hangs up: no acknowledgement at all.
    FakeServer hangUp = fakeServer(new byte[0]);
    line = failed(mine.send(hangUp.port(), "--quiet"));
    assertTrue(
        line.startsWith(
            "signcodec send: 127.0.0.1:" + hangUp.port() + ": 0 of 3000 vectors acknowledged"),
        line);
    hangUp.done().get(30, TimeUnit.SECONDS);
  }

  @Test
  void tlsToAServerThatClosesSaysItMayNotServeTls() throws Exception {
    ServeSendTest.Trained x = ServeSendTest.trained(dir, "x", 500, D, 4);
    Path trust = certificate();
    FakeServer plain = fakeServer(new byte[0]);
    String line = failed(x.send(plain.port(), "--tls-trust", trust.toString(), "--quiet"));
    assertEquals(
        "signcodec send: 127.0.0.1:"
            + plain.port()
            + ": TLS handshake failed: the "
            + "server closed the connection during the handshake (is it serving TLS?)",
        line);
    plain.done().get(30, TimeUnit.SECONDS);
  }

  @Test
  void tlsToAServerThatAnswersPlainTextSaysItIsNotTls() throws Exception {
    ServeSendTest.Trained x = ServeSendTest.trained(dir, "x", 500, D, 4);
    Path trust = certificate();
    FakeServer http =
        fakeServer("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    String line = failed(x.send(http.port(), "--tls-trust", trust.toString(), "--quiet"));
    assertTrue(
        line.startsWith(
            "signcodec send: 127.0.0.1:"
                + http.port()
                + ": TLS handshake failed: the server's answer is not TLS (is it serving TLS?)"),
        line);
    assertFalse(line.contains("null"), line);
    http.done().get(30, TimeUnit.SECONDS);
  }

  @Test
  void tlsToAPlainServeSaysItMayNotServeTls() throws Exception {
    ServeSendTest.Trained x = ServeSendTest.trained(dir, "x", 500, D, 4);
    Path trust = certificate();
    ServeSendTest.Server plain = ServeSendTest.serve(x.codebook(), 1);
    String line = failed(x.send(plain.port(), "--tls-trust", trust.toString(), "--quiet"));
    // Closed, or reset if the server closes before it has read all the client sent.
    assertTrue(
        line.startsWith(
            "signcodec send: 127.0.0.1:" + plain.port() + ": TLS handshake failed: the "),
        line);
    assertTrue(line.endsWith("is it serving TLS?)"), line);
    assertFalse(line.contains("null"), line);
    assertEquals(0, plain.exit().get(20, TimeUnit.SECONDS));
  }

  /** A self-signed certificate for 127.0.0.1 (PEM), made as ServeTlsTest makes its own. */
  private Path certificate() throws Exception {
    return ServeTlsTest.selfSigned(dir, "server", "ip:127.0.0.1").cert();
  }
}
