package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Limits;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The limits command, and usage errors common to every command. */
class UsageTest {
  @Test
  void limitsPrintsTheLibrarysNumbers() {
    for (double r : new double[] {0, 0.125, 0.5, 1, 1.5, 2, 3}) {
      Cli.Result res = Cli.run("limits", "--rate", Double.toString(r));
      assertEquals(0, res.exit(), res::toString);
      assertEquals("", res.err());
      assertEquals(1, res.out().lines().count());
      Map<String, Object> json = res.json();
      assertEquals(java.util.List.of("rate", "limit", "shannon"), java.util.List.copyOf(json.keySet()));
      assertEquals(r, (Double) json.get("rate"), 0.0);
      assertEquals(Limits.signAutoencoderLimit(r), (Double) json.get("limit"), 0.0);
      assertEquals(Limits.shannonBound(r), (Double) json.get("shannon"), 0.0);
    }
  }

  @Test
  void badRateIsAUsageError() {
    for (String bad : new String[] {"-1", "NaN", "Infinity"}) {
      Cli.Result res = Cli.run("limits", "--rate", bad);
      assertEquals(2, res.exit(), res::toString);
      assertEquals("", res.out());
      assertTrue(res.errLines()[0].startsWith("Invalid value for option '--rate'"), res::toString);
    }
    Cli.Result res = Cli.run("limits", "--rate", "abc");
    assertEquals(2, res.exit(), res::toString);
    assertTrue(res.errLines()[0].contains("'abc' is not a double"), res::toString);
  }

  @Test
  void missingOptionIsAUsageError() {
    Cli.Result res = Cli.run("limits");
    assertEquals(2, res.exit(), res::toString);
    assertEquals("Missing required option: '--rate=R'", res.errLines()[0]);
    assertTrue(res.err().contains("Try 'signcodec limits --help'"), res::toString);
  }

  @Test
  void unknownOptionIsAUsageError() {
    Cli.Result res = Cli.run("limits", "--rate", "1", "--bogus");
    assertEquals(2, res.exit(), res::toString);
    assertEquals("", res.out());
    assertEquals("Unknown option: '--bogus'", res.errLines()[0]);
  }

  @Test
  void unknownAndMissingCommandsAreUsageErrors() {
    Cli.Result res = Cli.run("trian");
    assertEquals(2, res.exit(), res::toString);
    assertTrue(res.errLines()[0].startsWith("Unmatched argument at index 0: 'trian'"), res::toString);
    res = Cli.run();
    assertEquals(2, res.exit(), res::toString);
    assertTrue(res.errLines()[0].startsWith("Missing required command"), res::toString);
  }

  @Test
  void helpGoesToStandardOutput() {
    Cli.Result res = Cli.run("--help");
    assertEquals(0, res.exit(), res::toString);
    assertTrue(res.out().contains("limits"), res::toString);
    res = Cli.run("limits", "--help");
    assertEquals(0, res.exit(), res::toString);
    assertTrue(res.out().contains("--rate=R"), res::toString);
  }
}
