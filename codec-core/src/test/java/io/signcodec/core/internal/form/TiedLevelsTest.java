package io.signcodec.core.internal.form;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The nearest level's bits, one at a time from {@link TiedLevels#flips}, are its pattern's. */
class TiedLevelsTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 8})
  void bitsFromTheFlipsAreThoseOfTheNearestLevel(int depth) {
    Random random = new Random(depth);
    for (int trial = 0; trial < 20; trial++) {
      // decreasing scales, sometimes overlapping (c_k < Σ_{j>k} c_j), sometimes equal
      float[] scales = new float[depth];
      float c = 1f + random.nextFloat();
      for (int k = 0; k < depth; k++) {
        scales[k] = c;
        c *= trial % 3 == 0 ? 1f : 0.3f + 0.6f * random.nextFloat();
      }
      TiedLevels levels = new TiedLevels(scales);
      float[][] flips = new float[depth][];
      for (int k = 0; k < depth; k++) {
        flips[k] = levels.flips(k);
      }
      for (int s = 0; s < 2000; s++) {
        float y = (float) (random.nextGaussian() * 2 * scales[0]);
        if (s % 10 == 0 && flips[depth - 1].length > 0) {
          y = flips[depth - 1][random.nextInt(flips[depth - 1].length)]; // on a threshold
        }
        int pattern = levels.nearest(y);
        for (int k = 0; k < depth; k++) {
          float bit = levels.lowestBit(k);
          for (float t : flips[k]) {
            bit = y >= t ? -bit : bit;
          }
          assertEquals(
              ((pattern >>> k) & 1) != 0 ? 1f : -1f,
              bit,
              "depth " + depth + ", trial " + trial + ", y " + y + ", bit " + k);
        }
      }
    }
  }
}
