package io.signcodec.core.internal;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Splits a range of independent work items across the common fork-join pool.
 *
 * <p>Items must write disjoint outputs; each item is processed by exactly one thread, so results
 * are the same as a sequential run.
 */
public final class Parallel {

  /** Work on the items {@code [from, to)}. */
  @FunctionalInterface
  public interface RangeTask {
    void run(int from, int to);
  }

  private Parallel() {}

  /**
   * Threads that work on a split range: the common pool's workers plus the calling thread, which
   * runs its own share (the common pool has one worker fewer than there are cores).
   */
  public static int parallelism() {
    return ForkJoinPool.getCommonPoolParallelism() + 1;
  }

  /**
   * Runs {@code task} over {@code [0, count)} in chunks of at least {@code grain} items; on the
   * calling thread alone when the range is too small to be worth splitting or {@code parallel} is
   * false.
   */
  public static void forRange(int count, int grain, boolean parallel, RangeTask task) {
    int threads = parallel ? parallelism() : 1;
    if (threads <= 1 || count < 2 * grain) {
      if (count > 0) {
        task.run(0, count);
      }
      return;
    }
    int chunks = Math.min(count / grain, threads * 4);
    // invoke() computes on this thread; the halves it forks go to the common pool.
    new Split(task, count, chunks, 0, chunks).invoke();
  }

  private static final class Split extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient RangeTask task;
    private final int count;
    private final int chunks;
    private final int lo;
    private final int hi;

    Split(RangeTask task, int count, int chunks, int lo, int hi) {
      this.task = task;
      this.count = count;
      this.chunks = chunks;
      this.lo = lo;
      this.hi = hi;
    }

    @Override
    protected void compute() {
      if (hi - lo == 1) {
        int from = (int) ((long) count * lo / chunks);
        int to = (int) ((long) count * hi / chunks);
        task.run(from, to);
        return;
      }
      int mid = (lo + hi) >>> 1;
      invokeAll(new Split(task, count, chunks, lo, mid), new Split(task, count, chunks, mid, hi));
    }
  }
}
