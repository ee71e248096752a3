package io.signcodec.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
  @Option(names = "--quiet", description = "Show no progress bar.")
  boolean quiet;

  @Option(names = "--verbose", description = "On an error, print the stack trace too.")
  boolean verbose;
}
