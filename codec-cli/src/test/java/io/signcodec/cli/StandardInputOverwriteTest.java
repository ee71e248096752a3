package io.signcodec.cli;

import static io.signcodec.cli.TrainEvalTest.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --out} is never the file that standard input reads from when an input is {@code -} ({@code
 * encode --input - --out victim.fvecs < victim.fvecs}): the command is refused before it writes
 * anything, and the file stays as it was. Each case runs the CLI in a child JVM whose file
 * descriptor 0 is the file itself, as a shell's {@code <} makes it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StandardInputOverwriteTest {
  static final int D = 16;
  static final int COUNT = 3000;

  @TempDir static Path dir;
  static Path codebook;
  static byte[] fvecsBytes;

  /** What encode makes of the vectors: what a run that is not refused must write. */
  static byte[] container;

  @BeforeAll
  static void files() throws IOException {
    // Linux: a process's descriptors are links in /proc/self/fd (and /dev/stdin, /dev/fd/N).
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "/proc/self/fd lists descriptors");
    Path vectors = TestFiles.gaussianFvecs(dir.resolve("vectors.fvecs"), COUNT, D, 11);
    fvecsBytes = Files.readAllBytes(vectors);
    codebook = dir.resolve("cb.sgncb");
    Cli.train(vectors, codebook, "--rate", "1", "--quiet");
    Path reference = dir.resolve("reference.sgnc");
    Cli.Result res =
        Cli.run(
            "encode",
            "--codebook",
            s(codebook),
            "--input",
            s(vectors),
            "--out",
            s(reference),
            "--quiet");
    assertEquals(0, res.exit(), res::toString);
    container = Files.readAllBytes(reference);
  }

  /** The outcome of a child CLI: its exit status and the text of its standard output and error. */
  record Child(int exit, String out, String err) {
    String firstErrLine() {
      return err.isEmpty() ? "" : err.split("\\R")[0];
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
    }
  }

  /** Runs the CLI in a child JVM with {@code stdin} as its standard input (file descriptor 0). */
  static Child run(Path stdin, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                InterruptTest.javaBinary(),
                "-cp",
                System.getProperty("java.class.path"),
                SignCodecCli.class.getName()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "child", ".out");
    Path err = Files.createTempFile(dir, "child", ".err");
    Process child =
        new ProcessBuilder(command)
            .redirectInput(stdin.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      assertTrue(
          child.waitFor(InterruptTest.PATIENCE_MILLIS, TimeUnit.MILLISECONDS),
          "the child did not finish: " + command);
    } finally {
      if (child.isAlive()) {
        child.destroyForcibly();
        child.waitFor(InterruptTest.PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
      }
    }
    return new Child(
        child.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Asserts a refusal: usage error (exit status 2), nothing on standard output, this message. */
  static void refused(Child res, String firstLine) {
    assertEquals(2, res.exit(), res::toString);
    assertEquals("", res.out(), res::toString);
    assertTrue(res.firstErrLine().startsWith(firstLine), res::toString);
  }

  @Test
  void encodeRefusesToWriteTheFileStandardInputReadsFrom() throws Exception {
    Path victim = Files.write(dir.resolve("victim.fvecs"), fvecsBytes);
    Child res =
        run(
            victim,
            "encode",
            "--codebook",
            s(codebook),
            "--input",
            "-",
            "--format",
            "fvecs",
            "--out",
            s(victim),
            "--quiet");
    refused(
        res,
        "Invalid value for option '--out': '"
            + victim
            + "' is the file standard input "
            + "reads from (--input -); refusing to overwrite an input");
    assertArrayEquals(fvecsBytes, Files.readAllBytes(victim), "the input is untouched");

    // A link to it names the same file.
    Path link = Files.createSymbolicLink(dir.resolve("link-to-victim.sgnc"), victim);
    refused(
        run(
            victim,
            "encode",
            "--codebook",
            s(codebook),
            "--input",
            "-",
            "--format",
            "fvecs",
            "--out",
            s(link),
            "--quiet"),
        "Invalid value for option '--out': '"
            + link
            + "' is the file standard input reads from (--input -)");
    assertArrayEquals(fvecsBytes, Files.readAllBytes(victim));
    assertTrue(Files.isSymbolicLink(link));
    assertEquals(List.of(), InterruptTest.partials(dir));
  }

  @Test
  void decodeRefusesToWriteTheFileStandardInputReadsFrom() throws Exception {
    Path victim = Files.write(dir.resolve("victim.sgnc"), container);
    Child res =
        run(
            victim,
            "decode",
            "--codebook",
            s(codebook),
            "--input",
            "-",
            "--out",
            s(victim),
            "--format",
            "fvecs",
            "--quiet");
    refused(
        res,
        "Invalid value for option '--out': '"
            + victim
            + "' is the file standard input "
            + "reads from (--input -); refusing to overwrite an input");
    assertArrayEquals(container, Files.readAllBytes(victim), "the input is untouched");
    assertEquals(List.of(), InterruptTest.partials(dir));
  }

  @Test
  void standardInputByItsPathIsTheFileToo() throws Exception {
    Path victim = Files.write(dir.resolve("victim-by-path.fvecs"), fvecsBytes);
    for (String descriptor : List.of("/dev/stdin", "/dev/fd/0", "/proc/self/fd/0")) {
      refused(
          run(
              victim,
              "encode",
              "--codebook",
              s(codebook),
              "--input",
              descriptor,
              "--format",
              "fvecs",
              "--out",
              s(victim),
              "--quiet"),
          "Invalid value for option "
              + "'--out': '"
              + victim
              + "' is the file given to --input ('"
              + descriptor
              + "')");
      assertArrayEquals(fvecsBytes, Files.readAllBytes(victim), descriptor);
    }
    assertEquals(List.of(), InterruptTest.partials(dir));
  }

  @Test
  void anotherOutputFromStandardInputIsWritten() throws Exception {
    Path vectors = Files.write(dir.resolve("input.fvecs"), fvecsBytes);
    Path codes = dir.resolve("from-stdin.sgnc");
    Child res =
        run(
            vectors,
            "encode",
            "--codebook",
            s(codebook),
            "--input",
            "-",
            "--format",
            "fvecs",
            "--out",
            s(codes),
            "--quiet");
    assertEquals(0, res.exit(), res::toString);
    assertEquals((double) COUNT, JsonParser.parseObject(res.out().strip()).get("vectors"));
    assertArrayEquals(container, Files.readAllBytes(codes));
    assertArrayEquals(fvecsBytes, Files.readAllBytes(vectors));
  }
}
