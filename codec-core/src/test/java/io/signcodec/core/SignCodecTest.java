package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SignEncoder and LinearDecoder against the definitions, at awkward sizes. */
@org.junit.jupiter.api.Tag("kernels")
class SignCodecTest {
  private static final CodebookInfo INFO =
      new CodebookInfo(CodebookInfo.Method.EXTERNAL, 0, 0, Double.NaN, Double.NaN);

  static Codebook random(int d, int n, long seed) {
    Random r = new Random(seed);
    float[] mean = new float[d];
    float[] b = new float[n * d];
    float[] a = new float[d * n];
    for (int i = 0; i < d; i++) {
      mean[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) r.nextGaussian();
      a[i] = (float) r.nextGaussian();
    }
    return Codebook.of(d, n, mean, b, a, INFO);
  }

  @Test
  void bitOrderIsLittleEndianWithinBytesAndSetMeansPlusOne() {
    // B = I (10×10), μ = 0: bit j is the sign of x_j.
    int d = 10;
    float[] b = new float[d * d];
    for (int i = 0; i < d; i++) {
      b[i * d + i] = 1;
    }
    Codebook cb = Codebook.of(d, d, new float[d], b, b, INFO);
    float[] x = {1, -1, -1, 2, -3, -3, -3, 4, -0.5f, 7};
    byte[] code = SignEncoder.of(cb).encode(x);
    assertArrayEquals(new byte[] {(byte) 0b1000_1001, 0b10}, code);
    // sign(0) = +1, for −0.0 too.
    float[] zeros = new float[d];
    zeros[1] = -0f;
    assertArrayEquals(new byte[] {(byte) 0xFF, 0b11}, SignEncoder.of(cb).encode(zeros));
    assertArrayEquals(
        new float[] {1, -1, -1, 1, -1, -1, -1, 1, -1, 1}, LinearDecoder.of(cb).decode(code));
  }

  @Test
  void paddingBitsAreWrittenZeroAndIgnoredOnRead() {
    Codebook cb = random(5, 3, 1);
    byte[] code = SignEncoder.of(cb).encode(new float[] {1, 2, 3, 4, 5});
    assertEquals(0, code[0] & 0xF8);
    byte[] padded = {(byte) (code[0] | 0xF8)};
    assertArrayEquals(LinearDecoder.of(cb).decode(code), LinearDecoder.of(cb).decode(padded));
  }

  @ParameterizedTest
  @CsvSource({"1,1", "1,2", "63,17", "64,64", "65,130", "257,300", "1021,511"})
  void encodeAndDecodeMatchTheDefinition(int d, int n) {
    Codebook cb = random(d, n, d * 31L + n);
    int count = 37;
    float[] x = TestData.isotropic(count, d, n);
    byte[] codes = TestData.encode(cb, x, count);
    float[] decoded = TestData.decode(cb, codes, count);
    float[] mu = cb.mean();
    float[] b = cb.encoder();
    float[] a = cb.decoder();
    int mismatches = 0;
    for (int v = 0; v < count; v++) {
      for (int i = 0; i < n; i++) {
        double p = 0;
        double scale = 0;
        for (int k = 0; k < d; k++) {
          double c = (double) x[v * d + k] - mu[k];
          p += b[i * d + k] * c;
          scale += Math.abs(b[i * d + k] * c);
        }
        int bit = SignCodes.sign(codes, v * cb.codeBytes(), i);
        // Float rounding may only flip a projection that is zero to within its own error.
        if ((p >= 0 ? 1 : -1) != bit) {
          mismatches++;
          assertEquals(0, p, 1e-5 * scale, "vector " + v + " bit " + i);
        }
      }
      for (int k = 0; k < d; k++) {
        double expected = mu[k];
        double scale = Math.abs(mu[k]);
        for (int i = 0; i < n; i++) {
          expected += a[k * n + i] * SignCodes.sign(codes, v * cb.codeBytes(), i);
          scale += Math.abs(a[k * n + i]);
        }
        assertEquals(expected, decoded[v * d + k], 1e-6 * scale, "vector " + v + " coord " + k);
      }
    }
    assertEquals(0, mismatches, "no projection of Gaussian data should sit at zero");
  }

  @Test
  void singleBatchParallelAndSequentialGiveIdenticalBits() {
    int d = 96;
    Codebook cb = random(d, 150, 7);
    int count = 1_000;
    float[] x = TestData.isotropic(count, d, 8);
    TestData.assertBatchesEqualOneAtATime(cb, x, count);
  }

  @Test
  void sharedInstancesAreSafeAcrossThreads() throws Exception {
    int d = 64;
    Codebook cb = random(d, 64, 9);
    SignEncoder encoder = SignEncoder.of(cb);
    LinearDecoder decoder = LinearDecoder.of(cb);
    int count = 600;
    float[] x = TestData.isotropic(count, d, 10);
    byte[] expected = new byte[count * 8];
    encoder.encode(x, 0, expected, 0, count);
    float[] expectedDecoded = new float[count * d];
    decoder.decode(expected, 0, expectedDecoded, 0, count);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<?>[] futures = new Future<?>[8];
      for (int t = 0; t < futures.length; t++) {
        futures[t] =
            pool.submit(
                () -> {
                  for (int rep = 0; rep < 20; rep++) {
                    byte[] codes = new byte[count * 8];
                    float[] out = new float[count * d];
                    for (int v = 0; v < count; v += 7) {
                      int m = Math.min(7, count - v);
                      encoder.encode(x, v * d, codes, v * 8, m);
                      decoder.decode(codes, v * 8, out, v * d, m);
                    }
                    assertArrayEquals(expected, codes);
                    assertArrayEquals(expectedDecoded, out);
                  }
                  return null;
                });
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void offsetsAreHonouredAndNeighboursUntouched() {
    int d = 5;
    Codebook cb = random(d, 9, 3);
    float[] x = TestData.isotropic(3, d, 4);
    float[] src = new float[2 + x.length + 2];
    System.arraycopy(x, 0, src, 2, x.length);
    byte[] dst = new byte[1 + 3 * 2 + 1];
    Arrays.fill(dst, (byte) 0x5A);
    SignEncoder.of(cb).encode(src, 2, dst, 1, 3);
    assertEquals(0x5A, dst[0]);
    assertEquals(0x5A, dst[dst.length - 1]);
    byte[] plain = new byte[6];
    SignEncoder.of(cb).encode(x, 0, plain, 0, 3);
    assertArrayEquals(plain, Arrays.copyOfRange(dst, 1, 7));

    float[] out = new float[3 + 3 * d + 3];
    Arrays.fill(out, 42f);
    LinearDecoder.of(cb).decode(dst, 1, out, 3, 3);
    assertEquals(42f, out[2]);
    assertEquals(42f, out[3 + 3 * d]);
  }

  @Test
  void badVectorsAreRejectedAndTheOutputLeftUntouched() {
    int d = 4;
    Codebook cb = random(d, 8, 5);
    SignEncoder encoder = SignEncoder.of(cb);
    float[] x = TestData.isotropic(3, d, 6);
    x[2 * d + 3] = Float.NaN;
    byte[] dst = new byte[3];
    Arrays.fill(dst, (byte) 7);
    IllegalArgumentException nan =
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(x, 0, dst, 0, 3));
    assertEquals("vector 2, component 3 is NaN (not finite)", nan.getMessage());
    assertArrayEquals(new byte[] {7, 7, 7}, dst);
    x[2 * d + 3] = Float.NEGATIVE_INFINITY;
    assertEquals(
        "vector 2, component 3 is -Infinity (not finite)",
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(x, 0, dst, 0, 3))
            .getMessage());

    assertEquals(
        "vector has dimension 5, codebook expects 4",
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(new float[5]))
            .getMessage());
    assertEquals(
        "src: 2 vectors of 4 values from offset 1 need 9 elements, array has 8",
        assertThrows(
                IllegalArgumentException.class,
                () -> encoder.encode(new float[8], 1, new byte[2], 0, 2))
            .getMessage());
    assertEquals(
        "dst: 2 vectors of 1 values from offset 1 need 3 elements, array has 2",
        assertThrows(
                IllegalArgumentException.class,
                () -> encoder.encode(new float[8], 0, new byte[2], 1, 2))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> encoder.encode(new float[8], 0, new byte[2], 0, -1));
    assertEquals(
        "code has 2 bytes, codebook expects 1",
        assertThrows(IllegalArgumentException.class, () -> LinearDecoder.of(cb).decode(new byte[2]))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> LinearDecoder.of(cb).decode(new byte[2], 0, new float[7], 0, 2));
  }

  @Test
  void emptyBatchesAreFine() {
    Codebook cb = random(4, 4, 1);
    SignEncoder.of(cb).encode(new float[0], 0, new byte[0], 0, 0);
    LinearDecoder.of(cb).decode(new byte[0], 0, new float[0], 0, 0);
  }
}
