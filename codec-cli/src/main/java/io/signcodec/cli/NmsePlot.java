package io.signcodec.cli;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * A line chart of NMSE against rate, drawn with Java2D (headless): axes with ticks and labels, a
 * light grid, curves, measured points and a legend.
 */
final class NmsePlot {
  static final int WIDTH = 1000;
  static final int HEIGHT = 660;
  private static final int LEFT = 90;
  private static final int RIGHT = 30;
  private static final int TOP = 60;
  private static final int BOTTOM = 75;

  /** How a series is drawn. */
  enum Style {
    SOLID, DASHED, DOTTED, CIRCLES, SQUARES
  }

  /** One series: a curve or measured points (joined by a thin line). */
  record Series(String name, Color color, Style style, double[] x, double[] y) {}

  private final String title;
  private final double xMax;
  private final double xTick;
  private final List<Series> series = new ArrayList<>();

  NmsePlot(String title, double xMax, double xTick) {
    this.title = title;
    this.xMax = xMax;
    this.xTick = xTick;
  }

  /** Adds {@code f} sampled finely on [0, xMax]. */
  NmsePlot curve(String name, Color color, Style style, DoubleUnaryOperator f) {
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

  NmsePlot points(String name, Color color, Style style, double[] x, double[] y) {
    series.add(new Series(name, color, style, x.clone(), y.clone()));
    return this;
  }

  private double px(double x) {
    return LEFT + x / xMax * (WIDTH - LEFT - RIGHT);
  }

  private double py(double y) {
    return TOP + (1 - y) * (HEIGHT - TOP - BOTTOM);
  }

  BufferedImage render() {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      drawAxes(g);
      Shape clip = g.getClip();
      g.clip(new Rectangle2D.Double(LEFT, TOP - 8, WIDTH - LEFT - RIGHT + 8,
          HEIGHT - TOP - BOTTOM + 16));
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
    double y0 = py(0);
    double y1 = py(1);
    g.setFont(tickFont);
    FontMetrics fm = g.getFontMetrics();
    // Grid and ticks: y every 0.1, x every xTick.
    for (int i = 0; i <= 10; i++) {
      double v = i / 10.0;
      double y = py(v);
      g.setColor(new Color(0xE6E6E6));
      g.setStroke(new BasicStroke(1f));
      g.draw(new Line2D.Double(x0, y, x1, y));
      g.setColor(Color.BLACK);
      g.draw(new Line2D.Double(x0 - 6, y, x0, y));
      String label = String.format(Locale.ROOT, "%.1f", v);
      g.drawString(label, (float) (x0 - 10 - fm.stringWidth(label)),
          (float) (y + fm.getAscent() / 2.0 - 2));
    }
    int xTicks = (int) Math.round(xMax / xTick);
    for (int i = 0; i <= xTicks; i++) {
      double v = i * xTick;
      double x = px(v);
      g.setColor(new Color(0xE6E6E6));
      g.draw(new Line2D.Double(x, y0, x, y1));
      g.setColor(Color.BLACK);
      g.draw(new Line2D.Double(x, y0, x, y0 + 6));
      String label = trim(v);
      g.drawString(label, (float) (x - fm.stringWidth(label) / 2.0),
          (float) (y0 + 10 + fm.getAscent()));
    }
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1.5f));
    g.draw(new Rectangle2D.Double(x0, y1, x1 - x0, y0 - y1));

    g.setFont(labelFont);
    fm = g.getFontMetrics();
    String xLabel = "rate r (bits per coordinate)";
    g.drawString(xLabel, (float) ((x0 + x1 - fm.stringWidth(xLabel)) / 2), HEIGHT - 18f);
    String yLabel = "NMSE  (squared error / variance)";
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
    for (int i = 0; i < s.x().length; i++) {
      double x = px(s.x()[i]);
      double y = py(s.y()[i]);
      if (i == 0) {
        path.moveTo(x, y);
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
        drawMarker(g, s.style(), px(s.x()[i]), py(s.y()[i]));
      }
    }
  }

  private static Stroke stroke(Style style) {
    switch (style) {
      case DASHED:
        return new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
            new float[] {10f, 7f}, 0f);
      case DOTTED:
        return new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f,
            new float[] {1f, 5f}, 0f);
      default:
        return new BasicStroke(2.2f);
    }
  }

  private static void drawMarker(Graphics2D g, Style style, double x, double y) {
    double r = 5.5;
    Shape shape = style == Style.CIRCLES ? new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r)
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
    int boxW = width + sample + 34;
    int boxH = rowHeight * series.size() + 14;
    double bx = px(xMax) - boxW - 14;
    double by = py(1) + 14;
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
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
