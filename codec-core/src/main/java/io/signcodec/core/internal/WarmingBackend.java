package io.signcodec.core.internal;

import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The automatic choice when the Vector API is there: the scalar kernels until the vector kernels
 * are compiled, then the vector kernels. Until HotSpot's C2 has compiled them, the Vector API's
 * kernels run interpreted or in C1, where every vector is an object, many times slower than plain
 * Java: a short job (encoding 10⁴ vectors from the command line) took 1.6 to 3 times as long with
 * {@code --add-modules jdk.incubator.vector} as without, and one of 10⁵ vectors still 1.4 to 2
 * times. So the kernels run scalar at first; once they have been in use for {@link #DELAY_NANOS} (a
 * job that ends sooner never pays for the vector kernels), a kernel call starts one daemon thread,
 * at the lowest priority, that builds the vector backend (its class initialisation included) and
 * runs each of its kernels on small synthetic inputs until they are compiled; the calls made
 * meanwhile still run on the scalar kernels, and the calls after it on the vector kernels. Both
 * give bit-identical results, so a job whose calls straddle the switch gives the same codes as one
 * on either backend alone.
 *
 * <p>{@code -Dsigncodec.kernels=vector} skips this and uses the vector kernels from the first call
 * (the benchmarks and the kernel tests do).
 */
final class WarmingBackend implements KernelBackend {
  /** Calls of each kernel in one warm-up round. */
  static final int ROUND_CALLS = 200;

  /**
   * Rounds of the warm-up: the vector kernels count as compiled after this many rounds, or once a
   * round takes no longer than {@link #SETTLED} times the fastest before it (C2's code is there),
   * whichever comes first after {@link #MIN_ROUNDS}.
   */
  static final int MAX_ROUNDS = 400;

  static final int MIN_ROUNDS = 20;

  static final double SETTLED = 1.1;

  /** How long the kernels run scalar, from their first call, before the warm-up starts: 1 s. */
  static final long DELAY_NANOS = 1_000_000_000L;

  private final Supplier<KernelBackend> vectorFactory;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile KernelBackend current = ScalarBackend.INSTANCE;
  private final long delayNanos;
  private volatile boolean started;

  /** When the first kernel call came ({@link System#nanoTime}, made odd), 0 before it. */
  private volatile long firstCall;

  /**
   * {@code vectorFactory} builds the vector backend, or returns null if it cannot; the warm-up
   * starts with the first kernel call {@code delayNanos} or more after the first one.
   */
  WarmingBackend(Supplier<KernelBackend> vectorFactory, long delayNanos) {
    this.vectorFactory = vectorFactory;
    this.delayNanos = delayNanos;
  }

  private KernelBackend current() {
    KernelBackend c = current;
    if (!started) {
      long now = System.nanoTime();
      long first = firstCall;
      if (first == 0) {
        firstCall = now | 1; // never 0
        first = now;
      }
      if (now - first >= delayNanos) {
        start();
      }
    }
    return c;
  }

  private synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    Thread t = new Thread(this::warmUp, "signcodec-kernels-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  private void warmUp() {
    System.Logger log = System.getLogger("io.signcodec.core.internal");
    try {
      long start = System.nanoTime();
      KernelBackend vector = vectorFactory.get();
      if (vector == null) {
        return;
      }
      int rounds = warm(vector);
      current = vector;
      log.log(
          System.Logger.Level.DEBUG,
          "signcodec kernels: {0} after {1} warm-up rounds, {2} ms",
          vector.name(),
          rounds,
          (System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException | LinkageError e) {
      log.log(System.Logger.Level.WARNING, "vector kernels failed to warm up; staying scalar", e);
    } finally {
      done.countDown();
    }
  }

  /**
   * Runs every kernel of {@code vector} on small inputs, round after round, until the rounds stop
   * getting faster; returns the rounds run.
   */
  static int warm(KernelBackend vector) {
    int d = 64;
    int lanes = FloatKernels.LANES;
    Random random = new Random(1);
    float[] x = new float[lanes * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] shift = new float[d];
    float[][] r = new float[d][d];
    for (float[] row : r) {
      for (int j = 0; j < d; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    float[] panels = FloatKernels.panels(r, d, d);
    int[] halfPanels = FloatKernels.halfPanels(r, d, d);
    float[][] c = new float[lanes][d];
    float[][] rowsL = new float[lanes][d];
    float[] w = new float[d * lanes];
    byte[] codes = new byte[lanes * (d / 8)];
    long[] planes = new long[FloatKernels.PLANES * 8];
    long[] shifts = new long[8];
    for (int i = 0; i < planes.length; i++) {
      planes[i] = random.nextLong();
    }
    byte[] packed = new byte[2 * FloatKernels.NIBBLE_BLOCK * 24];
    random.nextBytes(packed);
    byte[] nibbleTables = new byte[32 * 24];
    random.nextBytes(nibbleTables);
    int[] sums = new int[2 * FloatKernels.NIBBLE_BLOCK];
    long fastest = Long.MAX_VALUE;
    int round = 0;
    while (round < MAX_ROUNDS) {
      long t0 = System.nanoTime();
      for (int i = 0; i < ROUND_CALLS; i++) {
        vector.multiplyAdd(x, 0, d, shift, r, 0, d, 0, d, c, lanes);
        vector.multiplyAdd(rowsL, r, 0, d, 0, d, c, lanes);
        vector.project(x, 0, shift, panels, d, d, c[0]);
        vector.projectHalf(x, 0, halfPanels, d, d, c[0]);
        vector.interleave(x, 0, lanes, d, shift, null, w);
        vector.butterflies(w, 0, w.length, 16 * lanes, null, w.length);
        vector.butterflies4(w, 0, w.length, 4 * lanes, null, w.length);
        vector.butterflies8(w, 0, w.length, lanes, null, w.length);
        vector.levelBits(w, 0, shift, 1f, w, lanes);
        vector.packSigns(w, d, 0, lanes, codes, 0, d / 8);
        vector.unpackSigns(codes, 0, d / 8, lanes, 0, d, 1f, w);
        vector.deinterleave(w, lanes, d, shift, x, 0);
        vector.allFinite(x, 0, x.length);
        vector.allWithin(x, 0, x.length, 0x7f000000);
        vector.planeDot(planes, shifts, 8, codes, 0, 61);
        vector.nibbleScan(packed, 0, 2, 24, nibbleTables, sums, 0);
      }
      long t = System.nanoTime() - t0;
      round++;
      if (round >= MIN_ROUNDS && t <= SETTLED * fastest) {
        break;
      }
      fastest = Math.min(fastest, t);
    }
    return round;
  }

  /** Whether the vector kernels are in use now. */
  boolean warmed() {
    return current != ScalarBackend.INSTANCE;
  }

  /** Waits for the warm-up (started by the first kernel call) to end; for tests. */
  boolean awaitWarmUp(long timeout, TimeUnit unit) throws InterruptedException {
    return done.await(timeout, unit);
  }

  @Override
  public void multiplyAdd(
      float[] l,
      int lOff,
      int ldl,
      float[] shift,
      float[][] r,
      int r0,
      int k,
      int from,
      int to,
      float[][] c,
      int m) {
    current().multiplyAdd(l, lOff, ldl, shift, r, r0, k, from, to, c, m);
  }

  @Override
  public void multiplyAdd(
      float[][] l, float[][] r, int r0, int k, int from, int to, float[][] c, int m) {
    current().multiplyAdd(l, r, r0, k, from, to, c, m);
  }

  @Override
  public void project(
      float[] x, int off, float[] shift, float[] panels, int k, int columns, float[] out) {
    current().project(x, off, shift, panels, k, columns, out);
  }

  @Override
  public void projectHalf(float[] x, int off, int[] panels, int k, int columns, float[] out) {
    current().projectHalf(x, off, panels, k, columns, out);
  }

  @Override
  public void butterflies(float[] w, int from, int end, int span, float[] scale, int stride) {
    current().butterflies(w, from, end, span, scale, stride);
  }

  @Override
  public void butterflies4(float[] w, int from, int end, int span, float[] scale, int stride) {
    current().butterflies4(w, from, end, span, scale, stride);
  }

  @Override
  public void butterflies8(float[] w, int from, int end, int span, float[] scale, int stride) {
    current().butterflies8(w, from, end, span, scale, stride);
  }

  @Override
  public void interleave(
      float[] x, int xOff, int count, int dimension, float[] shift, float[] scale, float[] w) {
    current().interleave(x, xOff, count, dimension, shift, scale, w);
  }

  @Override
  public void deinterleave(
      float[] w, int count, int dimension, float[] shift, float[] out, int outOff) {
    current().deinterleave(w, count, dimension, shift, out, outOff);
  }

  @Override
  public void packSigns(
      float[] w, int n, int first, int count, byte[] dst, int dstOff, int codeBytes) {
    current().packSigns(w, n, first, count, dst, dstOff, codeBytes);
  }

  @Override
  public void unpackSigns(
      byte[] src,
      int srcOff,
      int codeBytes,
      int count,
      int first,
      int n,
      float magnitude,
      float[] w) {
    current().unpackSigns(src, srcOff, codeBytes, count, first, n, magnitude, w);
  }

  @Override
  public void levelBits(float[] w, int at, float[] flips, float first, float[] dst, int dstAt) {
    current().levelBits(w, at, flips, first, dst, dstAt);
  }

  @Override
  public long planeDot(long[] planes, long[] shifts, int stride, byte[] codes, int off, int len) {
    return current().planeDot(planes, shifts, stride, codes, off, len);
  }

  @Override
  public void nibbleScan(
      byte[] packed, int off, int blocks, int codeBytes, byte[] tables, int[] sums, int sumsOff) {
    current().nibbleScan(packed, off, blocks, codeBytes, tables, sums, sumsOff);
  }

  @Override
  public boolean allFinite(float[] x, int off, int len) {
    return current().allFinite(x, off, len);
  }

  @Override
  public boolean allWithin(float[] x, int off, int len, int boundBits) {
    return current().allWithin(x, off, len, boundBits);
  }

  /** The backend in use now, and whether the vector kernels are still warming up. */
  @Override
  public String name() {
    if (warmed()) {
      return current.name();
    }
    return done.getCount() == 0 || !started ? "scalar" : "scalar (vector kernels warming up)";
  }
}
