package io.signcodec.cli;

import picocli.CommandLine.Option;

/** Options every command takes, listed after the command's own. */
final class CommonOptions {
  @Option(names = "--quiet", order = 90, description = "Show no progress bar.")
  boolean quiet;

  @Option(names = "--verbose", order = 91, description = "On an error, print the stack trace too.")
  boolean verbose;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      order = 92,
      description = "Show this help and exit.")
  boolean help;
}
