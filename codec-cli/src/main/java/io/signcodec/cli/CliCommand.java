package io.signcodec.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the common options and the output streams. */
abstract class CliCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CommonOptions common;

  /** Standard output: the JSON result or the demo's table, nothing else. */
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

  CommandLine commandLine() {
    return spec.commandLine();
  }
}
