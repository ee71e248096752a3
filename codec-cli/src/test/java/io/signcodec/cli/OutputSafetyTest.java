package io.signcodec.cli;

import static io.signcodec.cli.TrainEvalTest.dataError;
import static io.signcodec.cli.TrainEvalTest.s;
import static io.signcodec.cli.TrainEvalTest.usageError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code --out} does to what is already at its path, standard input and output, and that a
 * failed command leaves no partial file and the old file as it was.
 */
class OutputSafetyTest {
  static final int D = 16;
  static final int COUNT = 5000; // more than one container block: a failure can come after one

  /** The file type bits of a {@code unix:mode}. */
  static final int S_IFMT = 0170000;

  static final int S_IFIFO = 0010000;
  static final int S_IFCHR = 0020000;
  static final int S_IFDIR = 0040000;
  static final int S_IFREG = 0100000;
  static final int S_IFLNK = 0120000;

  @TempDir static Path dir;
  static Path fvecs;
  static byte[] fvecsBytes;
  static Path codebook;
  static byte[] codebookBytes;

  /** The container encode writes to a new regular file: what every other output must get. */
  static byte[] container;

  /** decode of it as .fvecs. */
  static byte[] decodedFvecs;

  static ExecutorService fifoReaders;

  @BeforeAll
  static void files() throws IOException {
    fvecs = TestFiles.gaussianFvecs(dir.resolve("x.fvecs"), COUNT, D, 3);
    fvecsBytes = Files.readAllBytes(fvecs);
    codebook = dir.resolve("cb.sgncb");
    Cli.train(fvecs, codebook, "--rate", "1", "--quiet");
    codebookBytes = Files.readAllBytes(codebook);
    Path reference = dir.resolve("reference.sgnc");
    assertEquals(0, encode(reference).exit());
    container = Files.readAllBytes(reference);
    Path decoded = dir.resolve("reference.fvecs");
    Cli.Result decode =
        Cli.run("decode", "--codebook", s(codebook), "--input", s(reference), "--out", s(decoded));
    assertEquals(0, decode.exit(), decode::toString);
    decodedFvecs = Files.readAllBytes(decoded);
    fifoReaders =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fifo-reader");
              t.setDaemon(true);
              return t;
            });
  }

  @AfterAll
  static void stopReaders() {
    fifoReaders.shutdownNow();
  }

  static Cli.Result encode(Path out) {
    return encode(fvecs, out);
  }

  static Cli.Result encode(Path input, Path out) {
    return Cli.run(
        "encode", "--codebook", s(codebook), "--input", s(input), "--out", s(out), "--quiet");
  }

  /** The file type of {@code p} itself (a link is a link), as {@code S_IF*} bits. */
  static int fileType(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
  }

  /** The hidden temporary files left anywhere under the test directory. */
  static List<Path> partials() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".partial"))
          .collect(Collectors.toList());
    }
  }

  static void mkfifo(Path fifo) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", s(fifo)).inheritIO().start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "mkfifo did not finish");
    assertEquals(0, p.exitValue(), "mkfifo " + fifo);
  }

  /**
   * Runs {@code command} while another thread reads the FIFO to its end, and returns what it read
   * and the command's result. If the command never opens the FIFO, the reader is released by
   * opening it for writing here, so nothing waits for ever.
   */
  static FifoRun withFifoReader(Path fifo, Supplier<Cli.Result> command) throws Exception {
    Future<byte[]> read =
        fifoReaders.submit(
            () -> {
              try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
              }
            });
    Cli.Result result = command.get();
    try {
      return new FifoRun(result, read.get(30, TimeUnit.SECONDS));
    } catch (java.util.concurrent.TimeoutException e) {
      try (OutputStream release = Files.newOutputStream(fifo)) {
        release.flush();
      }
      throw new AssertionError("the FIFO was not written to its end: " + result, e);
    }
  }

  record FifoRun(Cli.Result result, byte[] read) {}

  /**
   * Runs {@code command} while another thread writes {@code bytes} into the FIFO and closes it. If
   * the command never opens the FIFO, the writer is released by opening it for reading here.
   */
  static Cli.Result withFifoWriter(Path fifo, byte[] bytes, Supplier<Cli.Result> command)
      throws Exception {
    Future<?> written =
        fifoReaders.submit(
            () -> {
              try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(bytes);
              }
              return null;
            });
    Cli.Result result = command.get();
    try {
      written.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      try (InputStream release = Files.newInputStream(fifo)) {
        release.readAllBytes();
      }
      throw new AssertionError("the FIFO was not read: " + result, e);
    }
    return result;
  }

  // ---------------------------------------------------------------- an output that is an input

  @Test
  void anOutputThatIsAnInputIsRefused() throws IOException {
    usageError(
        encode(fvecs),
        "Invalid value for option '--out': '"
            + fvecs
            + "' is the file given to --input; refusing to overwrite an input");
    Path link = Files.createSymbolicLink(dir.resolve("link-to-input.fvecs"), fvecs);
    usageError(
        encode(link),
        "Invalid value for option '--out': '"
            + link
            + "' is the file given to --input ('"
            + fvecs
            + "'); refusing to overwrite an input");
    Path hardLink = Files.createLink(dir.resolve("hard-link-to-input.fvecs"), fvecs);
    usageError(
        encode(hardLink),
        "Invalid value for option '--out': '"
            + hardLink
            + "' is the file given to --input ('"
            + fvecs
            + "')");
    usageError(
        encode(codebook),
        "Invalid value for option '--out': '" + codebook + "' is the file given to --codebook");
    usageError(
        Cli.run("train", "--input", s(fvecs), "--out", s(fvecs), "--rate", "1"),
        "Invalid value for option '--out': '" + fvecs + "' is the file given to --input");
    Path containerFile = Files.write(dir.resolve("own.sgnc"), container);
    usageError(
        Cli.run(
            "decode",
            "--codebook",
            s(codebook),
            "--input",
            s(containerFile),
            "--out",
            s(containerFile),
            "--format",
            "fvecs"),
        "Invalid value for option '--out': '" + containerFile + "' is the file given to --input");
    assertArrayEquals(fvecsBytes, Files.readAllBytes(fvecs), "the input is untouched");
    assertArrayEquals(container, Files.readAllBytes(containerFile));
    assertEquals(S_IFLNK, fileType(link));
    assertArrayEquals(codebookBytes, Files.readAllBytes(codebook));
    assertEquals(List.of(), partials());
  }

  // ---------------------------------------------------------------- what is at the path

  @Test
  void aDirectoryIsRefused() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("a-directory"));
    Path inside = Files.writeString(sub.resolve("keep.txt"), "keep");
    dataError(encode(sub), "signcodec encode: " + sub + ": is a directory");
    Path link = Files.createSymbolicLink(dir.resolve("link-to-directory"), sub);
    dataError(encode(link), "signcodec encode: " + link + ": is a directory");
    assertEquals(S_IFDIR, fileType(sub));
    assertEquals(S_IFLNK, fileType(link));
    try (Stream<Path> files = Files.list(sub)) {
      assertEquals(List.of(inside), files.collect(Collectors.toList()));
    }
    assertEquals(List.of(), partials());
  }

  @Test
  void devNullIsWrittenNotReplaced() throws IOException {
    Path devNull = Path.of("/dev/null");
    assumeTrue(fileType(devNull) == S_IFCHR, "/dev/null is a character device here");
    Cli.Result res = encode(devNull);
    assertEquals(0, res.exit(), res::toString);
    assertEquals("", res.err());
    assertEquals(container.length, (Double) res.json().get("bytes"), 0);
    assertEquals(S_IFCHR, fileType(devNull));
    // Decode's output format comes from --format when the name has no extension.
    res =
        Cli.run(
            "decode",
            "--codebook",
            s(codebook),
            "--input",
            s(dir.resolve("reference.sgnc")),
            "--out",
            s(devNull),
            "--format",
            "npy");
    assertEquals(0, res.exit(), res::toString);
    assertEquals(COUNT, (Double) res.json().get("vectors"), 0);
    assertEquals(S_IFCHR, fileType(devNull));
    assertTrue(Files.isWritable(devNull));
  }

  @Test
  void devFullReportsTheWriteFailureAndStaysADevice() throws IOException {
    Path devFull = Path.of("/dev/full");
    assumeTrue(
        Files.exists(devFull) && fileType(devFull) == S_IFCHR,
        "/dev/full is a character device here");
    Cli.Result res = encode(devFull);
    dataError(res, "signcodec encode: /dev/full: ");
    assertEquals(S_IFCHR, fileType(devFull));
    assertFalse(Files.isRegularFile(devFull));
  }

  @Test
  void aFifoIsWrittenNotReplaced() throws Exception {
    Path fifo = dir.resolve("codes.fifo");
    mkfifo(fifo);
    FifoRun run = withFifoReader(fifo, () -> encode(fifo));
    assertEquals(0, run.result().exit(), run.result()::toString);
    assertEquals(container.length, (Double) run.result().json().get("bytes"), 0);
    assertArrayEquals(container, run.read());
    assertEquals(S_IFIFO, fileType(fifo));

    // decode into a FIFO named .fvecs: its format by the name, written in place too.
    Path vectors = dir.resolve("vectors-fifo.fvecs");
    mkfifo(vectors);
    run =
        withFifoReader(
            vectors,
            () ->
                Cli.run(
                    "decode",
                    "--codebook",
                    s(codebook),
                    "--input",
                    s(dir.resolve("reference.sgnc")),
                    "--out",
                    s(vectors),
                    "--quiet"));
    assertEquals(0, run.result().exit(), run.result()::toString);
    assertArrayEquals(decodedFvecs, run.read());
    assertEquals(S_IFIFO, fileType(vectors));
    assertEquals(List.of(), partials());
  }

  @Test
  void devStdoutOnAPipeIsWrittenThrough() throws Exception {
    // In a child JVM, whose standard output is a pipe to this test: /dev/stdout is a link to
    // /proc/self/fd/1, a link the kernel follows to a pipe that has no path.
    assumeTrue(Files.isSymbolicLink(Path.of("/dev/stdout")), "/dev/stdout is a link here");
    Process child =
        new ProcessBuilder(
                InterruptTest.javaBinary(),
                "-cp",
                System.getProperty("java.class.path"),
                SignCodecCli.class.getName(),
                "encode",
                "--codebook",
                s(codebook),
                "--input",
                s(fvecs),
                "--out",
                "/dev/stdout",
                "--quiet")
            .redirectError(dir.resolve("dev-stdout.err").toFile())
            .start();
    byte[] out;
    try (InputStream stdout = child.getInputStream()) {
      out = stdout.readAllBytes(); // ends when the child exits
    } finally {
      if (!child.waitFor(InterruptTest.PATIENCE_MILLIS, TimeUnit.MILLISECONDS)) {
        child.destroyForcibly();
      }
    }
    String err = Files.readString(dir.resolve("dev-stdout.err"), StandardCharsets.UTF_8);
    assertEquals(0, child.exitValue(), err);
    // The codes, then the JSON line: /dev/stdout is a file to the command, not "-".
    assertArrayEquals(container, Arrays.copyOf(out, container.length), err);
    String json =
        new String(out, container.length, out.length - container.length, StandardCharsets.UTF_8);
    assertEquals(container.length, (Double) JsonParser.parseObject(json.strip()).get("bytes"), 0);
  }

  @Test
  void aSymbolicLinksTargetIsWrittenAndTheLinkStays() throws IOException {
    Path targets = Files.createDirectories(dir.resolve("targets"));
    Path links = Files.createDirectories(dir.resolve("links"));
    Path target = Files.writeString(targets.resolve("old.sgnc"), "old contents");
    Path relative = Path.of("..", "targets", "old.sgnc");
    Path link = Files.createSymbolicLink(links.resolve("out.sgnc"), relative);
    Cli.Result res = encode(link);
    assertEquals(0, res.exit(), res::toString);
    assertEquals(S_IFLNK, fileType(link));
    assertEquals(relative, Files.readSymbolicLink(link));
    assertEquals(S_IFREG, fileType(target));
    assertArrayEquals(container, Files.readAllBytes(target));
    try (Stream<Path> files = Files.list(links)) {
      assertEquals(List.of(link), files.collect(Collectors.toList()), "nothing beside the link");
    }

    Path dangling =
        Files.createSymbolicLink(links.resolve("dangling.sgnc"), Path.of("nowhere.sgnc"));
    dataError(
        encode(dangling),
        "signcodec encode: "
            + dangling
            + ": is a symbolic link to nowhere.sgnc, which does not exist");
    assertEquals(S_IFLNK, fileType(dangling));
    assertFalse(Files.exists(links.resolve("nowhere.sgnc")));
    assertEquals(List.of(), partials());
  }

  @Test
  void aFifoInputIsReadOnce() throws Exception {
    Path vectors = dir.resolve("vectors-in.fvecs");
    mkfifo(vectors);
    Path codes = dir.resolve("from-fifo.sgnc");
    Cli.Result res = withFifoWriter(vectors, fvecsBytes, () -> encode(vectors, codes));
    assertEquals(0, res.exit(), res::toString);
    assertArrayEquals(container, Files.readAllBytes(codes));

    Path codeFifo = dir.resolve("codes-in.sgnc");
    mkfifo(codeFifo);
    Path decoded = dir.resolve("from-fifo.fvecs");
    res =
        withFifoWriter(
            codeFifo,
            container,
            () ->
                Cli.run(
                    "decode",
                    "--codebook",
                    s(codebook),
                    "--input",
                    s(codeFifo),
                    "--out",
                    s(decoded),
                    "--quiet"));
    assertEquals(0, res.exit(), res::toString);
    assertArrayEquals(decodedFvecs, Files.readAllBytes(decoded));
    // Neither a training (two passes) nor a decode to .npy (a counting pass first) from a pipe.
    usageError(
        Cli.run(
            "train", "--input", s(vectors), "--out", s(dir.resolve("never.sgncb")), "--rate", "1"),
        "Invalid value for option '--input': training reads its input twice, and "
            + vectors
            + " can be read only once; give a file");
    usageError(
        Cli.run(
            "decode",
            "--codebook",
            s(codebook),
            "--input",
            s(codeFifo),
            "--out",
            s(dir.resolve("never.npy"))),
        "Invalid value for option '--input': .npy output");
    assertEquals(S_IFIFO, fileType(vectors));
    assertEquals(S_IFIFO, fileType(codeFifo));
  }

  // ---------------------------------------------------------------- standard input and output

  @Test
  void dashIsStandardOutputAndTheJsonGoesToStandardError() {
    Cli.Result res =
        Cli.run("encode", "--codebook", s(codebook), "--input", s(fvecs), "--out", "-");
    assertEquals(0, res.exit(), res::toString);
    assertEquals("", res.out(), "no text on standard output: it carries the codes");
    assertArrayEquals(container, res.data());
    assertEquals(1, res.errLines().length, res::toString);
    assertEquals(
        container.length, (Double) JsonParser.parseObject(res.err().strip()).get("bytes"), 0);

    res =
        Cli.run(
            "decode",
            "--codebook",
            s(codebook),
            "--input",
            s(dir.resolve("reference.sgnc")),
            "--out",
            "-",
            "--format",
            "fvecs");
    assertEquals(0, res.exit(), res::toString);
    assertEquals("", res.out());
    assertArrayEquals(decodedFvecs, res.data());
    assertEquals(COUNT, (Double) JsonParser.parseObject(res.err().strip()).get("vectors"), 0);
  }

  @Test
  void dashIsStandardInput() {
    Path codes = dir.resolve("from-stdin.sgnc");
    Cli.Result res =
        Cli.runWithInput(
            fvecsBytes,
            "encode",
            "--codebook",
            s(codebook),
            "--input",
            "-",
            "--format",
            "fvecs",
            "--out",
            s(codes));
    assertEquals(0, res.exit(), res::toString);
    assertEquals(COUNT, (Double) res.json().get("vectors"), 0);

    // A pipeline's middle: standard input to standard output.
    res =
        Cli.runWithInput(
            container,
            "decode",
            "--codebook",
            s(codebook),
            "--input",
            "-",
            "--out",
            "-",
            "--format",
            "fvecs");
    assertEquals(0, res.exit(), res::toString);
    assertArrayEquals(decodedFvecs, res.data());

    res =
        Cli.runWithInput(
            fvecsBytes, "eval", "--codebook", s(codebook), "--input", "-", "--format", "fvecs");
    assertEquals(0, res.exit(), res::toString);
    assertEquals(COUNT, (Double) res.json().get("vectors"), 0);
  }

  @Test
  void standardStreamsThatCannotWork() {
    usageError(
        Cli.runWithInput(
            container,
            "decode",
            "--codebook",
            s(codebook),
            "--input",
            "-",
            "--out",
            s(dir.resolve("never.npy"))),
        "Invalid value for option '--input': .npy output states its row count up front, so "
            + "decode reads the container twice, and standard input can be read only once");
    usageError(
        Cli.run(
            "decode",
            "--codebook",
            s(codebook),
            "--input",
            s(dir.resolve("reference.sgnc")),
            "--out",
            "-"),
        "Invalid value for option '--out': '-' (standard output) has no extension");
    usageError(
        Cli.run(
            "decode",
            "--codebook",
            s(codebook),
            "--input",
            s(dir.resolve("reference.sgnc")),
            "--out",
            "-",
            "--format",
            "csv"),
        "Invalid value for option '--format': 'csv' is not one of fvecs, npy");
    usageError(
        Cli.runWithInput(
            fvecsBytes,
            "train",
            "--input",
            "-",
            "--format",
            "fvecs",
            "--out",
            s(dir.resolve("never.sgncb")),
            "--rate",
            "1"),
        "Invalid value for option '--input': training reads its input twice, and standard input"
            + " can be read only once");
    usageError(
        Cli.runWithInput(
            fvecsBytes,
            "encode",
            "--codebook",
            s(codebook),
            "--input",
            "-",
            "--out",
            s(dir.resolve("never.sgnc"))),
        "Cannot tell the format of standard input (--input -); give it with --format, or for "
            + "raw float32 the dimension with --dim");
    usageError(
        Cli.runWithInput(
            fvecsBytes,
            "encode",
            "--codebook",
            s(codebook),
            "--input",
            "-",
            "--format",
            "csv",
            "--out",
            s(dir.resolve("never.sgnc"))),
        "Invalid value for option '--format': 'csv' is not one of fvecs, bvecs, npy, npz, raw");
    usageError(
        Cli.runWithInput(
            fvecsBytes,
            "encode",
            "--codebook",
            s(codebook),
            "--input",
            "-",
            "--format",
            "raw",
            "--out",
            s(dir.resolve("never.sgnc"))),
        "--format raw needs the dimension: give it with --dim");
    assertFalse(Files.exists(dir.resolve("never.npy")));
    assertFalse(Files.exists(dir.resolve("never.sgncb")));
    assertFalse(Files.exists(dir.resolve("never.sgnc")));
  }

  @Test
  void trailingBytesOnStandardInputAreRejected() {
    byte[] longer = Arrays.copyOf(container, container.length + 1);
    Cli.Result res =
        Cli.runWithInput(
            longer,
            "decode",
            "--codebook",
            s(codebook),
            "--input",
            "-",
            "--out",
            s(dir.resolve("trailing-stdin.fvecs")));
    dataError(
        res,
        "signcodec decode: standard input: unexpected bytes after the end marker "
            + "(a container file holds one stream)");
    assertFalse(Files.exists(dir.resolve("trailing-stdin.fvecs")));
  }

  // ---------------------------------------------------------------- failures

  @Test
  void aFailedRunLeavesTheOldFileAndNoPartial() throws IOException {
    float[] bad = TestFiles.gaussian(COUNT, D, 3);
    bad[4500 * D + 3] = Float.NaN; // after the first block of 4096 vectors was written
    Path nan = TestFiles.fvecs(dir.resolve("nan.fvecs"), bad, D);
    Path old = Files.writeString(dir.resolve("old.sgnc"), "old contents");
    dataError(
        Cli.run("encode", "--codebook", s(codebook), "--input", s(nan), "--out", s(old)),
        "signcodec encode: " + nan + ": vector 4500, component 3 is NaN (not finite)");
    assertEquals("old contents", Files.readString(old, StandardCharsets.UTF_8));

    byte[] truncated = Arrays.copyOf(container, container.length / 2);
    Path cut = Files.write(dir.resolve("cut.sgnc"), truncated);
    Path oldVectors = Files.writeString(dir.resolve("old.fvecs"), "old vectors");
    dataError(
        Cli.run("decode", "--codebook", s(codebook), "--input", s(cut), "--out", s(oldVectors)),
        "signcodec decode: " + cut + ": ",
        "premature end of stream");
    assertEquals("old vectors", Files.readString(oldVectors, StandardCharsets.UTF_8));
    assertEquals(List.of(), partials());
  }

  @Test
  void aFailedRunToStandardOutputNeverLooksComplete() throws IOException {
    float[] bad = TestFiles.gaussian(COUNT, D, 3);
    bad[4500 * D] = Float.POSITIVE_INFINITY;
    Path inf = TestFiles.fvecs(dir.resolve("inf.fvecs"), bad, D);
    Cli.Result res = Cli.run("encode", "--codebook", s(codebook), "--input", s(inf), "--out", "-");
    dataError(res, "signcodec encode: " + inf + ": vector 4500, component 0 is Infinity");
    assertTrue(res.data().length > 0, "the stream had begun when the bad vector came");
    // What went out has no end marker, so decode says it is cut short.
    Path written = Files.write(dir.resolve("failed-stdout.sgnc"), res.data());
    dataError(
        Cli.run(
            "decode",
            "--codebook",
            s(codebook),
            "--input",
            s(written),
            "--out",
            s(dir.resolve("failed-stdout.fvecs"))),
        "without an end marker");
  }
}
