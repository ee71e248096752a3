package io.signcodec.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on standard error, redrawn in place with carriage returns.
 *
 * <p>Shown only for work that lasts: nothing is drawn in the first {@value #DELAY_MS} ms, then at
 * most every {@value #INTERVAL_MS} ms; {@link #close()} erases the line. A disabled instance (not a
 * terminal, or {@code --quiet}) does nothing.
 */
final class Progress implements AutoCloseable {
  static final long DELAY_MS = 500;
  static final long INTERVAL_MS = 100;
  static final int BAR = 20;
  static final int WIDTH = 79;

  private final PrintWriter err;
  private final boolean enabled;
  private final LongSupplier clockNanos;
  private final long start;
  private long lastDraw = Long.MIN_VALUE;
  private boolean drawn;

  Progress(PrintWriter err, boolean enabled, LongSupplier clockNanos) {
    this.err = err;
    this.enabled = enabled;
    this.clockNanos = clockNanos;
    this.start = clockNanos.getAsLong();
  }

  /** A bar on {@code err} when standard error is a terminal and not {@code quiet}. */
  static Progress forTerminal(PrintWriter err, boolean quiet) {
    return new Progress(err, !quiet && System.console() != null, System::nanoTime);
  }

  /** A progress that draws nothing. */
  static Progress none() {
    return new Progress(null, false, () -> 0);
  }

  /**
   * Reports {@code done} of {@code total} {@code unit}s of the step {@code label}; a total of zero
   * or less means unknown (a count is shown instead of a bar).
   */
  void update(String label, long done, long total, String unit) {
    if (!enabled) {
      return;
    }
    long now = clockNanos.getAsLong();
    long elapsedMs = (now - start) / 1_000_000;
    if (elapsedMs < DELAY_MS || (drawn && (now - lastDraw) / 1_000_000 < INTERVAL_MS)) {
      return;
    }
    lastDraw = now;
    drawn = true;
    String line = render(label, done, total, unit, elapsedMs / 1000.0);
    err.print("\r" + pad(line));
    err.flush();
  }

  static String render(String label, long done, long total, String unit, double seconds) {
    StringBuilder b = new StringBuilder(label).append(' ');
    if (total > 0) {
      double f = Math.min(1, Math.max(0, (double) done / total));
      int fill = (int) Math.round(f * BAR);
      b.append('[').append("#".repeat(fill)).append("-".repeat(BAR - fill)).append(']');
      b.append(String.format(Locale.ROOT, " %3.0f%% %,d %s", 100 * f, done, unit));
    } else {
      b.append(String.format(Locale.ROOT, "%,d %s", done, unit));
    }
    b.append(String.format(Locale.ROOT, "  %.1f s", seconds));
    return b.length() > WIDTH ? b.substring(0, WIDTH) : b.toString();
  }

  private static String pad(String line) {
    return line.length() >= WIDTH ? line : line + " ".repeat(WIDTH - line.length());
  }

  /** Erases the bar, if one was drawn. */
  @Override
  public void close() {
    if (drawn) {
      err.print("\r" + " ".repeat(WIDTH) + "\r");
      err.flush();
      drawn = false;
    }
  }
}
