package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** serve and send over real loopback TCP, in-process. */
class ServeSendTest {
  @TempDir Path dir;

  /** A running {@code serve}: its port, and its exit status once it stops. */
  record Server(int port, CompletableFuture<Integer> exit, StringWriter err) {}

  /** Starts {@code serve} on a free loopback port; it stops after {@code connections} closed. */
  static Server serve(Path codebook, int connections, String... options) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = SignCodecCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "serve",
                "--codebook",
                codebook.toString(),
                "--port",
                "0",
                "--exit-after",
                String.valueOf(connections)));
    args.addAll(java.util.List.of(options));
    // Its own thread: a server blocks, and must not take the common pool's only worker.
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread thread =
        new Thread(() -> exit.complete(cl.execute(args.toArray(new String[0]))), "serve");
    thread.setDaemon(true);
    thread.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!out.toString().contains("\n")) {
      if (exit.isDone() || System.nanoTime() > deadline) {
        throw new AssertionError("serve did not start: " + err + exit.getNow(null));
      }
      Thread.sleep(5);
    }
    Map<String, Object> listening = JsonParser.parseObject(out.toString().strip());
    assertEquals("127.0.0.1", listening.get("host"));
    assertEquals(java.util.List.of(options).contains("--tls-cert"), listening.get("tls"));
    return new Server(((Double) listening.get("port")).intValue(), exit, err);
  }

  static Path codebook(Path dir, String name, long seed, Path data) {
    Path cb = dir.resolve(name);
    Cli.train(data, cb, "--rate", "1", "--seed", String.valueOf(seed), "--quiet");
    return cb;
  }

  /** A vector file, and a codebook trained on it for {@code serve} and {@code send} to share. */
  record Trained(Path data, Path codebook) {
    /** Runs {@code send} of the file with the codebook to {@code port}. */
    Cli.Result send(int port, String... options) {
      return ServeSendTest.send(codebook, data, port, options);
    }
  }

  /**
   * {@code name.fvecs}, {@code count} {@link TestFiles#gaussian} vectors of dimension {@code d},
   * and {@code name.sgncb}, a codebook trained on them with seed 1.
   */
  static Trained trained(Path dir, String name, int count, int d, long seed) throws IOException {
    Path data = TestFiles.gaussianFvecs(dir.resolve(name + ".fvecs"), count, d, seed);
    return new Trained(data, codebook(dir, name + ".sgncb", 1, data));
  }

  /** Runs {@code send} of {@code data} with codebook {@code cb} to {@code port}. */
  static Cli.Result send(Path cb, Path data, int port, String... options) {
    String[] args =
        Stream.concat(
                Stream.of(
                    "send",
                    "--codebook",
                    cb.toString(),
                    "--input",
                    data.toString(),
                    "--port",
                    String.valueOf(port)),
                Arrays.stream(options))
            .toArray(String[]::new);
    return Cli.run(args);
  }

  /**
   * Sends the file to {@code server}, which must acknowledge every vector as it decoded it and then
   * stop without a complaint; returns send's JSON object.
   */
  static Map<String, Object> sendVerified(Server server, Trained files, String... options)
      throws Exception {
    Cli.Result send = files.send(server.port(), options);
    assertEquals(0, send.exit(), send.toString());
    Map<String, Object> json = send.json();
    assertEquals(true, json.get("serverVerified"));
    assertEquals(0, server.exit().get(20, TimeUnit.SECONDS));
    assertEquals("", server.err().toString());
    return json;
  }

  @Test
  @Timeout(60)
  void sendIsVerifiedByTheServer() throws Exception {
    int d = 32;
    Trained x = trained(dir, "x", 20_000, d, 5);
    Map<String, Object> json = sendVerified(serve(x.codebook(), 1), x, "--batch", "700", "--quiet");
    assertEquals(20_000.0, json.get("vectors"));
    assertEquals(20_000.0 * d * 4, json.get("rawBytes"));
    // 32 header + 4 bytes of code a vector + 16 end marker + 8 per frame, frames of ≤ 700.
    long frames = ((Double) json.get("wireBytes")).longValue() - 32 - 20_000 * 4 - 16;
    assertEquals(0, frames % 8);
    assertTrue(frames / 8 >= 29 && frames / 8 <= 200, frames / 8 + " frames");
    assertTrue((Double) json.get("rawBytes") / (Double) json.get("wireBytes") > 30);
    Map<String, Object> eval =
        Cli.run(
                "eval",
                "--codebook",
                x.codebook().toString(),
                "--input",
                x.data().toString(),
                "--quiet")
            .json();
    assertEquals((Double) eval.get("nmse"), (Double) json.get("nmse"), 1e-9);
  }

  @Test
  @Timeout(60)
  void batchesTheServerAcknowledgesInPartsAreVerifiedToo() throws Exception {
    int d = 32;
    Trained p = trained(dir, "p", 5_000, d, 8);
    // 700-vector frames decoded 64 vectors at a time: eleven acknowledgements a frame.
    sendVerified(
        serve(p.codebook(), 1, "--max-batch-floats", String.valueOf(64 * d)),
        p,
        "--batch",
        "700",
        "--quiet");
  }

  @Test
  @Timeout(60)
  void aServerWithAnotherCodebookFailsTheSend() throws Exception {
    int d = 16;
    Trained mine = trained(dir, "mine", 3_000, d, 6);
    Path theirs = codebook(dir, "theirs.sgncb", 2, mine.data());
    Server server = serve(theirs, 1);
    Cli.Result send = mine.send(server.port(), "--quiet");
    assertEquals(1, send.exit(), send.toString());
    assertEquals("", send.out(), "a failed send prints no result");
    assertEquals(1, send.errLines().length, send.toString());
    assertTrue(
        send.errLines()[0].startsWith(
            "signcodec send: 127.0.0.1:" + server.port() + ": 0 of 3000 vectors acknowledged"),
        send.toString());
    assertEquals(0, server.exit().get(20, TimeUnit.SECONDS));
    // One line for the failed connection, not one per consequence of the failure.
    String[] lines = server.err().toString().split("\\R");
    assertEquals(1, lines.length, server.err().toString());
    assertTrue(
        lines[0].matches(
            "signcodec serve: /127\\.0\\.0\\.1:\\d+: stream was written with"
                + " codebook [0-9a-f]{16} \\(d=16, n=16\\), not [0-9a-f]{16} \\(d=16, n=16\\)"
                + " \\(at byte offset 20\\)"),
        lines[0]);
  }

  @Test
  void nobodyListeningIsADataError() throws Exception {
    int d = 8;
    Trained z = trained(dir, "z", 500, d, 7);
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Cli.Result r = z.send(port, "--quiet");
    assertEquals(1, r.exit(), r.toString());
    assertEquals(1, r.errLines().length, r.toString());
    assertTrue(
        r.errLines()[0].startsWith("signcodec send: 127.0.0.1:" + port + ": cannot connect: "),
        r.toString());
    Cli.Result bad = z.send(0);
    assertEquals(2, bad.exit(), bad.toString());
    assertTrue(bad.err().startsWith("Invalid value for option '--port'"), bad.toString());
  }
}
