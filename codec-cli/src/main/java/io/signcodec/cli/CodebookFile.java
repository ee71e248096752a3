package io.signcodec.cli;

import io.signcodec.core.Codebook;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --codebook} option, first in the help, of the commands whose help calls it just "the
 * codebook file"; {@code decode} and {@code send} say more about which codebook, in their own.
 */
final class CodebookFile {
  @Option(
      names = "--codebook",
      required = true,
      paramLabel = "CODEBOOK",
      order = 0,
      description = "The codebook file.")
  Path path;

  /** The codebook in the file; see {@link CliFiles#readCodebook}. */
  Codebook read() {
    return CliFiles.readCodebook(path);
  }
}
