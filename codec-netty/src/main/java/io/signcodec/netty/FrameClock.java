package io.signcodec.netty;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The clock of one frame in arrival: started by its first bytes, stopped when it is complete, and
 * counting only the time the peer is answerable for.
 *
 * <p>Not counted: the time the channel is {@linkplain ReadGate paused} (the server chose not to
 * read it: acknowledgements piling up, a slice waiting to be decoded), and the time the channel's
 * event loop was too busy to run this clock's own check (a check that runs more than {@value
 * #LAG_SLACK_MILLIS} ms late proves the loop could not read this channel either). The clock checks
 * itself on the event loop at least every {@code timeout / 4} (at most every second), so a frame
 * that stops arriving altogether expires too, not only one that keeps arriving slowly. Used on the
 * channel's event loop only.
 */
final class FrameClock {
  static final long LAG_SLACK_MILLIS = 20;
  private static final long LAG_SLACK = TimeUnit.MILLISECONDS.toNanos(LAG_SLACK_MILLIS);

  /** What a clock calls on its event loop when it expires. */
  interface Expiry {
    void expired(long countedNanos, long notCountedNanos);
  }

  private final long timeout;
  private final long period;
  private final Expiry expiry;
  private ChannelHandlerContext ctx;
  private ReadGate gate;
  private long start = -1;
  private long pausedAtStart;
  private long lagCredit;
  private long due;
  private long creditedUntil;
  private ScheduledFuture<?> check;

  FrameClock(long timeoutNanos, Expiry expiry) {
    this.timeout = timeoutNanos;
    this.period =
        Math.max(
            TimeUnit.MILLISECONDS.toNanos(10),
            Math.min(TimeUnit.SECONDS.toNanos(1), timeoutNanos / 4));
    this.expiry = expiry;
  }

  boolean enabled() {
    return timeout > 0;
  }

  boolean running() {
    return start >= 0;
  }

  /** Starts the clock at {@code now} unless it runs already. */
  void start(ChannelHandlerContext ctx, long now) {
    if (timeout == 0 || start >= 0) {
      return;
    }
    this.ctx = ctx;
    if (gate == null) {
      gate = ReadGate.of(ctx.channel());
    }
    start = now;
    pausedAtStart = gate.pausedNanos(now);
    lagCredit = 0;
    creditedUntil = now;
    schedule(now, Math.min(timeout, period));
  }

  void stop() {
    start = -1;
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  /** Whether the peer has had more than the timeout; checked when bytes arrive. */
  boolean expired(long now) {
    if (start < 0) {
      return false;
    }
    creditLag(now);
    return counted(now) > timeout;
  }

  /** The time counted against the peer so far. */
  long counted(long now) {
    return now - start - notCounted(now);
  }

  /** Paused or lagging time since the start, not counted against the peer. */
  long notCounted(long now) {
    return gate.pausedNanos(now) - pausedAtStart + lagCredit;
  }

  long timeoutNanos() {
    return timeout;
  }

  private void schedule(long now, long delay) {
    due = now + delay;
    check = ctx.executor().schedule(this::check, delay, TimeUnit.NANOSECONDS);
  }

  private void check() {
    check = null;
    if (start < 0 || ctx.isRemoved()) {
      return;
    }
    long now = System.nanoTime();
    if (expired(now)) {
      long counted = counted(now);
      long notCounted = notCounted(now);
      stop();
      expiry.expired(counted, notCounted);
    } else {
      schedule(now, Math.max(1, Math.min(period, timeout - counted(now) + 1)));
    }
  }

  /** A check that should have run by now and has not: the event loop was busy. */
  private void creditLag(long now) {
    long from = Math.max(due, creditedUntil);
    if (now - from > LAG_SLACK) {
      lagCredit += now - from;
      creditedUntil = now;
    }
  }
}
