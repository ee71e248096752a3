package io.signcodec.bench;

import io.signcodec.core.Codebook;
import io.signcodec.core.CodebookInfo;
import io.signcodec.core.SignCodes;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.internal.FloatKernels;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The best affine decoder for a fixed sign encoder: given {@code z = sign(B (x − μ))}, fits {@code
 * x̂ = c + A z} by least squares on the training vectors, {@code A = Cov(x, z) Cov(z)⁻¹}, {@code c
 * = x̄ − A z̄}. This is the decoder every sign-code peer gets; it is at least as good as
 * signcodec's own form {@code μ + A z} (which has no free intercept), so the comparison does not
 * favour signcodec.
 *
 * <p>The result is a pair of codebooks run by codec-core's encoder and decoder: one with the peer's
 * thresholds μ and rows B for encoding, one with mean {@code c} and decoder A for decoding.
 */
final class SignLeastSquares {
  /** Vectors per float accumulation block; sums are folded into double after each block. */
  private static final int BLOCK = 1024;

  /** Ridge added to Cov(z), relative to its mean diagonal, only to keep the solve stable. */
  private static final double RIDGE = 1e-6;

  record Pair(Codebook encoding, Codebook decoding) {}

  private SignLeastSquares() {}

  /**
   * @param train training vectors, row-major
   * @param mean μ, the thresholds
   * @param rows B, n×d row-major (no all-zero row)
   */
  static Pair fit(float[] train, int d, float[] mean, double[] rows, int n) {
    float[] b = new float[n * d];
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) rows[i];
    }
    CodebookInfo info =
        new CodebookInfo(CodebookInfo.Method.EXTERNAL, 0, 0, Double.NaN, Double.NaN);
    Codebook enc = Codebook.of(d, n, mean, b, new float[d * n], info);
    SignEncoder encoder = SignEncoder.of(enc);
    int count = train.length / d;

    double[] zz = new double[n * n];
    double[] xz = new double[d * n];
    double[] zSum = new double[n];
    double[] xSum = new double[d];
    float[][] zRows = new float[BLOCK][n];
    float[][] xRows = new float[BLOCK][d];
    float[][] zzBlock = new float[n][n];
    float[][] xzBlock = new float[d][n];
    byte[] codes = new byte[BLOCK * enc.codeBytes()];
    for (int first = 0; first < count; first += BLOCK) {
      int m = Math.min(BLOCK, count - first);
      encoder.encode(train, first * d, codes, 0, m);
      for (int i = 0; i < m; i++) {
        SignCodes.unpack(codes, i * enc.codeBytes(), n, zRows[i], 0);
        int o = (first + i) * d;
        for (int k = 0; k < d; k++) {
          float xc = train[o + k] - mean[k];
          xRows[i][k] = xc;
          xSum[k] += xc;
        }
        for (int j = 0; j < n; j++) {
          zSum[j] += zRows[i][j];
        }
      }
      FloatKernels.clear(zzBlock, n, n);
      FloatKernels.clear(xzBlock, d, n);
      FloatKernels.addGram(zRows, n, m, zzBlock, true);
      FloatKernels.addTransposeProduct(xRows, d, zRows, n, m, xzBlock, true);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          zz[i * n + j] += zzBlock[i][j];
        }
      }
      for (int k = 0; k < d; k++) {
        for (int j = 0; j < n; j++) {
          xz[k * n + j] += xzBlock[k][j];
        }
      }
    }

    // Covariances; a constant bit (z̄ = ±1) carries nothing and gets a zero decoder column.
    double[] zBar = new double[n];
    double[] xBar = new double[d];
    boolean[] constant = new boolean[n];
    for (int j = 0; j < n; j++) {
      zBar[j] = zSum[j] / count;
      constant[j] = Math.abs(zSum[j]) == count;
    }
    for (int k = 0; k < d; k++) {
      xBar[k] = xSum[k] / count;
    }
    DMatrixRMaj czz = new DMatrixRMaj(n, n);
    double diag = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double v = constant[i] || constant[j] ? 0 : zz[i * n + j] / count - zBar[i] * zBar[j];
        czz.set(i, j, v);
      }
      diag += czz.get(i, i);
    }
    double ridge = RIDGE * Math.max(diag / n, 1e-12);
    for (int i = 0; i < n; i++) {
      czz.add(i, i, constant[i] ? 1 : ridge);
    }
    DMatrixRMaj czxT = new DMatrixRMaj(n, d); // Cov(z, x), n×d
    for (int k = 0; k < d; k++) {
      for (int j = 0; j < n; j++) {
        czxT.set(j, k, constant[j] ? 0 : xz[k * n + j] / count - xBar[k] * zBar[j]);
      }
    }
    LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.chol(n);
    if (!solver.setA(czz)) {
      throw new IllegalStateException("code covariance is not positive definite");
    }
    DMatrixRMaj at = new DMatrixRMaj(n, d); // Aᵀ
    solver.solve(czxT, at);
    DMatrixRMaj a = new DMatrixRMaj(d, n);
    CommonOps_DDRM.transpose(at, a);

    float[] decoderMean = new float[d];
    float[] decoder = new float[d * n];
    for (int k = 0; k < d; k++) {
      double c = xBar[k];
      for (int j = 0; j < n; j++) {
        double akj = a.get(k, j);
        c -= akj * zBar[j];
        decoder[k * n + j] = (float) akj;
      }
      decoderMean[k] = (float) (mean[k] + c);
    }
    Codebook dec = Codebook.of(d, n, decoderMean, b, decoder, info);
    return new Pair(enc, dec);
  }
}
