package io.signcodec.cli;

import static io.signcodec.cli.TrainEvalTest.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command stopped by SIGTERM deletes its temporary file and leaves the old output as it was. */
class InterruptTest {
  static final int D = 16;

  /** How long the child JVM may take to start and reach the point under test. */
  static final long PATIENCE_MILLIS = 60_000;

  static final long POLL_MILLIS = 20;

  @TempDir Path dir;

  @Test
  void sigtermMidEncodeDeletesThePartialFileAndKeepsTheOldOutput() throws Exception {
    Path fvecs = TestFiles.gaussianFvecs(dir.resolve("x.fvecs"), 500, D, 1);
    Path codebook = dir.resolve("cb.sgncb");
    Cli.train(fvecs, codebook, "--rate", "1", "--quiet");
    Path outDir = Files.createDirectories(dir.resolve("out"));
    Path target = Files.writeString(outDir.resolve("codes.sgnc"), "old contents");

    // The child reads its vectors from standard input, which this test feeds only a few of and
    // keeps open: the child is then certainly mid-encode, its temporary file open, when stopped.
    Path childErr = dir.resolve("child.err");
    Process child =
        new ProcessBuilder(
                javaBinary(),
                "-cp",
                System.getProperty("java.class.path"),
                SignCodecCli.class.getName(),
                "encode",
                "--codebook",
                s(codebook),
                "--input",
                "-",
                "--format",
                "fvecs",
                "--out",
                s(target),
                "--quiet")
            .redirectOutput(dir.resolve("child.out").toFile())
            .redirectError(childErr.toFile())
            .start();
    try {
      OutputStream stdin = child.getOutputStream();
      byte[] vectors = Files.readAllBytes(fvecs);
      stdin.write(Arrays.copyOf(vectors, 100 * (4 + 4 * D)));
      stdin.flush();
      Optional<Path> partial = awaitPartial(outDir, child);
      assertTrue(
          partial.isPresent(),
          () ->
              "no .partial appeared; child "
                  + (child.isAlive() ? "still running" : "exited " + child.exitValue())
                  + ", stderr: "
                  + readQuietly(childErr));
      // SIGTERM. Not Process.destroy(): it also closes the child's standard input at once, and
      // the child could see the end of its input, finish the encode and exit 0 before it
      // handles the signal.
      assertTrue(child.toHandle().destroy(), "SIGTERM not sent");
      assertTrue(child.waitFor(PATIENCE_MILLIS, TimeUnit.MILLISECONDS), "the child did not stop");
    } finally {
      if (child.isAlive()) {
        child.destroyForcibly();
        child.waitFor(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
      }
      // Only now: closing it earlier would end the child's input and let the encode finish.
      child.getOutputStream().close();
    }
    assertNotEquals(
        0,
        child.exitValue(),
        () ->
            "stopped, not finished; stdout: "
                + readQuietly(dir.resolve("child.out"))
                + ", stderr: "
                + readQuietly(childErr));
    assertEquals(List.of(), partials(outDir), "the shutdown hook deleted the temporary file");
    assertEquals("old contents", Files.readString(target, StandardCharsets.UTF_8));
  }

  /** The java that runs this test. */
  static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The first .partial file in {@code outDir}, waiting while the child runs, within patience. */
  static Optional<Path> awaitPartial(Path outDir, Process child)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MILLIS);
    for (long polls = 0;
        polls < PATIENCE_MILLIS / POLL_MILLIS && System.nanoTime() < deadline && child.isAlive();
        polls++) {
      List<Path> found = partials(outDir);
      if (!found.isEmpty()) {
        return Optional.of(found.get(0));
      }
      Thread.sleep(POLL_MILLIS);
    }
    return partials(outDir).stream().findFirst();
  }

  static List<Path> partials(Path outDir) throws IOException {
    try (Stream<Path> files = Files.list(outDir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".partial"))
          .collect(Collectors.toList());
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
