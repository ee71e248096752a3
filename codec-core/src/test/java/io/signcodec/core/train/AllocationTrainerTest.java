package io.signcodec.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.signcodec.core.Codebook;
import io.signcodec.core.TestData;
import io.signcodec.core.VectorSource;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The allocated trainer with the bulk eigensolver against the same trainer with EJML's. */
class AllocationTrainerTest {

  private static Codebook train(float[] x, int d, int meanBits, int crossover) throws IOException {
    PassRunner runner = PassRunner.sequential(VectorSource.of(x, d), TrainingListener.NONE);
    return new AllocationTrainer(crossover).train(runner, d, d, 1, meanBits, 0);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 8})
  void bulkEigensolverTrainsAsWellAsEjmls(int meanBits) throws IOException {
    int d = 256;
    float[] x = TestData.powerLaw(4_000, d, 0.5, 21);
    if (meanBits > 0) {
      for (int i = 0; i < x.length; i++) {
        x[i] += 0.5f; // a mean worth its own direction
      }
    }
    Codebook bulk = train(x, d, meanBits, 0);
    Codebook ejml = train(x, d, meanBits, Integer.MAX_VALUE);
    double reference = ejml.info().trainNmse();
    assertEquals(reference, bulk.info().trainNmse(), 0.005 * reference);
    assertEquals(ejml.info().predictedNmse(), bulk.info().predictedNmse(), 0.005 * reference);
    assertEquals(ejml.bits(), bulk.bits());
  }
}
