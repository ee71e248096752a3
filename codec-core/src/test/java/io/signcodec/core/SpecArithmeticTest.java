package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.internal.FloatKernels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * docs/FORMAT.md §1 and §1.1 taken at their word: {@link Spec} computes projections, codes and
 * reconstructions from the text alone (float32 in the stated order, the signs from the generator
 * the text describes), and the library must agree with it bit for bit, for every form and both
 * level searches, and refuse exactly the vectors the text says it refuses, naming the vector and
 * projection it names, with the output untouched. {@link #main} runs the same checks in a JVM whose
 * kernels are forced to the scalar backend.
 */
class SpecArithmeticTest {
  private static final int D = 20;
  private static final CodebookInfo INFO =
      new CodebookInfo(CodebookInfo.Method.EXTERNAL, 7, 0, Double.NaN, Double.NaN);

  /** A codebook of each form, fixed by seeds, with the text's description of it. */
  enum Form {
    DENSE_ONE_STAGE,
    DENSE_THREE_STAGES,
    STRUCTURED_ONE_STAGE,
    STRUCTURED_THREE_STAGES,
    ALLOCATED_DENSE,
    ALLOCATED_STRUCTURED;

    Spec spec() {
      Random random = new Random(ordinal() + 100);
      float[] mean = gaussian(random, D, 0.5);
      switch (this) {
        case DENSE_ONE_STAGE:
        case DENSE_THREE_STAGES:
          {
            int[] stages = this == DENSE_ONE_STAGE ? new int[] {24} : new int[] {12, 10, 8};
            int n = Arrays.stream(stages).sum();
            return Spec.dense(
                stages, mean, gaussian(random, n * D, 1), gaussian(random, D * n, 0.1));
          }
        case STRUCTURED_ONE_STAGE:
          return Spec.structured(new int[] {D}, mean, new double[] {0.8}, INFO.seed());
        case STRUCTURED_THREE_STAGES:
          return Spec.structured(
              new int[] {20, 15, 10}, mean, new double[] {0.8, 0.3, 0.1}, INFO.seed());
        default:
          {
            // directions 0-2 have 5 bits (31 thresholds, searched by bisection), 3-4 four,
            // 5-7 two, 8-11 one
            int[] stages = {12, 8, 5, 5, 3};
            int n = Arrays.stream(stages).sum();
            float[] scales = new float[n];
            for (int k = 0, first = 0; k < stages.length; first += stages[k], k++) {
              for (int i = 0; i < stages[k]; i++) {
                // not superincreasing, so that the two searches differ
                scales[first + i] = (float) ((1.2 - 0.05 * i) * Math.pow(0.62, k));
              }
            }
            float[] basis = null;
            if (this == ALLOCATED_DENSE) {
              double[][] q = TestData.randomRotation(D, random);
              basis = new float[stages[0] * D];
              for (int i = 0; i < stages[0]; i++) {
                for (int t = 0; t < D; t++) {
                  basis[i * D + t] = (float) q[t][i];
                }
              }
            }
            return Spec.allocated(stages, mean, scales, basis, INFO.seed());
          }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void codesAndReconstructionsAreTheTextsBitForBit(Form form) {
    checkCodes(form);
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void vectorsWhoseProjectionsOverflowAreRefusedAndNoOthers(Form form) {
    checkOverflow(form);
  }

  /** The same checks with the scalar kernels, in a JVM of their own (the choice is made once). */
  @Test
  void theScalarBackendAgreesToo() throws Exception {
    String javaBinary =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process child =
        new ProcessBuilder(
                javaBinary,
                "-Xmx256m",
                "-Dsigncodec.kernels=scalar",
                "-cp",
                System.getProperty("java.class.path"),
                SpecArithmeticTest.class.getName())
            .redirectErrorStream(true)
            .start();
    String out =
        new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, child.waitFor(), out);
    assertEquals("kernels: scalar; " + Form.values().length + " forms agree", out.strip());
  }

  /** Runs every check, with whatever kernels this JVM was told to use. */
  public static void main(String[] args) {
    for (Form form : Form.values()) {
      checkCodes(form);
      checkOverflow(form);
    }
    System.out.println(
        "kernels: " + FloatKernels.backend() + "; " + Form.values().length + " forms agree");
  }

  static void checkCodes(Form form) {
    Spec spec = form.spec();
    Codebook cb = spec.codebook();
    int count = 300; // parallel batches
    float[] x = new float[count * D];
    Random random = new Random(form.ordinal());
    for (int v = 0; v < count; v++) {
      for (int t = 0; t < D; t++) {
        // a few vectors at the mean: every projection ±0, coded +1
        x[v * D + t] = v % 50 == 7 ? spec.mean[t] : spec.mean[t] + (float) random.nextGaussian();
      }
    }
    for (LevelSearch search : LevelSearch.values()) {
      byte[] codes = new byte[count * cb.codeBytes()];
      SignEncoder.builder(cb).levelSearch(search).build().encode(x, 0, codes, 0, count);
      float[] decoded = new float[count * D];
      LinearDecoder.of(cb).decode(codes, 0, decoded, 0, count);
      for (int v = 0; v < count; v++) {
        byte[] code = Arrays.copyOfRange(codes, v * cb.codeBytes(), (v + 1) * cb.codeBytes());
        assertArrayEquals(
            spec.code(x, v * D, search), code, form + ", " + search + ", vector " + v);
        float[] expected = spec.decode(code);
        for (int t = 0; t < D; t++) {
          assertEquals(
              Float.floatToRawIntBits(expected[t]),
              Float.floatToRawIntBits(decoded[v * D + t]),
              form + ", " + search + ", vector " + v + ", coordinate " + t);
        }
      }
    }
  }

  static void checkOverflow(Form form) {
    Spec spec = form.spec();
    Codebook cb = spec.codebook();
    int k = cb.codeBytes();
    double safe = cb.form().safeMagnitude();
    assertTrue(safe > 1e35 && safe < 1e38, form + ": bound " + safe);
    Random random = new Random(form.ordinal() + 50);
    double[] magnitudes = {
      1e30,
      1e35,
      0.99 * safe,
      1.01 * safe,
      2 * safe,
      8 * safe,
      1e37,
      3e37,
      1e38,
      2e38,
      Float.MAX_VALUE
    };
    int refused = 0;
    int codedAboveTheBound = 0;
    for (double magnitude : magnitudes) {
      for (int rep = 0; rep < 6; rep++) {
        float[] huge = gaussian(random, D, 1);
        double largest = 0;
        for (float v : huge) {
          largest = Math.max(largest, Math.abs(v));
        }
        for (int t = 0; t < D; t++) {
          // Gaussian, or (repeats 3 and 4) every component at ±magnitude
          huge[t] =
              (float) (rep < 3 ? huge[t] / largest * magnitude : Math.copySign(magnitude, huge[t]));
        }
        if (rep == 5) {
          // one component at the end of the float range
          int t = random.nextInt(D);
          huge[t] = Math.copySign(Float.MAX_VALUE, -spec.mean[t]);
          largest = Float.MAX_VALUE;
        } else {
          largest = magnitude;
        }
        float[] batch = new float[3 * D];
        System.arraycopy(spec.mean, 0, batch, 0, D);
        System.arraycopy(spec.mean, 0, batch, D, D);
        System.arraycopy(huge, 0, batch, 2 * D, D);
        float[] p = spec.projections(huge, 0);
        int bad =
            IntStream.range(0, p.length).filter(j -> !Float.isFinite(p[j])).findFirst().orElse(-1);
        String where = form + ", |x| = " + magnitude + ", repeat " + rep;
        for (LevelSearch search : LevelSearch.values()) {
          SignEncoder encoder = SignEncoder.builder(cb).levelSearch(search).build();
          byte[] codes = new byte[3 * k];
          Arrays.fill(codes, (byte) 0x5a);
          if (bad >= 0) {
            IllegalArgumentException e =
                assertThrows(
                    IllegalArgumentException.class,
                    () -> encoder.encode(batch, 0, codes, 0, 3),
                    where);
            assertEquals(
                "vector 2, projection "
                    + bad
                    + " is "
                    + p[bad]
                    + " (not finite: the"
                    + " vector overflows float32 in this codebook's arithmetic)",
                e.getMessage(),
                where);
            byte[] untouched = new byte[3 * k];
            Arrays.fill(untouched, (byte) 0x5a);
            assertArrayEquals(untouched, codes, where);
          } else {
            encoder.encode(batch, 0, codes, 0, 3);
            assertArrayEquals(
                spec.code(huge, 0, search), Arrays.copyOfRange(codes, 2 * k, 3 * k), where);
          }
        }
        if (bad >= 0) {
          refused++;
        } else if (largest > safe) {
          codedAboveTheBound++;
        }
      }
    }
    // Both outcomes occur, and vectors the bound cannot vouch for are coded when they fit.
    assertTrue(refused >= 5, form + ": " + refused + " refused");
    assertTrue(codedAboveTheBound >= 5, form + ": " + codedAboveTheBound + " coded above " + safe);

    // In a parallel batch, one bad vector refuses the whole batch, named by its place in it.
    float[] big = new float[300 * D];
    for (int v = 0; v < 300; v++) {
      System.arraycopy(spec.mean, 0, big, v * D, D);
    }
    Arrays.fill(big, 290 * D, 291 * D, Float.MAX_VALUE);
    big[290 * D + 1] = -Float.MAX_VALUE;
    float[] p = spec.projections(big, 290 * D);
    int bad =
        IntStream.range(0, p.length).filter(j -> !Float.isFinite(p[j])).findFirst().orElseThrow();
    byte[] codes = new byte[300 * k];
    Arrays.fill(codes, (byte) 0x5a);
    byte[] untouched = codes.clone();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SignEncoder.of(cb).encode(big, 0, codes, 0, 300));
    assertEquals(
        "vector 290, projection "
            + bad
            + " is "
            + p[bad]
            + " (not finite: the vector"
            + " overflows float32 in this codebook's arithmetic)",
        e.getMessage());
    assertArrayEquals(untouched, codes, "nothing written");
  }

  private static float[] gaussian(Random random, int count, double sigma) {
    float[] a = new float[count];
    for (int i = 0; i < count; i++) {
      a[i] = (float) (random.nextGaussian() * sigma);
    }
    return a;
  }

  /**
   * A codebook as docs/FORMAT.md §1.1 describes it, and its arithmetic written from the text:
   * nothing here calls the library's coders.
   */
  static final class Spec {
    final int[] stages;
    final int[] first;
    final int n;
    final float[] mean;
    // dense
    float[] b;
    float[] a;
    // structured, and the allocated structured basis: s[k][ρ][t]
    double[] c;
    float[][][] signs;
    // allocated
    float[] scales;
    float[] basis;
    boolean allocated;
    long seed;

    private Spec(int[] stages, float[] mean) {
      this.stages = stages;
      this.mean = mean;
      this.first = new int[stages.length];
      for (int k = 1; k < stages.length; k++) {
        first[k] = first[k - 1] + stages[k - 1];
      }
      this.n = Arrays.stream(stages).sum();
    }

    static Spec dense(int[] stages, float[] mean, float[] b, float[] a) {
      Spec s = new Spec(stages, mean);
      s.b = b;
      s.a = a;
      return s;
    }

    static Spec structured(int[] stages, float[] mean, double[] c, long seed) {
      Spec s = new Spec(stages, mean);
      s.c = c;
      s.seed = seed;
      s.signs = signs(seed, stages.length);
      return s;
    }

    static Spec allocated(int[] stages, float[] mean, float[] scales, float[] basis, long seed) {
      Spec s = new Spec(stages, mean);
      s.allocated = true;
      s.scales = scales;
      s.basis = basis;
      s.seed = seed;
      s.signs = basis == null ? signs(seed, 1) : null;
      return s;
    }

    Codebook codebook() {
      if (allocated) {
        return Codebook.allocated(D, stages, mean, scales, basis, INFO);
      }
      if (c != null) {
        return Codebook.structured(D, stages, mean, c, INFO);
      }
      return Codebook.of(D, stages, mean, b, a, INFO);
    }

    /**
     * "One draw per sign, in the order stage k, round ρ, coordinate t": the generator spelt out.
     */
    static float[][][] signs(long seed, int stageCount) {
      long mask = (1L << 48) - 1;
      long state = (seed ^ 0x5DEECE66DL) & mask;
      float[][][] s = new float[stageCount][3][D];
      for (int k = 0; k < stageCount; k++) {
        for (int rho = 0; rho < 3; rho++) {
          for (int t = 0; t < D; t++) {
            state = (state * 0x5DEECE66DL + 0xBL) & mask;
            s[k][rho][t] = (state >>> 47) == 1 ? 1f : -1f;
          }
        }
      }
      return s;
    }

    private static int width() {
      return Integer.highestOneBit(D);
    }

    private static void hadamard(float[] v, int o) {
      int w = width();
      float eta = (float) (1 / Math.sqrt(w));
      for (int e = 1; e < w; e <<= 1) {
        for (int a = o; a < o + w; a += 2 * e) {
          for (int t = a; t < a + e; t++) {
            float lo = v[t];
            float hi = v[t + e];
            v[t] = lo + hi;
            v[t + e] = lo - hi;
          }
        }
      }
      for (int t = o; t < o + w; t++) {
        v[t] = v[t] * eta;
      }
    }

    private void q(float[] v, int k) {
      for (int rho = 0; rho <= 2; rho++) {
        for (int t = 0; t < D; t++) {
          v[t] = v[t] * signs[k][rho][t];
        }
        hadamard(v, 0);
        if (width() < D) {
          hadamard(v, D - width());
        }
      }
    }

    private void qTransposed(float[] v, int k) {
      for (int rho = 2; rho >= 0; rho--) {
        if (width() < D) {
          hadamard(v, D - width());
        }
        hadamard(v, 0);
        for (int t = 0; t < D; t++) {
          v[t] = v[t] * signs[k][rho][t];
        }
      }
    }

    private float[] centred(float[] x, int off) {
      float[] r = new float[D];
      for (int t = 0; t < D; t++) {
        r[t] = x[off + t] - mean[t];
      }
      return r;
    }

    /** p_0 … p_{n−1}, or y_0 … y_{m−1} for an allocated codebook. */
    float[] projections(float[] x, int off) {
      float[] r = centred(x, off);
      if (allocated) {
        int m = stages[0];
        float[] y = new float[m];
        if (basis == null) {
          float[] v = r.clone();
          q(v, 0);
          System.arraycopy(v, 0, y, 0, m);
        } else {
          for (int i = 0; i < m; i++) {
            for (int t = 0; t < D; t++) {
              y[i] = Math.fma(r[t], basis[i * D + t], y[i]);
            }
          }
        }
        return y;
      }
      float[] p = new float[n];
      for (int k = 0; k < stages.length; k++) {
        int f = first[k];
        if (c == null) {
          for (int j = f; j < f + stages[k]; j++) {
            float s = 0;
            for (int t = 0; t < D; t++) {
              s = Math.fma(r[t], b[j * D + t], s);
            }
            p[j] = s;
          }
          if (k < stages.length - 1) {
            for (int j = f; j < f + stages[k]; j++) {
              float z = p[j] >= 0 ? 1 : -1;
              for (int t = 0; t < D; t++) {
                r[t] = Math.fma(-z, a[t * n + j], r[t]);
              }
            }
          }
        } else {
          float[] v = r.clone();
          q(v, k);
          System.arraycopy(v, 0, p, f, stages[k]);
          if (k < stages.length - 1) {
            Arrays.fill(v, 0f);
            for (int j = 0; j < stages[k]; j++) {
              v[j] = p[f + j] >= 0 ? (float) c[k] : -(float) c[k];
            }
            qTransposed(v, k);
            for (int t = 0; t < D; t++) {
              r[t] = r[t] - v[t];
            }
          }
        }
      }
      return p;
    }

    private int depth(int i) {
      int b = 0;
      while (b < stages.length && stages[b] > i) {
        b++;
      }
      return b;
    }

    private float level(int i, int q) {
      float l = 0;
      for (int k = 0; k < depth(i); k++) {
        float ck = scales[first[k] + i];
        l = l + (((q >>> k) & 1) != 0 ? ck : -ck);
      }
      return l;
    }

    private int search(int i, float y, LevelSearch search) {
      int b = depth(i);
      if (search == LevelSearch.GREEDY) {
        float delta = y;
        int q = 0;
        for (int k = 0; k < b; k++) {
          float ck = scales[first[k] + i];
          if (delta >= 0) {
            q |= 1 << k;
            delta = delta - ck;
          } else {
            delta = delta + ck;
          }
        }
        return q;
      }
      Integer[] sorted =
          IntStream.range(0, 1 << b)
              .boxed()
              .sorted(
                  Comparator.<Integer>comparingDouble(q -> level(i, q)).thenComparingInt(q -> q))
              .toArray(Integer[]::new);
      int index = 0;
      for (int j = 0; j + 1 < sorted.length; j++) {
        float tau = (level(i, sorted[j]) + level(i, sorted[j + 1])) * 0.5f;
        index += y >= tau ? 1 : 0;
      }
      return sorted[index];
    }

    byte[] code(float[] x, int off, LevelSearch search) {
      float[] p = projections(x, off);
      byte[] code = new byte[(n + 7) / 8];
      if (!allocated) {
        for (int j = 0; j < n; j++) {
          set(code, j, p[j] >= 0);
        }
        return code;
      }
      for (int i = 0; i < p.length; i++) {
        int q = search(i, p[i], search);
        for (int k = 0; k < depth(i); k++) {
          set(code, first[k] + i, ((q >>> k) & 1) != 0);
        }
      }
      return code;
    }

    private static void set(byte[] code, int bit, boolean on) {
      if (on) {
        code[bit / 8] |= (byte) (1 << (bit % 8));
      }
    }

    private static boolean bit(byte[] code, int bit) {
      return ((code[bit / 8] >>> (bit % 8)) & 1) != 0;
    }

    float[] decode(byte[] code) {
      float[] out = mean.clone();
      if (allocated) {
        int m = stages[0];
        float[] levels = new float[m];
        for (int i = 0; i < m; i++) {
          int q = 0;
          for (int k = 0; k < depth(i); k++) {
            q |= (bit(code, first[k] + i) ? 1 : 0) << k;
          }
          levels[i] = level(i, q);
        }
        if (basis != null) {
          for (int i = 0; i < m; i++) {
            for (int t = 0; t < D; t++) {
              out[t] = Math.fma(levels[i], basis[i * D + t], out[t]);
            }
          }
        } else {
          float[] v = new float[D];
          System.arraycopy(levels, 0, v, 0, m);
          qTransposed(v, 0);
          for (int t = 0; t < D; t++) {
            out[t] = mean[t] + v[t];
          }
        }
        return out;
      }
      if (c == null) {
        for (int j = 0; j < n; j++) {
          float z = bit(code, j) ? 1 : -1;
          for (int t = 0; t < D; t++) {
            out[t] = Math.fma(z, a[t * n + j], out[t]);
          }
        }
        return out;
      }
      for (int k = 0; k < stages.length; k++) {
        float[] v = new float[D];
        for (int j = 0; j < stages[k]; j++) {
          v[j] = bit(code, first[k] + j) ? (float) c[k] : -(float) c[k];
        }
        qTransposed(v, k);
        for (int t = 0; t < D; t++) {
          out[t] = out[t] + v[t];
        }
      }
      return out;
    }
  }
}
