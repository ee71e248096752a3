package io.signcodec.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.CodeScorer;
import io.signcodec.core.Codebook;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.TestData;
import io.signcodec.core.VectorSource;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The recall {@link CodebookTrainer#GAIN_AUTO} decides by. */
class GainRecallAccumulatorTest {
  private static final int D = 24;
  private static final int COUNT = 1_500;
  private static final int QUERIES = 30;

  /**
   * Recall@10 is that of a brute-force ranking of the codes' scores against the exact inner
   * products, each query left out of its own lists; and parts merged in order give the lists of one
   * part.
   */
  @Test
  void itIsTheBruteForceRecallWhateverTheParts() throws IOException {
    float[] x = TestData.powerLaw(COUNT, D, 1, 61);
    Codebook a =
        CodebookTrainer.builder().bits(20).gainBits(0).build().train(VectorSource.of(x, D));
    Codebook b =
        CodebookTrainer.builder().bits(20).gainBits(4).build().train(VectorSource.of(x, D));
    float[] queries = Arrays.copyOf(x, QUERIES * D);
    GainRecallAccumulator whole = new GainRecallAccumulator(a, b, queries);
    whole.add(x, 0, COUNT);
    GainRecallAccumulator parts = new GainRecallAccumulator(a, b, queries);
    int[] cuts = {0, 7, 500, 501, 1_200, COUNT};
    for (int p = 0; p + 1 < cuts.length; p++) {
      GainRecallAccumulator part = new GainRecallAccumulator(a, b, queries);
      part.add(x, cuts[p] * D, cuts[p + 1] - cuts[p]);
      parts.merge(part);
    }
    assertEquals(COUNT, parts.count());
    for (int which = 0; which < 2; which++) {
      double expected = bruteForce(which == 0 ? a : b, x, queries);
      assertEquals(expected, whole.recall(which), 1e-12, "codebook " + which);
      assertEquals(expected, parts.recall(which), 1e-12, "codebook " + which + ", parts");
      assertTrue(expected > 0.2 && expected < 1, "recall " + expected);
    }
  }

  private static double bruteForce(Codebook cb, float[] x, float[] queries) {
    byte[] codes = new byte[COUNT * cb.codeBytes()];
    SignEncoder.of(cb).encode(x, 0, codes, 0, COUNT);
    long hits = 0;
    for (int q = 0; q < QUERIES; q++) {
      CodeScorer.Query prepared =
          CodeScorer.of(cb).prepare(Arrays.copyOfRange(x, q * D, (q + 1) * D));
      Integer[] exact = new Integer[COUNT - 1];
      Integer[] coded = new Integer[COUNT - 1];
      float[] e = new float[COUNT];
      float[] c = new float[COUNT];
      for (int v = 0, i = 0; v < COUNT; v++) {
        double s = 0;
        for (int t = 0; t < D; t++) {
          s += (double) x[q * D + t] * x[v * D + t];
        }
        e[v] = (float) s;
        c[v] = prepared.score(codes, v * cb.codeBytes());
        if (v != q) {
          exact[i] = v;
          coded[i++] = v;
        }
      }
      Arrays.sort(exact, (u, v) -> e[u] != e[v] ? Float.compare(e[v], e[u]) : u - v);
      Arrays.sort(coded, (u, v) -> c[u] != c[v] ? Float.compare(c[v], c[u]) : u - v);
      Set<Integer> truth = new HashSet<>(Arrays.asList(exact).subList(0, 10));
      for (int r = 0; r < 10; r++) {
        if (truth.contains(coded[r])) {
          hits++;
        }
      }
    }
    return hits / (10.0 * QUERIES);
  }
}
