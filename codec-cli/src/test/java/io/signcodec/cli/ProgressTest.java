package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private long now;

  @Test
  void drawsOnlyAfterTheDelayAndErasesOnClose() {
    StringWriter err = new StringWriter();
    Progress p = new Progress(new PrintWriter(err), true, () -> now);
    p.update("eval", 10, 0, "vectors");
    assertEquals("", err.toString(), "nothing in the first half second");
    now = 600_000_000L;
    p.update("eval", 1000, 0, "vectors");
    assertTrue(err.toString().startsWith("\reval 1,000 vectors  0.6 s"), err::toString);
    int length = err.toString().length();
    now += 50_000_000L;
    p.update("eval", 2000, 0, "vectors");
    assertEquals(length, err.toString().length(), "at most every 100 ms");
    now += 100_000_000L;
    p.update("eval", 3000, 0, "vectors");
    assertTrue(err.toString().length() > length);
    p.close();
    assertTrue(err.toString().endsWith("\r" + " ".repeat(Progress.WIDTH) + "\r"));
    assertEquals(-1, err.toString().indexOf('\n'), "never a line break");
  }

  @Test
  void disabledDrawsNothing() {
    StringWriter err = new StringWriter();
    Progress p = new Progress(new PrintWriter(err), false, () -> now);
    now = 5_000_000_000L;
    p.update("eval", 10, 100, "vectors");
    p.close();
    assertEquals("", err.toString());
    Progress.none().update("x", 1, 2, "y");
  }

  @Test
  void rendersABarWhenTheTotalIsKnown() {
    assertEquals(
        "train [##########----------]  50% 500 vectors  2.5 s",
        Progress.render("train", 500, 1000, "vectors", 2.5));
    assertEquals(
        "train [####################] 100% 150 steps  0.0 s",
        Progress.render("train", 150, 150, "steps", 0));
    assertTrue(Progress.render("x".repeat(200), 1, 2, "v", 1).length() <= Progress.WIDTH);
  }
}
