package io.signcodec.bench;

import io.signcodec.core.Limits;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** NMSE against rate, one PNG per dataset, drawn with java.awt (headless). */
final class NmsePlot {
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 660;
  private static final int LEFT = 80;
  private static final int RIGHT = 330;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;

  private static final Color[] COLORS = {
      new Color(0xd62728), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x1f77b4),
      new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2)};

  private NmsePlot() {}

  private record Series(String label, Color color, Stroke stroke, boolean markers,
      List<double[]> points) {}

  static void write(DistortionResults.Dataset data, Path file) throws IOException {
    List<Series> series = new ArrayList<>();
    Map<String, List<double[]>> byMethod = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    List<double[]> predicted = new ArrayList<>();
    for (DistortionResults.Row r : data.rows()) {
      byMethod.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(new double[] {
          (double) r.bitsUsed() / data.dimension(), r.nmse()});
      labels.put(r.method(), r.label());
      if (r.method().equals("signcodec-trained") && Double.isFinite(r.predictedNmse())) {
        predicted.add(new double[] {r.rate(), r.predictedNmse()});
      }
    }
    Stroke solid = new BasicStroke(2.2f);
    Stroke dashed = new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1,
        new float[] {8, 5}, 0);
    Stroke dotted = new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1,
        new float[] {2, 4}, 0);
    int c = 0;
    for (Map.Entry<String, List<double[]>> e : byMethod.entrySet()) {
      series.add(new Series(labels.get(e.getKey()), COLORS[c++ % COLORS.length], solid, true,
          e.getValue()));
    }
    if (!predicted.isEmpty()) {
      series.add(new Series("signcodec trained, Gaussian prediction", COLORS[0], dotted, false,
          predicted));
    }
    double rMax = 2;
    for (DistortionResults.Row r : data.rows()) {
      rMax = Math.max(rMax, r.rate());
    }
    double xMax = rMax * 1.05;
    List<double[]> limit = new ArrayList<>();
    List<double[]> shannon = new ArrayList<>();
    for (int i = 1; i <= Math.round(rMax * 100); i++) {
      double r = i * 0.01;
      limit.add(new double[] {r, Limits.signAutoencoderLimit(r)});
      shannon.add(new double[] {r, Limits.shannonBound(r)});
    }
    series.add(new Series("sign-AE limit (one stage)", Color.BLACK, dashed, false,
        limit));
    series.add(new Series("Shannon bound 2^(-2r)", Color.GRAY, dashed, false, shannon));

    double yMin = 1;
    for (Series s : series) {
      for (double[] p : s.points()) {
        if (p[1] > 0) {
          yMin = Math.min(yMin, p[1]);
        }
      }
    }
    double logMin = Math.floor(Math.log10(yMin * 0.9) * 2) / 2; // half decades
    double logMax = 0.05;

    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    Axis ax = new Axis(plotW, plotH, logMin, logMax, xMax);

    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    // grid and ticks
    double tick = rMax > 2 ? 0.5 : 0.25;
    for (double r = 0; r <= rMax + 1e-4; r += tick) {
      int x = ax.x(r);
      g.setColor(new Color(0xeeeeee));
      g.drawLine(x, TOP, x, TOP + plotH);
      g.setColor(Color.DARK_GRAY);
      String t = String.format(Locale.ROOT, r == Math.rint(r) ? "%.0f" : "%.2f", r);
      g.drawString(t, x - fm.stringWidth(t) / 2, TOP + plotH + 18);
    }
    for (int e = (int) Math.floor(logMin); e <= 0; e++) {
      for (int m = 1; m <= 9; m++) {
        double v = m * Math.pow(10, e);
        double lv = Math.log10(v);
        if (lv < logMin - 1e-9 || lv > logMax) {
          continue;
        }
        int y = ax.y(v);
        g.setColor(m == 1 ? new Color(0xdddddd) : new Color(0xf3f3f3));
        g.drawLine(LEFT, y, LEFT + plotW, y);
        if (m == 1 || m == 2 || m == 5) {
          g.setColor(Color.DARK_GRAY);
          String t = String.format(Locale.ROOT, "%s", trim(v));
          g.drawString(t, LEFT - 8 - fm.stringWidth(t), y + 4);
        }
      }
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, plotW, plotH);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(data.title(), LEFT, TOP - 20);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    String xl = "rate r (bits per coordinate)";
    g.drawString(xl, LEFT + plotW / 2 - g.getFontMetrics().stringWidth(xl) / 2, HEIGHT - 18);
    Graphics2D gy = (Graphics2D) g.create();
    gy.rotate(-Math.PI / 2);
    String yl = "test NMSE (log scale)";
    gy.drawString(yl, -(TOP + plotH / 2) - gy.getFontMetrics().stringWidth(yl) / 2, 22);
    gy.dispose();

    Graphics2D clip = (Graphics2D) g.create();
    clip.setClip(LEFT, TOP, plotW + 1, plotH + 1);
    for (Series s : series) {
      clip.setColor(s.color());
      clip.setStroke(s.stroke());
      Path2D.Double path = new Path2D.Double();
      boolean first = true;
      for (double[] p : s.points()) {
        if (!(p[1] > 0)) {
          continue;
        }
        if (first) {
          path.moveTo(ax.x(p[0]), ax.y(p[1]));
          first = false;
        } else {
          path.lineTo(ax.x(p[0]), ax.y(p[1]));
        }
      }
      clip.draw(path);
      if (s.markers()) {
        clip.setStroke(new BasicStroke(1.5f));
        for (double[] p : s.points()) {
          if (p[1] > 0) {
            clip.fillOval(ax.x(p[0]) - 4, ax.y(p[1]) - 4, 8, 8);
          }
        }
      }
    }
    clip.dispose();

    // legend
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int lx = LEFT + plotW + 20;
    int ly = TOP + 10;
    for (Series s : series) {
      g.setColor(s.color());
      g.setStroke(s.stroke());
      g.drawLine(lx, ly, lx + 30, ly);
      if (s.markers()) {
        g.fillOval(lx + 11, ly - 4, 8, 8);
      }
      g.setColor(Color.BLACK);
      g.drawString(s.label(), lx + 38, ly + 4);
      ly += 22;
    }
    g.setColor(Color.DARK_GRAY);
    g.drawString(String.format(Locale.ROOT, "d = %d, %d train / %d test", data.dimension(),
        data.trainCount(), data.testCount()), lx, ly + 14);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.4f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private record Axis(int w, int h, double logMin, double logMax, double xMax) {
    int x(double r) {
      return LEFT + (int) Math.round(r / xMax * w);
    }

    int y(double v) {
      double t = (Math.log10(v) - logMin) / (logMax - logMin);
      return TOP + (int) Math.round((1 - t) * h);
    }
  }
}
