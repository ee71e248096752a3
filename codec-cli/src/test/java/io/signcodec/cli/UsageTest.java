package io.signcodec.cli;

import static io.signcodec.cli.TrainEvalTest.usageError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.DistortionBounds;
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
      assertEquals(
          java.util.List.of("rate", "limit", "shannon"), java.util.List.copyOf(json.keySet()));
      assertEquals(r, (Double) json.get("rate"), 0.0);
      assertEquals(DistortionBounds.signAutoencoderLimit(r), (Double) json.get("limit"), 0.0);
      assertEquals(DistortionBounds.shannonBound(r), (Double) json.get("shannon"), 0.0);
    }
  }

  /** A usage error whose first line on standard error is exactly {@code firstLine}. */
  static Cli.Result usageErrorLine(Cli.Result res, String firstLine) {
    usageError(res, firstLine);
    assertEquals(firstLine, res.errLines()[0]);
    return res;
  }

  @Test
  void badRateIsAUsageError() {
    for (String bad : new String[] {"-1", "NaN", "Infinity"}) {
      usageError(Cli.run("limits", "--rate", bad), "Invalid value for option '--rate'");
    }
    usageError(
        Cli.run("limits", "--rate", "abc"),
        "Invalid value for option '--rate': 'abc' is not a double");
  }

  @Test
  void missingOptionIsAUsageError() {
    Cli.Result res = usageErrorLine(Cli.run("limits"), "Missing required option: '--rate=R'");
    assertTrue(res.err().contains("Try 'signcodec limits --help'"), res::toString);
  }

  @Test
  void unknownOptionIsAUsageError() {
    usageErrorLine(Cli.run("limits", "--rate", "1", "--bogus"), "Unknown option: '--bogus'");
  }

  @Test
  void unknownAndMissingCommandsAreUsageErrors() {
    usageError(Cli.run("trian"), "Unmatched argument at index 0: 'trian'");
    usageError(Cli.run(), "Missing required command");
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
