package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;

/** Gaussian test data with fixed seeds. */
public final class TestData {
  private TestData() {}

  /** {@code count} vectors from N(0, I_d), row-major. */
  public static float[] isotropic(int count, int d, long seed) {
    return gaussian(count, d, seed, 1);
  }

  /** {@code count} vectors from N(0, σ² I_d), row-major. */
  public static float[] gaussian(int count, int d, long seed, double sigma) {
    Random random = new Random(seed);
    float[] x = new float[count * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (random.nextGaussian() * sigma);
    }
    return x;
  }

  /** What the library gives back for {@code x}: its codes under {@code codebook}, decoded. */
  public static float[] libraryDecode(Codebook codebook, float[] x) {
    int count = x.length / codebook.dimension();
    return decode(codebook, encode(codebook, x, count), count);
  }

  /** The codes of the first {@code count} vectors of {@code x}, consecutive. */
  public static byte[] encode(Codebook codebook, float[] x, int count) {
    byte[] codes = new byte[count * codebook.codeBytes()];
    SignEncoder.of(codebook).encode(x, 0, codes, 0, count);
    return codes;
  }

  /** The first {@code count} of consecutive {@code codes}, decoded, row-major. */
  public static float[] decode(Codebook codebook, byte[] codes, int count) {
    float[] out = new float[count * codebook.dimension()];
    LinearDecoder.of(codebook).decode(codes, 0, out, 0, count);
    return out;
  }

  /**
   * Asserts that the first {@code count} vectors of {@code x} get the same codes, bit for bit, from
   * one parallel batch, one sequential batch and one call per vector; and that those codes decode
   * to the same floats in the three ways, and through {@link LinearDecoder#decode(byte[])}.
   */
  public static void assertBatchesEqualOneAtATime(Codebook cb, float[] x, int count) {
    int d = cb.dimension();
    int k = cb.codeBytes();
    byte[] codes = encode(cb, x, count);
    float[] decoded = decode(cb, codes, count);
    SignEncoder encoder = SignEncoder.builder(cb).parallel(false).build();
    LinearDecoder decoder = LinearDecoder.builder(cb).parallel(false).build();
    byte[] sequentialCodes = new byte[codes.length];
    float[] sequentialDecoded = new float[decoded.length];
    encoder.encode(x, 0, sequentialCodes, 0, count);
    decoder.decode(codes, 0, sequentialDecoded, 0, count);
    assertArrayEquals(codes, sequentialCodes, "codes of a sequential batch");
    assertArrayEquals(decoded, sequentialDecoded, "decoding of a sequential batch");
    byte[] code = new byte[k];
    float[] vector = new float[d];
    for (int v = 0; v < count; v++) {
      encoder.encode(x, v * d, code, 0);
      assertArrayEquals(Arrays.copyOfRange(codes, v * k, (v + 1) * k), code, "code " + v);
      decoder.decode(codes, v * k, vector, 0);
      assertArrayEquals(Arrays.copyOfRange(decoded, v * d, (v + 1) * d), vector, "vector " + v);
      if (v % 97 == 0) {
        assertArrayEquals(vector, decoder.decode(code), "vector " + v + " as a new array");
      }
    }
  }

  /**
   * {@code count} vectors from N(μ, Σ) where Σ has eigenvalues {@code k^-decay} (k = 1..d) along a
   * random rotation that depends only on d, and μ = (0.5, ..., 0.5); row-major. Calls with
   * different seeds draw from the same distribution.
   */
  public static float[] powerLaw(int count, int d, double decay, long seed) {
    Random random = new Random(seed);
    double[][] q = randomRotation(d, new Random(0x5DEECE66DL + d));
    double[] scale = new double[d];
    for (int k = 0; k < d; k++) {
      scale[k] = Math.pow(k + 1, -decay / 2);
    }
    float[] x = new float[count * d];
    double[] g = new double[d];
    for (int i = 0; i < count; i++) {
      for (int k = 0; k < d; k++) {
        g[k] = random.nextGaussian() * scale[k];
      }
      for (int r = 0; r < d; r++) {
        double s = 0.5;
        for (int k = 0; k < d; k++) {
          s += q[r][k] * g[k];
        }
        x[i * d + r] = (float) s;
      }
    }
    return x;
  }

  /** A random orthogonal matrix by Gram–Schmidt on Gaussian columns. */
  static double[][] randomRotation(int d, Random random) {
    double[][] q = new double[d][d];
    for (int c = 0; c < d; c++) {
      double[] v = new double[d];
      for (int r = 0; r < d; r++) {
        v[r] = random.nextGaussian();
      }
      for (int p = 0; p < c; p++) {
        double dot = 0;
        for (int r = 0; r < d; r++) {
          dot += v[r] * q[r][p];
        }
        for (int r = 0; r < d; r++) {
          v[r] -= dot * q[r][p];
        }
      }
      double norm = 0;
      for (double e : v) {
        norm += e * e;
      }
      norm = Math.sqrt(norm);
      for (int r = 0; r < d; r++) {
        q[r][c] = v[r] / norm;
      }
    }
    return q;
  }

  /** Test NMSE of {@code codebook} on {@code x}. */
  public static double nmse(Codebook codebook, float[] x) {
    return Distortion.of(codebook, x).nmse();
  }
}
