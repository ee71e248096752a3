package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesFieldsInOrderOnOneLine() {
    String s = Json.object().put("a", 1).put("b", 0.1).put("c", "x").toString();
    assertEquals("{\"a\":1, \"b\":0.1, \"c\":\"x\"}", s);
  }

  @Test
  void doublesRoundTrip() {
    double[] values = {
      0.1,
      1.0 / 3,
      Math.PI,
      1e-300,
      123456789.123456789,
      -2.5e20,
      0,
      -0.0,
      Double.MIN_VALUE,
      Double.MAX_VALUE
    };
    for (double v : values) {
      Map<String, Object> m = JsonParser.parseObject(Json.object().put("v", v).toString());
      assertEquals(v, (Double) m.get("v"), 0.0, "value " + v);
    }
  }

  @Test
  void nonFiniteNumbersAreNull() {
    Map<String, Object> m =
        JsonParser.parseObject(
            Json.object().put("nan", Double.NaN).put("inf", Double.NEGATIVE_INFINITY).toString());
    assertNull(m.get("nan"));
    assertNull(m.get("inf"));
    assertEquals(2, m.size());
  }

  @Test
  void stringsAreEscaped() {
    String nasty = "quote\" backslash\\ newline\n tab\t bell\u0007 nul\u0000 ü ∑";
    String s = Json.object().put("k\"ey", nasty).toString();
    assertEquals(1, s.lines().count());
    Map<String, Object> m = JsonParser.parseObject(s);
    assertEquals(nasty, m.get("k\"ey"));
  }

  @Test
  void longsAreExact() {
    Map<String, Object> m = JsonParser.parseObject(Json.object().put("n", 123456789L).toString());
    assertEquals(123456789.0, (Double) m.get("n"), 0.0);
  }
}
