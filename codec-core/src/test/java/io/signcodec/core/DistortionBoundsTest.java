package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.signcodec.core.train.CodebookTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DistortionBoundsTest {

  /** The table of docs/THEORY.md §2. */
  @ParameterizedTest
  @CsvSource({
    "0.125, 0.92042, 0.84090",
    "0.25, 0.84085, 0.70711",
    "0.5, 0.68169, 0.50000",
    "0.75, 0.52254, 0.35355",
    "1, 0.36338, 0.25000",
    "1.5, 0.27564, 0.12500",
    "2, 0.22203, 0.06250",
    "3, 0.15985, 0.01562",
    "4, 0.12488, 0.00391"
  })
  void matchTheTheoryTable(double rate, double limit, double shannon) {
    assertEquals(limit, DistortionBounds.signAutoencoderLimit(rate), 5e-6);
    assertEquals(shannon, DistortionBounds.shannonBound(rate), 5e-6);
  }

  @Test
  void limitIsContinuousAtRateOne() {
    assertEquals(
        DistortionBounds.signAutoencoderLimit(1),
        DistortionBounds.signAutoencoderLimit(1 + 1e-12),
        1e-9);
  }

  @Test
  void badRatesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> DistortionBounds.signAutoencoderLimit(-1));
    assertThrows(
        IllegalArgumentException.class, () -> DistortionBounds.signAutoencoderLimit(Double.NaN));
    assertThrows(
        IllegalArgumentException.class,
        () -> DistortionBounds.shannonBound(Double.POSITIVE_INFINITY));
  }

  @Test
  void predictionForAGivenCovarianceMatchesMeasurement() {
    int d = 64;
    // Isotropic: the data-free form is predicted at the limit.
    Codebook iso = CodebookTrainer.builder().rate(1).seed(1).build().isotropic(d);
    double[] identity = new double[d * d];
    for (int k = 0; k < d; k++) {
      identity[k * d + k] = 1;
    }
    assertEquals(
        DistortionBounds.signAutoencoderLimit(1),
        DistortionBounds.predictedNmse(iso, identity),
        1e-4);
    // The same codebook on anisotropic data: predicted from Σ alone, measured on samples.
    float[] x = TestData.powerLaw(20_000, d, 1, 3);
    io.signcodec.core.train.CovarianceAccumulator acc =
        new io.signcodec.core.train.CovarianceAccumulator(d);
    acc.add(x, 0, 20_000);
    double[] mean = acc.mean();
    float[] mu = new float[d];
    for (int k = 0; k < d; k++) {
      mu[k] = (float) mean[k];
    }
    Codebook centred = Codebook.of(d, d, mu, iso.encoder(), iso.decoder(), iso.info());
    double predicted = DistortionBounds.predictedNmse(centred, acc.covariance());
    assertEquals(predicted, TestData.nmse(centred, x), 0.02 * predicted);
    assertThrows(
        IllegalArgumentException.class,
        () -> DistortionBounds.predictedNmse(iso, new double[d * d]));
    assertThrows(
        IllegalArgumentException.class, () -> DistortionBounds.predictedNmse(iso, new double[3]));
  }
}
