package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.cli.plot.NmsePlot;
import io.signcodec.core.Codebook;
import io.signcodec.core.DistortionBounds;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
  @TempDir Path dir;

  @Test
  void tinyDemoPrintsEveryRateAndWritesThePlot() throws IOException {
    Path out = dir.resolve("demo");
    Cli.Result res =
        Cli.run(
            "demo",
            "--out",
            out.toString(),
            "--dim",
            "16",
            "--train-vectors",
            "600",
            "--test-vectors",
            "300");
    assertEquals(0, res.exit(), res::toString);
    assertEquals("", res.err());
    List<String> lines = res.out().lines().collect(Collectors.toList());
    assertTrue(
        lines.get(0).startsWith("signcodec demo: d = 16, 600 training and 300"), res::toString);
    assertTrue(
        lines.get(2).matches("dataset +rate +bits/vector +ratio +NMSE +limit +Shannon +train s"),
        lines.get(2));
    for (String dataset : new String[] {"isotropic", "anisotropic"}) {
      List<String[]> rows =
          lines.stream()
              .filter(l -> l.startsWith(dataset + " "))
              .map(l -> l.trim().split(" +"))
              .collect(Collectors.toList());
      assertEquals(DemoCommand.RATES.length, rows.size(), res::toString);
      for (int i = 0; i < rows.size(); i++) {
        String[] row = rows.get(i);
        double r = DemoCommand.RATES[i];
        assertEquals(r, Double.parseDouble(row[1]), 0);
        assertEquals(Math.round(r * 16), Long.parseLong(row[2]));
        assertEquals(32 / r, Double.parseDouble(row[3].replace("x", "")), 0.05);
        double nmse = Double.parseDouble(row[4]);
        assertTrue(nmse > 0 && nmse < 1, Arrays.toString(row));
        assertEquals(
            String.format(Locale.ROOT, "%.4f", DistortionBounds.signAutoencoderLimit(r)), row[5]);
        Path cb = out.resolve(DemoCommand.codebookName(dataset, r));
        Codebook codebook = TrainEvalTest.read(cb);
        assertEquals(16, codebook.dimension());
        assertEquals(Math.round(r * 16), codebook.bits());
      }
      assertEquals(300, TestFiles.readAll(out.resolve(dataset + "-test.fvecs")).length / 16);
    }
    BufferedImage png = ImageIO.read(out.resolve(DemoCommand.PLOT).toFile());
    assertEquals(NmsePlot.WIDTH, png.getWidth());
    assertEquals(NmsePlot.HEIGHT, png.getHeight());
    // Something was drawn: the plot is not blank.
    long dark = 0;
    for (int y = 0; y < png.getHeight(); y++) {
      for (int x = 0; x < png.getWidth(); x++) {
        int rgb = png.getRGB(x, y) & 0xFFFFFF;
        if ((rgb >> 16) < 100 && ((rgb >> 8) & 0xFF) < 100 && (rgb & 0xFF) < 100) {
          dark++;
        }
      }
    }
    assertTrue(dark > 5000, "dark pixels: " + dark);
    try (var files = Files.list(out)) {
      assertTrue(files.noneMatch(p -> p.toString().endsWith(".partial")));
    }
  }

  @Test
  void demoIntoAFileIsADataError() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    Cli.Result res = Cli.run("demo", "--out", file.toString(), "--dim", "16");
    TrainEvalTest.dataError(res, "signcodec demo: " + file + ": exists and is not a directory");
    res = Cli.run("demo", "--out", file.resolve("sub").toString(), "--dim", "16");
    TrainEvalTest.dataError(res, "signcodec demo: " + file.resolve("sub") + ": ");
  }

  @Test
  void shannonBoundForASpectrum() {
    double[] ones = new double[64];
    Arrays.fill(ones, 2.5);
    for (double r : new double[] {0, 0.125, 0.5, 1, 2}) {
      assertEquals(DistortionBounds.shannonBound(r), RateDistortion.gaussianNmse(ones, r), 1e-9);
    }
    // Two components, variances 4 and 1, 1 bit in all (r = 0.5): θ = 1 gives 1 bit to the first
    // (½ log2 4) and none to the second, so D = (1 + 1) / 5.
    assertEquals(0.4, RateDistortion.gaussianNmse(new double[] {4, 1}, 0.5), 1e-9);
    // More bits: both get some; D = 2θ with ½ log2(4/θ) + ½ log2(1/θ) = 4, θ = 1/8.
    assertEquals(0.05, RateDistortion.gaussianNmse(new double[] {4, 1}, 2), 1e-9);
  }
}
