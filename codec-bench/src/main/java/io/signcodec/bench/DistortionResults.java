package io.signcodec.bench;

import java.util.List;

/** What the distortion report measured. */
final class DistortionResults {
  private DistortionResults() {}

  /**
   * One method at one rate on one dataset.
   *
   * @param bits the budget, {@code round(r · d)} bits per vector
   * @param bitsUsed bits the method actually spends (PQ rounds down to whole bytes)
   * @param recallAt10 recall@10 of inner-product search over the decoded database
   * @param trainSeconds wall-clock time to fit the method to the training split
   * @param predictedNmse Gaussian prediction from the training covariance, NaN if not computed
   */
  record Row(
      String method,
      String label,
      double rate,
      int bits,
      int bitsUsed,
      double nmse,
      double meanCosine,
      double recallAt10,
      double trainSeconds,
      double predictedNmse) {}

  /** Everything about one dataset. */
  record Dataset(
      String id,
      String title,
      int dimension,
      int trainCount,
      int testCount,
      int queries,
      int databaseCount,
      List<String> notes,
      List<Row> rows,
      double seconds) {}

  /** A dataset that was not run, and why. */
  record Skipped(String id, String title, String reason) {}
}
