package io.signcodec.cli;

import io.signcodec.core.DistortionBounds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code limits --rate R}: the sign-autoencoder limit and Shannon's bound at a rate. */
@Command(
    name = "limits",
    header = "Print the sign-autoencoder limit and Shannon's bound at a rate.",
    description = {
      "Prints the distortion limits at a rate as one JSON object:",
      "{\"rate\":..., \"limit\":..., \"shannon\":...}",
      "limit: the best NMSE any sign autoencoder reaches on isotropic Gaussian data "
          + "(1 - 2r/pi for r <= 1, (pi/2 - 1)/(r + pi/2 - 1) above); "
          + "shannon: 2^(-2r), the best any code reaches on Gaussian data."
    })
final class LimitsCommand extends CliCommand {
  @Option(
      names = "--rate",
      required = true,
      paramLabel = "R",
      description = "Bits per coordinate, a finite number >= 0.")
  double rate;

  @Override
  public Integer call() {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw usage("Invalid value for option '--rate': must be a finite number >= 0, was " + rate);
    }
    printJson(
        Json.object()
            .put("rate", rate)
            .put("limit", DistortionBounds.signAutoencoderLimit(rate))
            .put("shannon", DistortionBounds.shannonBound(rate)));
    return 0;
  }
}
