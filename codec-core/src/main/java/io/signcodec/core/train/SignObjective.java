package io.signcodec.core.train;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_MT_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The Gaussian surrogate objective {@code J(U) = tr(P M⁻¹)} and its gradient (docs/THEORY.md §3),
 * evaluated in the eigenbasis of Σ, where {@code Σ = diag(λ)}. Working there turns every product
 * with Σ into a column scaling, so a step costs four n×n×d products and one n×n Cholesky
 * factorisation, and nothing depends on the number of samples.
 *
 * <p>With {@code L = U diag(√λ)} and {@code Y = M⁻¹ L}: {@code J = ⟨L, Y⟩}, {@code S = M⁻¹ P M⁻¹ =
 * Y Yᵀ} and {@code ∇J = 2 Y diag(√λ) − 2 (S ∘ W) U}, {@code W_ij = 1/√(1 − G_ij²)} off the
 * diagonal.
 *
 * <p>Not thread-safe: it owns its work matrices.
 */
final class SignObjective {
  private final int n;
  private final int d;
  private final double[] sqrtLambda;
  private final DMatrixRMaj g;
  private final DMatrixRMaj m;
  private final DMatrixRMaj w;
  private final DMatrixRMaj l;
  private final DMatrixRMaj y;
  private final DMatrixRMaj s;
  private final LinearSolverDense<DMatrixRMaj> chol;

  SignObjective(double[] lambda, int n) {
    this.n = n;
    this.d = lambda.length;
    this.sqrtLambda = new double[d];
    for (int k = 0; k < d; k++) {
      sqrtLambda[k] = Math.sqrt(lambda[k]);
    }
    g = new DMatrixRMaj(n, n);
    m = new DMatrixRMaj(n, n);
    w = new DMatrixRMaj(n, n);
    l = new DMatrixRMaj(n, d);
    y = new DMatrixRMaj(n, d);
    s = new DMatrixRMaj(n, n);
    chol = LinearSolverFactory_MT_DDRM.chol(n);
  }

  /**
   * Returns {@code J(U)} for {@code u} (n×d, unit rows) and, if {@code grad} is not null, writes
   * the (unprojected) gradient into it.
   */
  double evaluate(DMatrixRMaj u, DMatrixRMaj grad) {
    CommonOps_MT_DDRM.multOuter(u, g);
    double[] gd = g.data;
    double[] md = m.data;
    double[] wd = w.data;
    double hi = 1 - io.signcodec.core.internal.GaussianSignModel.CLIP;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int ij = i * n + j;
        if (i == j) {
          md[ij] = Math.PI / 2;
          wd[ij] = 0;
        } else {
          double x = Math.max(-hi, Math.min(hi, gd[ij]));
          md[ij] = Math.asin(x);
          wd[ij] = 1 / Math.sqrt(1 - x * x);
        }
      }
    }
    double[] ud = u.data;
    double[] ld = l.data;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        ld[i * d + k] = ud[i * d + k] * sqrtLambda[k];
      }
    }
    factor();
    chol.solve(l, y);
    double j = 0;
    double[] yd = y.data;
    for (int i = 0; i < ld.length; i++) {
      j += ld[i] * yd[i];
    }
    if (grad == null) {
      return j;
    }
    CommonOps_MT_DDRM.multOuter(y, s);
    CommonOps_DDRM.elementMult(s, w);
    CommonOps_MT_DDRM.mult(-2, s, u, grad);
    double[] gr = grad.data;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        gr[i * d + k] += 2 * yd[i * d + k] * sqrtLambda[k];
      }
    }
    return j;
  }

  /**
   * Factors M. arcsin(G) is positive definite unless two rows coincide; should rounding make it
   * fail, a growing ridge on the diagonal is tried before giving up.
   */
  private void factor() {
    double ridge = 0;
    for (int attempt = 0; attempt < 8; attempt++) {
      DMatrixRMaj a = chol.modifiesA() ? m.copy() : m;
      if (ridge > 0) {
        for (int i = 0; i < n; i++) {
          a.add(i, i, ridge);
        }
      }
      if (chol.setA(a)) {
        return;
      }
      ridge = ridge == 0 ? 1e-10 : ridge * 100;
    }
    throw new IllegalStateException("arcsin(G) is not positive definite: encoder rows coincide");
  }
}
