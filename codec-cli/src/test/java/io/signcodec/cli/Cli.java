package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;

/** Runs the command line in-process with captured standard output and error. */
final class Cli {
  private Cli() {}

  /**
   * The outcome of one run: the exit status, the text of standard output and error, and the bytes
   * that {@code --out -} wrote to standard output.
   */
  record Result(int exit, String out, String err, byte[] data) {
    /** Standard error's lines. */
    String[] errLines() {
      return err.isEmpty() ? new String[0] : err.split("\\R");
    }

    /** Standard output parsed as one flat JSON object. */
    Map<String, Object> json() {
      return JsonParser.parseObject(out.strip());
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
    }
  }

  static Result run(String... args) {
    return runWithInput(new byte[0], args);
  }

  /** Runs {@code train --input input --out out} with {@code options}; it must succeed. */
  static Result train(Path input, Path out, String... options) {
    String[] args =
        Stream.concat(
                Stream.of("train", "--input", input.toString(), "--out", out.toString()),
                Arrays.stream(options))
            .toArray(String[]::new);
    Result res = run(args);
    assertEquals(0, res.exit(), res::toString);
    return res;
  }

  /** A run whose standard input ({@code --input -}) holds {@code input}. */
  static Result runWithInput(byte[] input, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    CommandLine cl = SignCodecCli.commandLine(new ByteArrayInputStream(input), data);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString(), data.toByteArray());
  }
}
