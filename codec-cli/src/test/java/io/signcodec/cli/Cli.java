package io.signcodec.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
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
