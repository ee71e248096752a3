package io.signcodec.core.internal.form;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.signcodec.core.SignCodes;
import org.junit.jupiter.api.Test;

class SignsTest {
  @Test
  void branchFreeSignsReadZeroAsPositive() {
    float[] p = {
      0f,
      -0f,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      1e-30f,
      -1e-30f,
      3,
      -3,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY
    };
    for (float magnitude : new float[] {1f, 0.75f, 3e-20f}) {
      for (float v : p) {
        float expected = v >= 0f ? magnitude : -magnitude;
        assertEquals(
            Float.floatToIntBits(expected),
            Float.floatToIntBits(Signs.withSignOf(v, magnitude)),
            "sign of " + v);
      }
      byte[] code = {(byte) 0b1010_0110, 0b1};
      for (int j = 0; j < 9; j++) {
        float expected = SignCodes.sign(code, 0, j) * magnitude;
        assertEquals(
            Float.floatToIntBits(expected),
            Float.floatToIntBits(Signs.signed(code, 0, j, magnitude)),
            "bit " + j);
      }
    }
  }
}
