package io.signcodec.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import javax.imageio.ImageIO;

/**
 * A line chart of NMSE against rate, drawn with Java2D (headless): axes with ticks and labels, a
 * light grid, curves, measured points and a legend. The y axis is linear from 0 to 1 (the demo) or
 * logarithmic down to the smallest NMSE shown (the benchmarks' distortion report, whose peers reach
 * far below 0.1). The one plot writer of the project: {@code demo} and the benchmarks both draw
 * with it.
 */
public final class NmsePlot {
  /** Width of the image, in pixels. */
  public static final int WIDTH = 1000;

  /** Height of the image, in pixels. */
  public static final int HEIGHT = 660;

  private static final int LEFT = 90;
  private static final int RIGHT = 30;
  private static final int TOP = 60;
  private static final int BOTTOM = 75;

  /** How a series is drawn. */
  public enum Style {
    SOLID,
    DASHED,
    DOTTED,
    CIRCLES,
    SQUARES
  }

  /** One series: a curve or measured points (joined by a thin line). */
  private record Series(String name, Color color, Style style, double[] x, double[] y) {}

  /** log10 of the top of the log axis, a little above NMSE 1. */
  private static final double LOG_MAX = 0.05;

  private final String title;
  private final double xMax;
  private final double xTick;
  private final List<Series> series = new ArrayList<>();
  private boolean logScale;
  private String note;

  /** log10 of the bottom of the log axis, set when rendering. */
  private double logMin;

  /**
   * An empty plot of rates from 0 to {@code xMax}, with a tick and grid line every {@code xTick}.
   */
  public NmsePlot(String title, double xMax, double xTick) {
    this.title = title;
    this.xMax = xMax;
    this.xTick = xTick;
  }

  /** A logarithmic y axis, from the half decade below the smallest positive NMSE up to 1. */
  public NmsePlot logScale() {
    this.logScale = true;
    return this;
  }

  /** A line of small print under the legend, such as the data's sizes. */
  public NmsePlot note(String text) {
    this.note = text;
    return this;
  }

  /** Adds {@code f} sampled finely on [0, xMax]. */
  public NmsePlot curve(String name, Color color, Style style, DoubleUnaryOperator f) {
    int n = 400;
    double[] x = new double[n + 1];
    double[] y = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      x[i] = xMax * i / n;
      y[i] = f.applyAsDouble(x[i]);
    }
    series.add(new Series(name, color, style, x, y));
    return this;
  }

  /** Adds measured points at rates {@code x}; on a log scale, points at or below 0 are left out. */
  public NmsePlot points(String name, Color color, Style style, double[] x, double[] y) {
    series.add(new Series(name, color, style, x.clone(), y.clone()));
    return this;
  }

  private double px(double x) {
    return LEFT + x / xMax * (WIDTH - LEFT - RIGHT);
  }

  /** log10 of the lowest NMSE the log axis shows: half decades below the smallest point. */
  private double logMin() {
    double yMin = 1;
    for (Series s : series) {
      for (double y : s.y()) {
        if (y > 0) {
          yMin = Math.min(yMin, y);
        }
      }
    }
    return Math.floor(Math.log10(yMin * 0.9) * 2) / 2;
  }

  private double py(double y) {
    double t = logScale ? (Math.log10(y) - logMin) / (LOG_MAX - logMin) : y;
    return TOP + (1 - t) * (HEIGHT - TOP - BOTTOM);
  }

  /** Renders the plot and writes it to {@code out} as a PNG. */
  public void writePng(OutputStream out) throws IOException {
    if (!ImageIO.write(render(), "png", out)) {
      throw new IOException("no PNG writer in this Java runtime");
    }
  }

  /** The plot as an image. */
  public BufferedImage render() {
    logMin = logScale ? logMin() : 0;
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      drawAxes(g);
      Shape clip = g.getClip();
      g.clip(
          new Rectangle2D.Double(
              LEFT, TOP - 8, WIDTH - LEFT - RIGHT + 8, HEIGHT - TOP - BOTTOM + 16));
      for (Series s : series) {
        drawSeries(g, s);
      }
      g.setClip(clip);
      drawLegend(g);
    } finally {
      g.dispose();
    }
    return img;
  }

  private void drawAxes(Graphics2D g) {
    Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 17);
    Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 19);
    double x0 = px(0);
    double x1 = px(xMax);
    double y0 = logScale ? py(Math.pow(10, logMin)) : py(0);
    double y1 = logScale ? py(Math.pow(10, LOG_MAX)) : py(1);
    g.setFont(tickFont);
    FontMetrics fm = g.getFontMetrics();
    // Grid and ticks: y every 0.1 (linear) or at 1, 2 and 5 of each decade (log), x every xTick.
    for (double v : yTicks()) {
      double y = py(v);
      g.setColor(new Color(0xE6E6E6));
      g.setStroke(new BasicStroke(1f));
      g.draw(new Line2D.Double(x0, y, x1, y));
      g.setColor(Color.BLACK);
      g.draw(new Line2D.Double(x0 - 6, y, x0, y));
      String label = logScale ? trim(v, "%.4f") : String.format(Locale.ROOT, "%.1f", v);
      g.drawString(
          label, (float) (x0 - 10 - fm.stringWidth(label)), (float) (y + fm.getAscent() / 2.0 - 2));
    }
    int xTicks = (int) Math.round(xMax / xTick);
    for (int i = 0; i <= xTicks; i++) {
      double v = i * xTick;
      double x = px(v);
      g.setColor(new Color(0xE6E6E6));
      g.draw(new Line2D.Double(x, y0, x, y1));
      g.setColor(Color.BLACK);
      g.draw(new Line2D.Double(x, y0, x, y0 + 6));
      String label = trim(v, "%.2f");
      g.drawString(
          label, (float) (x - fm.stringWidth(label) / 2.0), (float) (y0 + 10 + fm.getAscent()));
    }
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1.5f));
    g.draw(new Rectangle2D.Double(x0, y1, x1 - x0, y0 - y1));

    g.setFont(labelFont);
    fm = g.getFontMetrics();
    String xLabel = "rate r (bits per coordinate)";
    g.drawString(xLabel, (float) ((x0 + x1 - fm.stringWidth(xLabel)) / 2), HEIGHT - 18f);
    String yLabel =
        logScale
            ? "NMSE  (squared error / variance, log scale)"
            : "NMSE  (squared error / variance)";
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    g.drawString(yLabel, (float) (-(y0 + y1 + fm.stringWidth(yLabel)) / 2), 26f);
    g.setTransform(saved);

    g.setFont(titleFont);
    fm = g.getFontMetrics();
    g.drawString(title, (float) ((WIDTH - fm.stringWidth(title)) / 2.0), 34f);
  }

  private void drawSeries(Graphics2D g, Series s) {
    g.setColor(s.color());
    Path2D.Double path = new Path2D.Double();
    boolean first = true;
    for (int i = 0; i < s.x().length; i++) {
      if (!shown(s.y()[i])) {
        continue;
      }
      double x = px(s.x()[i]);
      double y = py(s.y()[i]);
      if (first) {
        path.moveTo(x, y);
        first = false;
      } else {
        path.lineTo(x, y);
      }
    }
    boolean markers = s.style() == Style.CIRCLES || s.style() == Style.SQUARES;
    if (markers) {
      // A faint thin join, so that a curve underneath (the limit) stays visible.
      Color c = s.color();
      g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 110));
      g.setStroke(new BasicStroke(1.2f));
      g.draw(path);
      g.setColor(c);
    } else {
      g.setStroke(stroke(s.style()));
      g.draw(path);
    }
    if (markers) {
      for (int i = 0; i < s.x().length; i++) {
        if (shown(s.y()[i])) {
          drawMarker(g, s.style(), px(s.x()[i]), py(s.y()[i]));
        }
      }
    }
  }

  private static Stroke stroke(Style style) {
    switch (style) {
      case DASHED:
        return new BasicStroke(
            2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {10f, 7f}, 0f);
      case DOTTED:
        return new BasicStroke(
            2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {1f, 5f}, 0f);
      default:
        return new BasicStroke(2.2f);
    }
  }

  private static void drawMarker(Graphics2D g, Style style, double x, double y) {
    double r = 5.5;
    Shape shape =
        style == Style.CIRCLES
            ? new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r)
            : new Rectangle2D.Double(x - r, y - r, 2 * r, 2 * r);
    g.fill(shape);
    Color c = g.getColor();
    g.setColor(Color.WHITE);
    g.setStroke(new BasicStroke(1f));
    g.draw(shape);
    g.setColor(c);
  }

  private void drawLegend(Graphics2D g) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
    FontMetrics fm = g.getFontMetrics();
    int sample = 44;
    int rowHeight = fm.getHeight() + 6;
    int width = 0;
    for (Series s : series) {
      width = Math.max(width, fm.stringWidth(s.name()));
    }
    if (note != null) {
      width = Math.max(width - sample - 10, fm.stringWidth(note) - sample - 10);
    }
    int boxW = width + sample + 34;
    int boxH = rowHeight * (series.size() + (note == null ? 0 : 1)) + 14;
    // Top right on the linear axis, where the curves have fallen away; bottom left on the log
    // axis, since no rate below 1 bit reaches the smallest NMSE shown.
    double bx = logScale ? px(0) + 14 : px(xMax) - boxW - 14;
    double by = logScale ? HEIGHT - BOTTOM - boxH - 14 : TOP + 14;
    g.setColor(new Color(255, 255, 255, 235));
    g.fill(new Rectangle2D.Double(bx, by, boxW, boxH));
    g.setColor(Color.GRAY);
    g.setStroke(new BasicStroke(1f));
    g.draw(new Rectangle2D.Double(bx, by, boxW, boxH));
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      double cy = by + 7 + rowHeight * (i + 0.5);
      double sx = bx + 12;
      g.setColor(s.color());
      boolean markers = s.style() == Style.CIRCLES || s.style() == Style.SQUARES;
      g.setStroke(markers ? new BasicStroke(1.5f) : stroke(s.style()));
      g.draw(new Line2D.Double(sx, cy, sx + sample, cy));
      if (markers) {
        drawMarker(g, s.style(), sx + sample / 2.0, cy);
      }
      g.setColor(Color.BLACK);
      g.drawString(s.name(), (float) (sx + sample + 10), (float) (cy + fm.getAscent() / 2.0 - 2));
    }
    if (note != null) {
      g.setColor(Color.DARK_GRAY);
      double cy = by + 7 + rowHeight * (series.size() + 0.5);
      g.drawString(note, (float) (bx + 12), (float) (cy + fm.getAscent() / 2.0 - 2));
    }
  }

  /** Whether a value can be drawn on this plot's y axis. */
  private boolean shown(double y) {
    return !logScale || y > 0;
  }

  private List<Double> yTicks() {
    List<Double> ticks = new ArrayList<>();
    if (!logScale) {
      for (int i = 0; i <= 10; i++) {
        ticks.add(i / 10.0);
      }
      return ticks;
    }
    for (int e = (int) Math.floor(logMin); e <= 0; e++) {
      for (int m : new int[] {1, 2, 5}) {
        double v = m * Math.pow(10, e);
        double lv = Math.log10(v);
        if (lv >= logMin - 1e-9 && lv <= LOG_MAX) {
          ticks.add(v);
        }
      }
    }
    return ticks;
  }

  private static String trim(double v, String format) {
    String s = String.format(Locale.ROOT, format, v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
