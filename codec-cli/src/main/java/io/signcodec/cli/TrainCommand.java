package io.signcodec.cli;

import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import io.signcodec.core.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: a codebook from a vector file. */
@Command(
    name = "train",
    header = "Train a codebook from a vector file.",
    description = {
      "Trains a codebook from a vector file and writes it to --out. Prints one JSON object "
          + "(on standard error with --out -):",
      "{\"dim\":..., \"bits\":..., \"rate\":..., \"gainBits\":..., \"jointGain\":..., "
          + "\"trainVectors\":..., "
          + "\"trainNmse\":..., "
          + "\"predictedNmse\":..., \"seconds\":..., \"fingerprint\":\"...\"}"
    })
final class TrainCommand extends CliCommand {
  @Mixin VectorInput input;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "CODEBOOK",
      order = 4,
      description =
          "The codebook file to write; - for standard output." + CliFiles.HOW_OUT_IS_WRITTEN)
  Path out;

  @ArgGroup(exclusive = true, multiplicity = "1", order = 5)
  CodeLength length;

  /** Exactly one of --rate and --bits. */
  static final class CodeLength {
    @Option(
        names = "--rate",
        required = true,
        paramLabel = "R",
        description =
            "Bits per coordinate, in (0, 8]: the code has round(R*d) bits, spread "
                + "over the principal directions (several bits where the variance is, none where "
                + "it is not), unless --shallow or --staged.")
    Double rate;

    @Option(
        names = "--bits",
        required = true,
        paramLabel = "N",
        description = "Code length in bits, 1..8d (2d with --shallow).")
    Integer bits;
  }

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "1",
      order = 6,
      description =
          "Seed of the random start (default: ${DEFAULT-VALUE}); the same file and "
              + "seed give the same codebook.")
  long seed;

  @Option(
      names = "--max-vectors",
      paramLabel = "M",
      order = 7,
      description = "Train on the first M vectors only.")
  Long maxVectors;

  @Option(
      names = "--isotropic",
      order = 8,
      description =
          "The data-free optimal form instead: uses the file only for its dimension, "
              + "mean and overall scale.")
  boolean isotropic;

  @Option(
      names = "--shallow",
      order = 9,
      description =
          "The plain sign autoencoder instead: one sign per projection, the encoder "
              + "trained by gradient ascent, one stage (at most 2 bits per coordinate, a tight frame "
              + "above 1).")
  boolean shallow;

  @Option(
      names = "--staged",
      order = 10,
      description =
          "Sign codes in residual stages instead: 1 bit per coordinate per stage, "
              + "each coding what the stages before it left.")
  boolean staged;

  @Option(
      names = "--mean-bits",
      paramLabel = "B|auto",
      defaultValue = "auto",
      order = 11,
      description =
          "Bits (0 to 8) for the direction of the data's mean, coded first, for "
              + "inner-product search on data that are not centred; 'auto' (the default): 8 when "
              + "|mean|^2 >= trace(covariance)/4, else 0. Default codebooks only.")
  String meanBits;

  @Option(
      names = "--gain-bits",
      paramLabel = "G|auto",
      defaultValue = "auto",
      order = 12,
      description =
          "Bits (0 to 8) of each code for a per-vector gain, taken from the directions' bits; "
              + "'auto' (the default): 4 where they lift recall@10 on the training vectors more "
              + "than 4 more bits for the directions would, searched after the directions or "
              + "jointly with them, whichever lifts it more. Default codebooks only.")
  String gainBits;

  @Option(
      names = "--joint-gain",
      order = 13,
      description =
          "With --gain-bits G: the encoder searches the gain jointly with the directions' levels "
              + "(levels fitted to vectors scaled to a common norm; format version 6) instead of "
              + "after them. 'auto' tries both.")
  boolean jointGain;

  @Override
  public Integer call() {
    if (input.readableOnce()) {
      throw usage(
          "Invalid value for option '--input': training reads its input twice, and "
              + input.name()
              + " can be read only once; give a file");
    }
    refuseOverwritingInput(out, "--input", input.path);
    CliFiles.Output output = output(out);
    CodebookTrainer.Builder builder = CodebookTrainer.builder().seed(seed);
    if (length.rate != null) {
      double r = length.rate;
      if (!(r > 0 && r <= Caps.MAX_STAGED_RATE)) {
        throw usage(
            "Invalid value for option '--rate': must be in (0, "
                + Caps.MAX_STAGED_RATE
                + "], was "
                + r);
      }
      builder.rate(r);
    } else {
      if (length.bits < 1) {
        throw usage("Invalid value for option '--bits': must be >= 1, was " + length.bits);
      }
      builder.bits(length.bits);
    }
    if (maxVectors != null && maxVectors < 1) {
      throw usage("Invalid value for option '--max-vectors': must be >= 1, was " + maxVectors);
    }
    if (shallow && staged) {
      throw usage("--shallow and --staged contradict: one is a single stage");
    }
    int mean = autoOrBits(meanBits, "--mean-bits");
    if (mean != CodebookTrainer.MEAN_DIRECTION_AUTO) {
      builder.meanDirectionBits(mean);
    }
    int gain = autoOrBits(gainBits, "--gain-bits");
    if (jointGain && (gain == CodebookTrainer.GAIN_AUTO || gain == 0)) {
      throw usage("--joint-gain needs --gain-bits from 1 to 8, not " + gainBits);
    }
    if (gain != CodebookTrainer.GAIN_AUTO) {
      builder.gainBits(gain, jointGain);
    }
    if (shallow) {
      builder.shallow();
    }
    if (staged) {
      builder.staged();
    }
    VectorSource file = input.open(commandLine());
    int d = file.dimension();
    int bits = codeLength(builder, d);
    VectorSource source = maxVectors == null ? file : file.limit(maxVectors);

    Codebook codebook;
    long t0 = System.nanoTime();
    try (Progress progress = progress()) {
      builder.listener(progressListener(progress, isotropic));
      if (isotropic && codebookFitsStructured(builder.build(), d)) {
        // The data-free form as fast transforms: O(d log d) per vector, a seed in the file.
        builder.structured();
      }
      CodebookTrainer trainer = builder.build();
      codebook = isotropic ? trainer.trainIsotropic(source) : trainer.train(source);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      // Unreadable or unusable data (too few vectors, no variance, a NaN): about the input file.
      throw input.dataError(e);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (codebook.bits() != bits) {
      throw new IllegalStateException(
          "trainer made " + codebook.bits() + " bits, expected " + bits);
    }
    CliFiles.write(output, codebook::write);
    printJson(
        Json.object()
            .put("dim", codebook.dimension())
            .put("bits", codebook.bits())
            .put("rate", codebook.rate())
            .put("gainBits", codebook.gainBits())
            .put("jointGain", codebook.gainSearchedJointly())
            .put("trainVectors", codebook.info().trainVectors())
            .put("trainNmse", codebook.info().trainNmse())
            .put("predictedNmse", codebook.info().predictedNmse())
            .put("seconds", Math.round(seconds * 1000) / 1000.0)
            .put("fingerprint", codebook.fingerprintHex()),
        output);
    return 0;
  }

  /**
   * The value of {@code option}, 0 to 8 or {@code auto} (−1, as {@link
   * CodebookTrainer#MEAN_DIRECTION_AUTO} and {@link CodebookTrainer#GAIN_AUTO}); a usage error for
   * anything else, or for a number with a codebook that is not the default.
   */
  private int autoOrBits(String value, String option) {
    if (value.equals("auto")) {
      return -1;
    }
    int b;
    try {
      b = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      b = -1;
    }
    if (b < 0 || b > 8) {
      throw usage(
          "Invalid value for option '" + option + "': must be 0 to 8 or auto, was " + value);
    }
    if (shallow || staged || isotropic) {
      throw usage(
          option
              + " applies to the default codebooks only, not to --shallow, --staged or --isotropic");
    }
    return b;
  }

  /** The code length for dimension d, or a usage error if a codebook cannot hold it. */
  private int codeLength(CodebookTrainer.Builder builder, int d) {
    try {
      return builder.build().bitsFor(d);
    } catch (IllegalArgumentException e) {
      String option = length.bits != null ? "--bits" : "--rate";
      throw usage(
          "Invalid value for option '"
              + option
              + "': "
              + e.getMessage()
              + " ("
              + input.name()
              + " has dimension "
              + d
              + ")");
    }
  }

  private static boolean codebookFitsStructured(CodebookTrainer trainer, int d) {
    for (int bits : trainer.stageBitsFor(d)) {
      if (bits > d) {
        return false;
      }
    }
    return true;
  }

  /** Feeds the trainer's progress to the bar. */
  private static TrainingListener progressListener(Progress progress, boolean isotropic) {
    return new TrainingListener() {
      /** The vectors the first pass read: the second pass's total. */
      private long firstPass;

      @Override
      public void vectorsRead(Pass pass, long vectors) {
        if (pass == Pass.MOMENTS) {
          firstPass = vectors;
          progress.update("train 1/2 moments", vectors, 0, "vectors");
        } else {
          progress.update(
              isotropic ? "train 2/2 NMSE" : "train 2/2 decoder", vectors, firstPass, "vectors");
        }
      }

      @Override
      public void step(int step, int maxSteps, double predictedNmse) {
        progress.update("train steps", step, maxSteps, "steps");
      }
    };
  }
}
