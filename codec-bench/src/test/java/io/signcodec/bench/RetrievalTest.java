package io.signcodec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.CodeScorer;
import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.train.CodebookTrainer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetrievalTest {
  @Test
  void searchingTheCodesFindsWhatSearchingTheDecodedVectorsFinds() {
    int d = 96;
    int count = 3_000;
    int queries = 50;
    Random random = new Random(3);
    float[] x = new float[count * d];
    float[] q = new float[queries * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < q.length; i++) {
      q[i] = (float) random.nextGaussian();
    }
    Codebook cb = CodebookTrainer.builder().rate(2).seed(1).build().isotropic(d);
    byte[] codes = new byte[count * cb.codeBytes()];
    SignEncoder.of(cb).encode(x, 0, codes, 0, count);
    float[] decoded = new float[x.length];
    LinearDecoder.of(cb).decode(codes, 0, decoded, 0, count);

    int[] onCodes = Retrieval.topKOnCodes(q, queries, CodeScorer.of(cb), codes, count);
    int[] onDecoded = Retrieval.topK(q, queries, decoded, count, d);
    // Equal up to float rounding: only near-ties may swap at the tenth place.
    assertTrue(Retrieval.recall(onDecoded, onCodes) > 0.98);
    for (int i = 0; i < queries; i++) {
      assertEquals(onDecoded[i * Retrieval.K], onCodes[i * Retrieval.K], "best hit of query " + i);
    }
    // and the compressed search is a real one: well above chance (10 / 3 000)
    assertTrue(Retrieval.recall(Retrieval.topK(q, queries, x, count, d), onCodes) > 0.3);
  }
}
