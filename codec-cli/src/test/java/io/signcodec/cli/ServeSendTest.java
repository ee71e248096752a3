package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** serve and send over real loopback TCP, in-process. */
class ServeSendTest {
  @TempDir
  Path dir;

  /** A running {@code serve}: its port, and its exit status once it stops. */
  record Server(int port, CompletableFuture<Integer> exit, StringWriter err) {}

  /** Starts {@code serve} on a free loopback port; it stops after {@code connections} closed. */
  static Server serve(Path codebook, int connections, String... options) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = SignCodecCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("serve",
        "--codebook", codebook.toString(), "--port", "0", "--exit-after",
        String.valueOf(connections)));
    args.addAll(java.util.List.of(options));
    // Its own thread: a server blocks, and must not take the common pool's only worker.
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread thread = new Thread(() -> exit.complete(cl.execute(args.toArray(new String[0]))),
        "serve");
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

  Path codebook(String name, long seed, Path data) {
    return codebook(dir, name, seed, data);
  }

  static Path codebook(Path dir, String name, long seed, Path data) {
    Path cb = dir.resolve(name);
    Cli.Result train = Cli.run("train", "--input", data.toString(), "--out", cb.toString(),
        "--rate", "1", "--seed", String.valueOf(seed), "--quiet");
    assertEquals(0, train.exit(), train.toString());
    return cb;
  }

  @Test
  @Timeout(60)
  void sendIsVerifiedByTheServer() throws Exception {
    int d = 32;
    Path data = TestFiles.fvecs(dir.resolve("x.fvecs"), TestFiles.gaussian(20_000, d, 5), d);
    Path cb = codebook("cb.sgncb", 1, data);
    Server server = serve(cb, 1);
    Cli.Result send = Cli.run("send", "--codebook", cb.toString(), "--input", data.toString(),
        "--port", String.valueOf(server.port()), "--batch", "700", "--quiet");
    assertEquals(0, send.exit(), send.toString());
    Map<String, Object> json = send.json();
    assertEquals(true, json.get("serverVerified"));
    assertEquals(20_000.0, json.get("vectors"));
    assertEquals(20_000.0 * d * 4, json.get("rawBytes"));
    // 32 header + 4 bytes of code a vector + 16 end marker + 8 per frame, frames of ≤ 700.
    long frames = ((Double) json.get("wireBytes")).longValue() - 32 - 20_000 * 4 - 16;
    assertEquals(0, frames % 8);
    assertTrue(frames / 8 >= 29 && frames / 8 <= 200, frames / 8 + " frames");
    assertTrue((Double) json.get("rawBytes") / (Double) json.get("wireBytes") > 30);
    Map<String, Object> eval = Cli.run("eval", "--codebook", cb.toString(), "--input",
        data.toString(), "--quiet").json();
    assertEquals((Double) eval.get("nmse"), (Double) json.get("nmse"), 1e-9);
    assertEquals(0, server.exit().get(20, TimeUnit.SECONDS));
    assertEquals("", server.err().toString());
  }

  @Test
  @Timeout(60)
  void batchesTheServerAcknowledgesInPartsAreVerifiedToo() throws Exception {
    int d = 32;
    Path data = TestFiles.fvecs(dir.resolve("p.fvecs"), TestFiles.gaussian(5_000, d, 8), d);
    Path cb = codebook("p.sgncb", 1, data);
    // 700-vector frames decoded 64 vectors at a time: eleven acknowledgements a frame.
    Server server = serve(cb, 1, "--max-batch-floats", String.valueOf(64 * d));
    Cli.Result send = Cli.run("send", "--codebook", cb.toString(), "--input", data.toString(),
        "--port", String.valueOf(server.port()), "--batch", "700", "--quiet");
    assertEquals(0, send.exit(), send.toString());
    assertEquals(true, send.json().get("serverVerified"));
    assertEquals(0, server.exit().get(20, TimeUnit.SECONDS));
    assertEquals("", server.err().toString());
  }

  @Test
  @Timeout(60)
  void aServerWithAnotherCodebookFailsTheSend() throws Exception {
    int d = 16;
    Path data = TestFiles.fvecs(dir.resolve("y.fvecs"), TestFiles.gaussian(3_000, d, 6), d);
    Path mine = codebook("mine.sgncb", 1, data);
    Path theirs = codebook("theirs.sgncb", 2, data);
    Server server = serve(theirs, 1);
    Cli.Result send = Cli.run("send", "--codebook", mine.toString(), "--input", data.toString(),
        "--port", String.valueOf(server.port()), "--quiet");
    assertEquals(1, send.exit(), send.toString());
    assertEquals(false, send.json().get("serverVerified"));
    assertEquals(1, send.errLines().length, send.toString());
    assertTrue(send.errLines()[0].startsWith("signcodec send: 127.0.0.1:" + server.port()
        + ": 0 of 3000 vectors acknowledged"), send.toString());
    assertEquals(0, server.exit().get(20, TimeUnit.SECONDS));
    // One line for the failed connection, not one per consequence of the failure.
    String[] lines = server.err().toString().split("\\R");
    assertEquals(1, lines.length, server.err().toString());
    assertTrue(lines[0].matches("signcodec serve: /127\\.0\\.0\\.1:\\d+: stream was written with"
        + " codebook [0-9a-f]{16} \\(d=16, n=16\\), not [0-9a-f]{16} \\(d=16, n=16\\)"
        + " \\(at byte offset 20\\)"), lines[0]);
  }

  @Test
  void nobodyListeningIsADataError() throws Exception {
    int d = 8;
    Path data = TestFiles.fvecs(dir.resolve("z.fvecs"), TestFiles.gaussian(500, d, 7), d);
    Path cb = codebook("z.sgncb", 1, data);
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Cli.Result r = Cli.run("send", "--codebook", cb.toString(), "--input", data.toString(),
        "--port", String.valueOf(port), "--quiet");
    assertEquals(1, r.exit(), r.toString());
    assertEquals(1, r.errLines().length, r.toString());
    assertTrue(r.errLines()[0].startsWith("signcodec send: 127.0.0.1:" + port
        + ": cannot connect: "), r.toString());
    Cli.Result bad = Cli.run("send", "--codebook", cb.toString(), "--input", data.toString(),
        "--port", "0");
    assertEquals(2, bad.exit(), bad.toString());
    assertTrue(bad.err().startsWith("Invalid value for option '--port'"), bad.toString());
  }
}
