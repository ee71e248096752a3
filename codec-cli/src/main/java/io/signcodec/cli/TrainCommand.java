package io.signcodec.cli;

import io.signcodec.core.Codebook;
import io.signcodec.core.CodebookFormat;
import io.signcodec.core.train.CodebookTrainer;
import io.signcodec.core.train.TrainingListener;
import io.signcodec.core.vectors.VectorSource;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: a codebook from a vector file. */
@Command(name = "train", sortOptions = false,
    header = "Train a codebook from a vector file.",
    description = {
        "Trains a codebook from a vector file and writes it to --out. Prints one JSON object:",
        "{\"dim\":..., \"bits\":..., \"rate\":..., \"trainVectors\":..., \"trainNmse\":..., "
            + "\"predictedNmse\":..., \"seconds\":..., \"fingerprint\":\"...\"}"})
final class TrainCommand extends CliCommand {
  @Mixin
  VectorInput input;

  @Option(names = "--out", required = true, paramLabel = "CODEBOOK", order = 4,
      description = "The codebook file to write.")
  Path out;

  @ArgGroup(exclusive = true, multiplicity = "1", order = 5)
  CodeLength length;

  /** Exactly one of --rate and --bits. */
  static final class CodeLength {
    @Option(names = "--rate", required = true, paramLabel = "R",
        description = "Bits per coordinate, in (0, 2]: the code has round(R*d) bits.")
    Double rate;

    @Option(names = "--bits", required = true, paramLabel = "N",
        description = "Code length in bits, 1..2d.")
    Integer bits;
  }

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", order = 6,
      description = "Seed of the random start (default: ${DEFAULT-VALUE}); the same file and "
          + "seed give the same codebook.")
  long seed;

  @Option(names = "--max-vectors", paramLabel = "M", order = 7,
      description = "Train on the first M vectors only.")
  Long maxVectors;

  @Option(names = "--isotropic", order = 8,
      description = "The data-free optimal form instead: uses the file only for its dimension, "
          + "mean and overall scale.")
  boolean isotropic;

  @Override
  public Integer call() {
    CodebookTrainer.Builder builder = CodebookTrainer.builder().seed(seed);
    if (length.rate != null) {
      double r = length.rate;
      if (!(r > 0 && r <= 2)) {
        throw usage("Invalid value for option '--rate': must be in (0, 2], was " + r);
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
    VectorSource file = input.open(commandLine());
    int d = file.dimension();
    int bits = codeLength(builder, d);
    CliFiles.checkWritable(out);
    VectorSource source = LimitedSource.of(file, maxVectors);

    Codebook codebook;
    long t0 = System.nanoTime();
    try (Progress progress = progress()) {
      builder.listener(new ProgressListener(progress, isotropic));
      CodebookTrainer trainer = builder.build();
      codebook = isotropic ? trainer.trainIsotropic(source) : trainer.train(source);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      // Unreadable or unusable data (too few vectors, no variance, a NaN): about the input file.
      throw DataException.of(input.path, e);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (codebook.bits() != bits) {
      throw new IllegalStateException("trainer made " + codebook.bits() + " bits, expected " + bits);
    }
    CliFiles.writeAtomically(out, codebook::write);
    printJson(Json.object()
        .put("dim", codebook.dimension())
        .put("bits", codebook.bits())
        .put("rate", codebook.rate())
        .put("trainVectors", codebook.info().trainVectors())
        .put("trainNmse", codebook.info().trainNmse())
        .put("predictedNmse", codebook.info().predictedNmse())
        .put("seconds", Math.round(seconds * 1000) / 1000.0)
        .put("fingerprint", codebook.fingerprintHex()));
    return 0;
  }

  /** The code length for dimension d, or a usage error if the format cannot hold it. */
  private int codeLength(CodebookTrainer.Builder builder, int d) {
    int max = Math.min(2 * d, CodebookFormat.maxBits(d));
    long n = length.bits != null ? length.bits : Math.max(1, Math.round(length.rate * d));
    if (n > max) {
      String option = length.bits != null ? "--bits" : "--rate";
      throw usage("Invalid value for option '" + option + "': " + n + " bits is more than the "
          + max + " a codebook for dimension " + d + " (the dimension of " + input.path
          + ") can have");
    }
    return (int) n;
  }

  /** Feeds the trainer's progress to the bar. */
  private static final class ProgressListener implements TrainingListener {
    private final Progress progress;
    private final boolean isotropic;
    private long firstPass;

    ProgressListener(Progress progress, boolean isotropic) {
      this.progress = progress;
      this.isotropic = isotropic;
    }

    @Override
    public void vectorsRead(Pass pass, long vectors) {
      if (pass == Pass.MOMENTS) {
        firstPass = vectors;
        progress.update("train 1/2 moments", vectors, 0, "vectors");
      } else {
        progress.update(isotropic ? "train 2/2 NMSE" : "train 2/2 decoder",
            vectors, firstPass, "vectors");
      }
    }

    @Override
    public void step(int step, int maxSteps, double predictedNmse) {
      progress.update("train steps", step, maxSteps, "steps");
    }
  }
}
