package io.signcodec.bench;

import io.signcodec.cli.plot.NmsePlot;
import io.signcodec.core.DistortionBounds;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The distortion report's figure for one dataset: every method's test NMSE against the rate it
 * used, signcodec's Gaussian prediction, the sign-autoencoder limit and Shannon's bound, on a log
 * scale. Drawn by the command line's {@link NmsePlot}, the project's one plot writer.
 */
final class DistortionPlot {
  private static final Color[] COLORS = {
    new Color(0xd62728),
    new Color(0xff7f0e),
    new Color(0x2ca02c),
    new Color(0x1f77b4),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2)
  };

  private DistortionPlot() {}

  static void write(DistortionResults.Dataset data, Path file) throws IOException {
    Map<String, List<double[]>> byMethod = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    List<double[]> predicted = new ArrayList<>();
    double rMax = 2;
    for (DistortionResults.Row r : data.rows()) {
      byMethod
          .computeIfAbsent(r.method(), k -> new ArrayList<>())
          .add(new double[] {(double) r.bitsUsed() / data.dimension(), r.nmse()});
      labels.put(r.method(), r.label());
      if (r.method().equals("signcodec-trained") && Double.isFinite(r.predictedNmse())) {
        predicted.add(new double[] {r.rate(), r.predictedNmse()});
      }
      rMax = Math.max(rMax, r.rate());
    }
    NmsePlot plot =
        new NmsePlot(data.title(), rMax * 1.05, rMax > 2 ? 0.5 : 0.25)
            .logScale()
            .note(
                String.format(
                    Locale.ROOT,
                    "d = %d, %d train / %d test",
                    data.dimension(),
                    data.trainCount(),
                    data.testCount()));
    int c = 0;
    for (Map.Entry<String, List<double[]>> e : byMethod.entrySet()) {
      points(
          plot,
          labels.get(e.getKey()),
          COLORS[c++ % COLORS.length],
          NmsePlot.Style.CIRCLES,
          e.getValue());
    }
    if (!predicted.isEmpty()) {
      points(
          plot,
          "signcodec trained, Gaussian prediction",
          COLORS[0],
          NmsePlot.Style.DOTTED,
          predicted);
    }
    plot.curve(
        "sign-AE limit (one stage)",
        Color.BLACK,
        NmsePlot.Style.DASHED,
        DistortionBounds::signAutoencoderLimit);
    plot.curve(
        "Shannon bound 2^(-2r)", Color.GRAY, NmsePlot.Style.DASHED, DistortionBounds::shannonBound);
    try (OutputStream out = Files.newOutputStream(file)) {
      plot.writePng(out);
    }
  }

  private static void points(
      NmsePlot plot, String name, Color color, NmsePlot.Style style, List<double[]> xy) {
    double[] x = new double[xy.size()];
    double[] y = new double[xy.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = xy.get(i)[0];
      y[i] = xy.get(i)[1];
    }
    plot.points(name, color, style, x, y);
  }
}
