package io.signcodec.cli;

import io.signcodec.core.Codebook;
import io.signcodec.core.Distortion;
import io.signcodec.core.DistortionBounds;
import io.signcodec.core.SearchRecall;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CovarianceAccumulator;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code eval}: how well a codebook reconstructs a vector file, and with {@code --queries} how well
 * searching its codes finds the file's nearest neighbours.
 */
@Command(
    name = "eval",
    header = "Measure a codebook on a vector file: NMSE, prediction, limits, search recall.",
    description = {
      "Encodes and decodes every vector of a file with a codebook and prints one JSON object:",
      "{\"vectors\":..., \"dim\":..., \"bits\":..., \"rate\":..., \"nmse\":..., \"predictedNmse\":..., "
          + "\"limit\":..., \"shannon\":..., \"meanCosine\":...}",
      "nmse = sum |x - x^|^2 / sum |x - mean|^2 over the file; predictedNmse: the Gaussian "
          + "prediction for the file's covariance; limit: the isotropic sign-autoencoder limit "
          + "at the codebook's rate; shannon = 2^(-2r); meanCosine: mean cosine similarity of x "
          + "and x^. Numbers that do not exist (a file without variance) are null.",
      "With --queries, the object ends with \"k\":..., \"queries\":..., \"recall\":...: "
          + "recall@k of inner-product search on the codes, the mean over queries of the "
          + "fraction of the k vectors of the file with the largest <q, x> that the k largest "
          + "<q, x^> (scored on the codes) include; recallQuantized: the same for the search "
          + "whose first pass scores the codes with quantized queries (8-bit nibble tables) and "
          + "ranks the best "
          + io.signcodec.core.CodeSearch.DEFAULT_OVERSAMPLE
          + "k of each block by their exact scores. The exact search costs queries x vectors x "
          + "dim multiply-adds. The queries are read into memory: at most "
          + QueryFile.MAX_QUERIES
          + ", within "
          + (QueryFile.MAX_BYTES >> 30)
          + " GiB with their search state."
    })
final class EvalCommand extends CliCommand {
  static final int BATCH = 1024;

  /** Most neighbours per query: beyond, recall@k says little that a smaller k does not. */
  static final int MAX_K = 1000;

  static final int DEFAULT_K = 10;

  @Mixin CodebookFile codebookFile;

  @Mixin VectorInput input;

  @Option(
      names = "--max-vectors",
      paramLabel = "M",
      order = 4,
      description = "Evaluate the first M vectors only.")
  Long maxVectors;

  @Option(
      names = "--queries",
      paramLabel = "FILE",
      order = 5,
      description =
          "Query vectors for recall@k: .fvecs, .bvecs, .npy, .npz (see --queries-key), "
              + "or raw float32 of the codebook's dimension; optionally compressed; a file or pipe, "
              + "not standard input.")
  Path queriesPath;

  @Option(
      names = "--queries-key",
      paramLabel = "NAME",
      order = 6,
      description = "The .npz array of --queries to read (default: the first).")
  String queriesKey;

  @Option(
      names = "--k",
      paramLabel = "K",
      order = 7,
      description =
          "Neighbours compared per query, 1.." + MAX_K + " (default 10); needs " + "--queries.")
  Integer k;

  @Override
  public Integer call() {
    if (maxVectors != null && maxVectors < 1) {
      throw usage("Invalid value for option '--max-vectors': must be >= 1, was " + maxVectors);
    }
    int neighbours = checkRecallOptions();
    Codebook codebook = codebookFile.read();
    VectorSource file = input.open(commandLine(), codebook, codebookFile.path);
    VectorSource source = maxVectors == null ? file : file.limit(maxVectors);
    SearchRecall recall =
        queriesPath == null
            ? null
            : new SearchRecall(
                codebook,
                QueryFile.read(
                    queriesPath, queriesKey, codebook, codebookFile.path, neighbours, "eval"),
                neighbours);

    int d = codebook.dimension();
    RoundTrip roundTrip = new RoundTrip(codebook, BATCH);
    CovarianceAccumulator moments = new CovarianceAccumulator(d);
    long vectors;
    try (Progress progress = progress()) {
      vectors =
          input.forEachBatch(
              source,
              BATCH,
              (batch, n) -> {
                roundTrip.add(batch, n);
                moments.add(batch, 0, n);
                if (recall != null) {
                  recall.add(batch, 0, roundTrip.codes(), 0, n);
                }
              },
              done -> progress.update("eval", done, 0, "vectors"));
    }
    Distortion distortion = roundTrip.distortion();
    if (vectors == 0) {
      throw new DataException(input.name(), "contains no vectors");
    }
    if (recall != null && vectors < neighbours) {
      throw new DataException(
          input.name(),
          "has "
              + vectors
              + " vector"
              + (vectors == 1 ? "" : "s")
              + ", fewer than --k "
              + neighbours
              + ": recall@k needs at least k");
    }
    double predicted =
        moments.totalVariance() > 0
            ? DistortionBounds.predictedNmse(codebook, moments.covariance())
            : Double.NaN;
    double rate = codebook.rate();
    Json json =
        Json.object()
            .put("vectors", vectors)
            .put("dim", d)
            .put("bits", codebook.bits())
            .put("rate", rate)
            .put("nmse", distortion.nmse())
            .put("predictedNmse", predicted)
            .put("limit", DistortionBounds.signAutoencoderLimit(rate))
            .put("shannon", DistortionBounds.shannonBound(rate))
            .put("meanCosine", distortion.meanCosine());
    if (recall != null) {
      json.put("k", neighbours)
          .put("queries", recall.queryCount())
          .put("recall", recall.recall())
          .put("recallQuantized", recall.quantizedRecall());
    }
    printJson(json);
    return 0;
  }

  /** Checks --queries and --k against each other and --max-vectors; returns k. */
  private int checkRecallOptions() {
    if (queriesPath == null) {
      if (k != null) {
        throw usage("--k needs --queries: it is the k of recall@k");
      }
      if (queriesKey != null) {
        throw usage("--queries-key needs --queries: it names an array in that file");
      }
      return DEFAULT_K;
    }
    QueryFile.refuseInputStream(this, "--queries", queriesPath, "--input", input.path, "queries");
    int neighbours = k == null ? DEFAULT_K : k;
    if (neighbours < 1 || neighbours > MAX_K) {
      throw usage("Invalid value for option '--k': must be in 1.." + MAX_K + ", was " + neighbours);
    }
    if (maxVectors != null && maxVectors < neighbours) {
      throw usage(
          "Invalid value for option '--max-vectors': "
              + maxVectors
              + " vectors are fewer than --k "
              + neighbours
              + "; recall@k needs at least k");
    }
    return neighbours;
  }
}
