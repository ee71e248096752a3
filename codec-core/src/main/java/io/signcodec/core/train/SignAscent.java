package io.signcodec.core.train;

import org.ejml.data.DMatrixRMaj;

/**
 * Projected gradient ascent with Adam on the Gaussian surrogate {@code J(U)} of docs/THEORY.md §3
 * ({@link SignObjective}), over unit rows: the encoder training of the sign codes ({@link
 * SignCodeTrainer}) and the finish of the data-free tight frames ({@link IsotropicSignForms}). The
 * step warms up linearly over the first steps, then decays on a cosine; the best iterate seen is
 * returned. Holds the options {@link CodebookTrainer.Builder#maxSteps}, {@link
 * CodebookTrainer.Builder#tolerance} and the listener that hears each step. Immutable; each call
 * works on its own state.
 */
final class SignAscent {
  /** Steps over which the ascent's step size grows to its full value. */
  static final int WARMUP_STEPS = 20;

  private final int maxSteps;
  private final double tolerance;
  private final TrainingListener listener;

  SignAscent(int maxSteps, double tolerance, TrainingListener listener) {
    this.maxSteps = maxSteps;
    this.tolerance = tolerance;
    this.listener = listener;
  }

  /** Projected Adam ascent on J from {@code u}; returns the best iterate seen. */
  DMatrixRMaj ascend(DMatrixRMaj u, double[] lambda) {
    int n = u.numRows;
    int d = u.numCols;
    double trace = 0;
    for (double l : lambda) {
      trace += l;
    }
    SignObjective objective = new SignObjective(lambda, n);
    DMatrixRMaj grad = new DMatrixRMaj(n, d);
    double[] m1 = new double[n * d];
    double[] m2 = new double[n * d];
    double beta1 = 0.9;
    double beta2 = 0.999;
    // Adam moves each coordinate by about the step size; unit rows have coordinates ~ 1/√d.
    double step0 = 2 / Math.sqrt(d);
    // From a random start, full-size Adam steps first scramble the rows (J falls for several
    // steps): the step grows linearly over the first steps, and no early stop comes before the
    // warm-up has ended, which would otherwise return the random start.
    int warmup = Math.max(1, Math.min(WARMUP_STEPS, maxSteps / 5));
    DMatrixRMaj best = u.copy();
    double bestJ = Double.NEGATIVE_INFINITY;
    double[] history = new double[maxSteps + 1];
    for (int t = 1; t <= maxSteps; t++) {
      double j = objective.evaluate(u, grad);
      history[t - 1] = Math.max(j, t > 1 ? history[t - 2] : j);
      if (j > bestJ) {
        bestJ = j;
        best.setTo(u);
      }
      listener.step(t, maxSteps, 1 - j / trace);
      if (t > warmup + 10
          && history[t - 1] - history[t - 11] <= tolerance * Math.abs(history[t - 1])) {
        return best;
      }
      double[] ud = u.data;
      double[] gd = grad.data;
      double lr =
          step0
              * (0.1 + 0.45 * (1 + Math.cos(Math.PI * (t - 1) / maxSteps)))
              * Math.min(1, (double) t / warmup);
      double c1 = 1 - Math.pow(beta1, t);
      double c2 = 1 - Math.pow(beta2, t);
      for (int i = 0; i < n; i++) {
        int row = i * d;
        double radial = 0;
        for (int k = 0; k < d; k++) {
          radial += gd[row + k] * ud[row + k];
        }
        for (int k = 0; k < d; k++) {
          int ik = row + k;
          double gk = gd[ik] - radial * ud[ik];
          m1[ik] = beta1 * m1[ik] + (1 - beta1) * gk;
          m2[ik] = beta2 * m2[ik] + (1 - beta2) * gk * gk;
          ud[ik] += lr * (m1[ik] / c1) / (Math.sqrt(m2[ik] / c2) + 1e-12);
        }
      }
      normalizeRows(u);
    }
    double j = objective.evaluate(u, null);
    return j > bestJ ? u : best;
  }

  /** Scales every row of {@code m} to unit norm, in place. */
  static void normalizeRows(DMatrixRMaj m) {
    int cols = m.numCols;
    for (int i = 0; i < m.numRows; i++) {
      double s = 0;
      for (int k = 0; k < cols; k++) {
        double x = m.data[i * cols + k];
        s += x * x;
      }
      double inv = 1 / Math.sqrt(s);
      for (int k = 0; k < cols; k++) {
        m.data[i * cols + k] *= inv;
      }
    }
  }
}
