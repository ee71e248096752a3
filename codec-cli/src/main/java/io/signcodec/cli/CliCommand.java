package io.signcodec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every subcommand shares: the common options and the output streams. Its help lists the
 * options in the order their {@code order} attributes give, the command's own before the common
 * ones, rather than by name.
 */
@Command(sortOptions = false)
abstract class CliCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin CommonOptions common;

  /** Standard output: the JSON result or the demo's table, nothing else (text; see output()). */
  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Standard error: progress and errors. */
  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** A progress bar on standard error if it is a terminal and {@code --quiet} is not given. */
  Progress progress() {
    return Progress.forTerminal(err(), common != null && common.quiet);
  }

  boolean verbose() {
    return common != null && common.verbose;
  }

  /** A usage error (exit status 2) about this command's options. */
  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Prints one JSON line on standard output. */
  void printJson(Json json) {
    PrintWriter out = out();
    out.println(json);
    out.flush();
  }

  /**
   * Prints the command's JSON line: on standard output, or on standard error when the command's
   * data went to standard output ({@code --out -}), where a line of text would corrupt them.
   */
  void printJson(Json json, CliFiles.Output output) {
    PrintWriter to = output.kind() == CliFiles.Output.Kind.STANDARD_OUTPUT ? err() : out();
    to.println(json);
    to.flush();
  }

  /**
   * A usage error if {@code out} is the file given to the input option {@code option} (the same
   * file by any path: a link, another spelling), so that a command never writes over what it reads.
   * Checked before any work.
   */
  void refuseOverwriting(Path out, String option, Path input) {
    if (CliFiles.sameFile(out, input)) {
      throw usage(
          "Invalid value for option '--out': '"
              + out
              + "' is the file given to "
              + option
              + (input.equals(out) ? "" : " ('" + input + "')")
              + "; refusing to overwrite an input");
    }
  }

  /**
   * As {@link #refuseOverwriting}, for an input option ({@code option}) where {@code -} is standard
   * input: then a usage error if {@code out} exists and is the file standard input reads from (a
   * shell's {@code < FILE}), the same device and inode by any path, so that {@code --input - --out
   * FILE < FILE} never replaces what it reads either.
   */
  void refuseOverwritingInput(Path out, String option, Path input) {
    if (!CliFiles.isStandardStream(input)) {
      refuseOverwriting(out, option, input);
      return;
    }
    Path standardInput = SignCodecCli.standardInputFile(commandLine());
    if (standardInput != null && CliFiles.sameFile(out, standardInput)) {
      throw usage(
          "Invalid value for option '--out': '"
              + out
              + "' is the file standard input "
              + "reads from ("
              + option
              + " -); refusing to overwrite an input");
    }
  }

  /** {@code --out} resolved before any long work; see {@link CliFiles#output}. */
  CliFiles.Output output(Path out) {
    return CliFiles.output(out, SignCodecCli.standardOutput(commandLine()));
  }

  CommandLine commandLine() {
    return spec.commandLine();
  }
}
