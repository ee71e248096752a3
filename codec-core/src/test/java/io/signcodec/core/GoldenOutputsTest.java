package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What the library computes, pinned bit for bit: for every trainer and codebook form on fixed data,
 * the SHA-256 of the codebook's bytes, the codes of a batch (both level searches), the decoded
 * floats and the scores of a query on the codes, and the fingerprint. The expected lines ({@code
 * golden-outputs.txt}) were written by this test's {@link #main} before a refactoring that must
 * change nothing; a change of any output fails here, with the line that differs.
 */
@org.junit.jupiter.api.Tag("kernels")
class GoldenOutputsTest {
  private static final int[] DIMENSIONS = {20, 64, 100};
  private static final int TRAIN = 600;
  private static final int BATCH = 37;

  /** Each case: a name and how to make its codebook from a source in dimension d. */
  private static Map<String, Function<Integer, Codebook>> cases() {
    Map<String, Function<Integer, Codebook>> c = new LinkedHashMap<>();
    // Without a gain: the outputs of before the gain existed, pinned as they were.
    c.put("allocated-r0.5", d -> train(allocated(0.5).gainBits(0), d));
    c.put("allocated-r1", d -> train(allocated(1).gainBits(0), d));
    c.put("allocated-r2", d -> train(allocated(2).gainBits(0), d));
    c.put("allocated-r4", d -> train(allocated(4).gainBits(0), d));
    c.put("allocated-mean8", d -> train(allocated(1).meanDirectionBits(8).gainBits(0), d));
    c.put("allocated-mean0", d -> train(allocated(1).meanDirectionBits(0).gainBits(0), d));
    c.put("allocated-gain4-r1", d -> train(allocated(1).gainBits(4), d));
    c.put("allocated-gain3-r2.5", d -> train(allocated(2.5).gainBits(3), d));
    c.put("allocated-joint4-r2", d -> train(allocated(2).gainBits(4, true), d));
    c.put("allocated-auto-r1", d -> train(allocated(1), d));
    c.put("shallow-r1", d -> train(CodebookTrainer.builder().shallow().rate(1).maxSteps(30), d));
    c.put(
        "shallow-r1.5", d -> train(CodebookTrainer.builder().shallow().rate(1.5).maxSteps(30), d));
    c.put("staged-r2", d -> train(CodebookTrainer.builder().staged().rate(2).maxSteps(30), d));
    c.put(
        "stages-1-0.5",
        d -> train(CodebookTrainer.builder().stages(1, 0.5).maxSteps(30).seed(5), d));
    c.put("isotropic-allocated-r1", d -> CodebookTrainer.builder().rate(1).build().isotropic(d));
    c.put(
        "isotropic-allocated-structured-r2",
        d -> CodebookTrainer.builder().rate(2).structured().seed(9).build().isotropic(d));
    c.put(
        "isotropic-staged-structured-r2",
        d -> CodebookTrainer.builder().staged().structured().rate(2).build().isotropic(d));
    c.put(
        "isotropic-shallow-r1",
        d -> CodebookTrainer.builder().shallow().rate(1).build().isotropic(d));
    c.put(
        "isotropic-staged-r1.5",
        d -> CodebookTrainer.builder().staged().rate(1.5).build().isotropic(d));
    c.put(
        "trained-isotropic-r1",
        d -> {
          try {
            return CodebookTrainer.builder()
                .rate(1)
                .structured()
                .build()
                .trainIsotropic(VectorSource.of(data(d, TRAIN, 11), d));
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });
    return c;
  }

  private static CodebookTrainer.Builder allocated(double rate) {
    return CodebookTrainer.builder().rate(rate).seed(3);
  }

  private static Codebook train(CodebookTrainer.Builder builder, int d) {
    try {
      return builder.build().train(VectorSource.of(data(d, TRAIN, 11), d));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Correlated Gaussian vectors off the origin: x = m + L g, L with decaying columns. */
  static float[] data(int d, int count, long seed) {
    Random random = new Random(seed);
    double[] m = new double[d];
    double[][] l = new double[d][d];
    for (int i = 0; i < d; i++) {
      m[i] = random.nextGaussian() * 0.7;
      for (int j = 0; j < d; j++) {
        l[i][j] = random.nextGaussian() / (1 + 0.2 * j);
      }
    }
    float[] x = new float[count * d];
    double[] g = new double[d];
    for (int v = 0; v < count; v++) {
      for (int j = 0; j < d; j++) {
        g[j] = random.nextGaussian();
      }
      for (int i = 0; i < d; i++) {
        double s = m[i];
        for (int j = 0; j < d; j++) {
          s += l[i][j] * g[j];
        }
        x[v * d + i] = (float) s;
      }
    }
    return x;
  }

  /** One line per case and dimension: name, d, fingerprint, SHA-256 of everything computed. */
  static List<String> lines() throws NoSuchAlgorithmException {
    List<String> lines = new ArrayList<>();
    for (var e : cases().entrySet()) {
      for (int d : DIMENSIONS) {
        Codebook cb = e.getValue().apply(d);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(cb.toByteArray());
        float[] batch = data(d, BATCH, 23);
        byte[] codes = new byte[BATCH * cb.codeBytes()];
        for (LevelSearch search : LevelSearch.values()) {
          SignEncoder.builder(cb).levelSearch(search).build().encode(batch, 0, codes, 0, BATCH);
          sha.update(codes);
        }
        float[] decoded = new float[BATCH * d];
        LinearDecoder.of(cb).decode(codes, 0, decoded, 0, BATCH);
        sha.update(floatBytes(decoded));
        float[] scores = new float[BATCH];
        float[] query = data(d, 1, 29);
        CodeScorer.of(cb).prepare(query).scoreAll(codes, 0, BATCH, scores, 0);
        sha.update(floatBytes(scores));
        lines.add(
            e.getKey()
                + " "
                + d
                + " "
                + cb.fingerprintHex()
                + " "
                + HexFormat.of().formatHex(sha.digest()));
      }
    }
    return lines;
  }

  private static byte[] floatBytes(float[] a) {
    ByteBuffer b = ByteBuffer.allocate(a.length * 4);
    for (float f : a) {
      b.putInt(Float.floatToRawIntBits(f));
    }
    return b.array();
  }

  @Test
  void everyOutputIsWhatItWas() throws Exception {
    String expected;
    try (InputStream in = GoldenOutputsTest.class.getResourceAsStream("golden-outputs.txt")) {
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(expected, String.join("\n", lines()) + "\n");
  }

  /** Prints the expected lines; run once on the code whose outputs are to be pinned. */
  public static void main(String[] args) throws Exception {
    lines().forEach(System.out::println);
  }
}
