package io.signcodec.core.train;

import java.util.Arrays;

/**
 * One sign stage's matrices, the n×d encoder and the d×n decoder (row-major), with what its refit
 * measured ({@code squaredError}, NaN for the data-free stages) and its Gaussian-predicted NMSE;
 * and how stages join into the matrices of one staged codebook. For {@link SignCodeTrainer} and
 * {@link IsotropicSignForms}.
 */
record SignStage(float[] encoder, float[] decoder, double squaredError, double predictedNmse) {

  /** The encoder rows of {@code top}, then those of {@code bottom}. */
  static float[] concatRows(float[] top, float[] bottom) {
    float[] out = Arrays.copyOf(top, top.length + bottom.length);
    System.arraycopy(bottom, 0, out, top.length, bottom.length);
    return out;
  }

  /** [L | R] for row-major d×nl and d×nr matrices. */
  static float[] concatColumns(float[] left, int d, float[] right) {
    int nl = left.length / d;
    int nr = right.length / d;
    float[] out = new float[d * (nl + nr)];
    for (int k = 0; k < d; k++) {
      System.arraycopy(left, k * nl, out, k * (nl + nr), nl);
      System.arraycopy(right, k * nr, out, k * (nl + nr) + nl, nr);
    }
    return out;
  }
}
