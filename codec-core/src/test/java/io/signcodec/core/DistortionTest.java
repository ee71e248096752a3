package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DistortionTest {
  @Test
  void nmseAndCosineByHand() {
    Distortion m = new Distortion(2);
    // Originals (1, 0) and (3, 0): mean (2, 0), total variation 2.
    m.add(new float[] {1, 0, 3, 0}, 0, new float[] {1, 1, 3, 0}, 0, 2);
    assertEquals(2, m.count());
    assertEquals(1, m.squaredError(), 1e-12);
    assertEquals(2, m.totalVariation(), 1e-12);
    assertEquals(0.5, m.nmse(), 1e-12);
    assertEquals((Math.sqrt(0.5) + 1) / 2, m.meanCosine(), 1e-12);
  }

  @Test
  void noVarianceMeansNoNmse() {
    Distortion m = new Distortion(3);
    m.add(new float[] {1, 2, 3}, 0, new float[] {1, 2, 3}, 0, 1);
    assertTrue(Double.isNaN(m.nmse()));
    assertEquals(1, m.meanCosine(), 1e-12);
  }

  @Test
  void largeOffsetsDoNotCancel() {
    Distortion m = new Distortion(1);
    float[] x = {1e6f + 1, 1e6f - 1};
    m.add(x, 0, new float[] {1e6f, 1e6f}, 0, 2);
    assertEquals(1, m.nmse(), 1e-9);
  }
}
