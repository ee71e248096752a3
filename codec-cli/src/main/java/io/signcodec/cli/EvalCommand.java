package io.signcodec.cli;

import io.signcodec.core.Codebook;
import io.signcodec.core.Distortion;
import io.signcodec.core.Limits;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CovarianceAccumulator;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eval}: how well a codebook reconstructs a vector file. */
@Command(name = "eval", sortOptions = false,
    header = "Measure a codebook on a vector file: NMSE, prediction, limits.",
    description = {
        "Encodes and decodes every vector of a file with a codebook and prints one JSON object:",
        "{\"vectors\":..., \"dim\":..., \"bits\":..., \"rate\":..., \"nmse\":..., \"predictedNmse\":..., "
            + "\"limit\":..., \"shannon\":..., \"meanCosine\":...}",
        "nmse = sum |x - x^|^2 / sum |x - mean|^2 over the file; predictedNmse: the Gaussian "
            + "prediction for the file's covariance; limit: the isotropic sign-autoencoder limit "
            + "at the codebook's rate; shannon = 2^(-2r); meanCosine: mean cosine similarity of x "
            + "and x^. Numbers that do not exist (a file without variance) are null."})
final class EvalCommand extends CliCommand {
  static final int BATCH = 1024;

  @Option(names = "--codebook", required = true, paramLabel = "CODEBOOK", order = 0,
      description = "The codebook file.")
  Path codebookPath;

  @Mixin
  VectorInput input;

  @Option(names = "--max-vectors", paramLabel = "M", order = 4,
      description = "Evaluate the first M vectors only.")
  Long maxVectors;

  @Override
  public Integer call() {
    if (maxVectors != null && maxVectors < 1) {
      throw usage("Invalid value for option '--max-vectors': must be >= 1, was " + maxVectors);
    }
    Codebook codebook = CliFiles.readCodebook(codebookPath);
    VectorSource file = input.open(commandLine());
    input.checkDimension(file, codebook, codebookPath);
    VectorSource source = maxVectors == null ? file : file.limit(maxVectors);

    int d = codebook.dimension();
    SignEncoder encoder = SignEncoder.of(codebook);
    LinearDecoder decoder = LinearDecoder.of(codebook);
    Distortion distortion = new Distortion(d);
    CovarianceAccumulator moments = new CovarianceAccumulator(d);
    byte[] codes = new byte[BATCH * codebook.codeBytes()];
    float[] decoded = new float[BATCH * d];
    long vectors;
    try (Progress progress = progress()) {
      vectors = input.forEachBatch(source, BATCH, (batch, n) -> {
        encoder.encode(batch, 0, codes, 0, n);
        decoder.decode(codes, 0, decoded, 0, n);
        distortion.add(batch, 0, decoded, 0, n);
        moments.add(batch, 0, n);
      }, done -> progress.update("eval", done, 0, "vectors"));
    }
    if (vectors == 0) {
      throw new DataException(input.name(), "contains no vectors");
    }
    double predicted = moments.totalVariance() > 0
        ? Limits.predictedNmse(codebook, moments.covariance()) : Double.NaN;
    double rate = codebook.rate();
    printJson(Json.object()
        .put("vectors", vectors)
        .put("dim", d)
        .put("bits", codebook.bits())
        .put("rate", rate)
        .put("nmse", distortion.nmse())
        .put("predictedNmse", predicted)
        .put("limit", Limits.signAutoencoderLimit(rate))
        .put("shannon", Limits.shannonBound(rate))
        .put("meanCosine", distortion.meanCosine()));
    return 0;
  }
}
