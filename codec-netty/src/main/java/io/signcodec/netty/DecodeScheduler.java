package io.signcodec.netty;

import io.netty.buffer.ByteBuf;
import io.signcodec.core.LinearDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Decodes the slices of many {@link SignFrameDecoder}s on a fixed number of threads, in turn, and
 * off their event loops: give one to every decoder of a server with {@link
 * SignFrameDecoder.Builder#decodeScheduler}.
 *
 * <p>Why: decoding is where a connection's cost is, and it is out of proportion to its traffic (one
 * byte of 1-bit codes at d = 384 is 1 536 bytes of floats). Decoded on the event loop, a few
 * connections that each send a large legal frame keep every loop busy; the others' bytes wait
 * unread in the kernel, their frame clocks run, and an honest client's small batches queue behind
 * megabytes of someone else's. Here:
 *
 * <ul>
 *   <li><b>CPU</b>: decoding runs on {@link #threads()} threads, each slice on one of them (the
 *       decoders of a scheduler decode sequentially), so the event loops stay free to read, verify
 *       checksums and answer.
 *   <li><b>Fairness</b>: a decoder submits its next slice only when its last one has been passed
 *       on, so a connection waits with at most one slice (at most {@code maxBatchFloats} floats),
 *       however much it has sent. A free thread takes the waiting slice of the connection that has
 *       had the least decoding time (in thread nanoseconds, as a fair-queueing scheduler counts
 *       virtual time; ties: the slice that has waited longest). A connection that comes back with
 *       work after a pause, or a new one, is credited with at most {@value #CREDIT_MILLIS} ms of
 *       decoding time ahead of the least-served connection with work: so a client that sends a
 *       little now and then is decoded at once, ahead of a flood; connections that all have work
 *       share the threads equally; and a newcomer, however long the others have been served, cannot
 *       take more than that credit before sharing. The order is told from each connection's own
 *       history only: {@link ConnectionLimitHandler} bounds how many connections one client holds,
 *       and so how many credits.
 *   <li><b>Memory</b>: the decoded floats go into a pool of {@code 2 × threads} arrays, each
 *       returned once its batch has been passed down the pipeline; at most that many batches exist
 *       at once, however many connections there are. A connection waiting for its turn holds only
 *       its undecoded bytes, and is not read meanwhile.
 * </ul>
 *
 * The batches therefore lend their arrays: a handler must use or copy a batch's floats before its
 * {@code channelRead} returns (see {@link SignFrameDecoder.Builder#decodeScheduler}).
 *
 * <p>Thread-safe. Its threads are daemons; {@link #close} stops them.
 */
public final class DecodeScheduler implements AutoCloseable {
  /**
   * Most decoding time, in milliseconds of one thread, a connection that comes back with work (or a
   * new one) may be ahead of the least-served connection with work.
   */
  public static final int CREDIT_MILLIS = 500;

  private static final long CREDIT_NANOS = TimeUnit.MILLISECONDS.toNanos(CREDIT_MILLIS);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition waiting = lock.newCondition();

  /** Slices waiting for a thread, at most one per decoder; guarded by {@link #lock}. */
  private final List<Job> jobs = new ArrayList<>();

  private long submitted;

  /**
   * The least decoding time among the connections with work, never decreasing: where a connection
   * that comes back stands at most {@link #CREDIT_NANOS} behind. Guarded by lock.
   */
  private long floor;

  private final BlockingQueue<float[]> buffers;
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean closed;

  /** A scheduler with {@code threads} decoding threads, named {@code signcodec-decode-N}. */
  public DecodeScheduler(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads: " + threads + " (expected: > 0)");
    }
    buffers = new ArrayBlockingQueue<>(2 * threads);
    for (int i = 0; i < 2 * threads; i++) {
      buffers.add(new float[0]);
    }
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::work, "signcodec-decode-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  /** Decoding threads. */
  public int threads() {
    return workers.size();
  }

  /** Slices waiting for a thread (at most one per connection). */
  public int queued() {
    lock.lock();
    try {
      return jobs.size();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the threads; slices not yet decoded are dropped, and their decoders fail. */
  @Override
  public void close() {
    closed = true;
    for (Thread t : workers) {
      t.interrupt();
    }
    List<Job> dropped;
    lock.lock();
    try {
      dropped = new ArrayList<>(jobs);
      jobs.clear();
    } finally {
      lock.unlock();
    }
    for (Job job : dropped) {
      job.codes.release();
      fail(job, new RejectedExecutionException("decode scheduler closed"));
    }
  }

  /** One slice of verified codes: {@code codes} is the decoder's retained slice of its input. */
  static final class Job {
    final SignFrameDecoder owner;
    final LinearDecoder decoder;
    final ByteBuf codes;
    final int count;
    long order;

    /** Counted down once a thread has decoded it (into {@link #floats}, or failed). */
    final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    volatile float[] floats;
    volatile Throwable failure;

    /** Set by whoever passes the batch on: the event loop's task, or its owner at a close. */
    final java.util.concurrent.atomic.AtomicBoolean delivered =
        new java.util.concurrent.atomic.AtomicBoolean();

    Job(SignFrameDecoder owner, LinearDecoder decoder, ByteBuf codes, int count) {
      this.owner = owner;
      this.decoder = decoder;
      this.codes = codes;
      this.count = count;
    }
  }

  void submit(Job job) {
    if (closed) {
      job.codes.release();
      fail(job, new RejectedExecutionException("decode scheduler closed"));
      return;
    }
    lock.lock();
    try {
      job.order = submitted++;
      // Back with work: whatever it was owed while it had none is capped at the credit.
      job.owner.decodeNanos = Math.max(job.owner.decodeNanos, floor - CREDIT_NANOS);
      jobs.add(job);
      waiting.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes back a slice no thread has started, for its owner to decode itself; false if a thread has
   * it (then {@link Job#done} counts down when it is decoded).
   */
  boolean withdraw(Job job) {
    lock.lock();
    try {
      return jobs.remove(job);
    } finally {
      lock.unlock();
    }
  }

  /** Decodes {@code job}'s codes into {@code out}; {@code scratch} for codes not on the heap. */
  static byte[] decode(Job job, float[] out, byte[] scratch) {
    ByteBuf b = job.codes;
    int length = b.readableBytes();
    if (b.hasArray()) {
      job.decoder.decode(b.array(), b.arrayOffset() + b.readerIndex(), out, 0, job.count);
      return scratch;
    }
    byte[] codes = scratch.length < length ? new byte[length] : scratch;
    b.getBytes(b.readerIndex(), codes, 0, length);
    job.decoder.decode(codes, 0, out, 0, job.count);
    return codes;
  }

  /** The waiting slice whose connection has had the least decoding time. */
  private Job next() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (jobs.isEmpty()) {
        waiting.await();
      }
      int best = 0;
      for (int i = 1; i < jobs.size(); i++) {
        Job j = jobs.get(i);
        Job b = jobs.get(best);
        if (j.owner.decodeNanos < b.owner.decodeNanos
            || (j.owner.decodeNanos == b.owner.decodeNanos && j.order < b.order)) {
          best = i;
        }
      }
      Job job = jobs.remove(best);
      floor = Math.max(floor, job.owner.decodeNanos);
      return job;
    } finally {
      lock.unlock();
    }
  }

  private void charge(SignFrameDecoder owner, long nanos) {
    lock.lock();
    try {
      owner.decodeNanos += nanos;
    } finally {
      lock.unlock();
    }
  }

  private static void fail(Job job, Throwable failure) {
    job.failure = failure;
    job.done.countDown();
    try {
      job.owner
          .executor()
          .execute(
              () -> {
                if (job.delivered.compareAndSet(false, true)) {
                  job.owner.decoded(null, job.count, failure);
                }
              });
    } catch (RejectedExecutionException loopGone) {
      // The channel's loop is gone with its channel.
    }
  }

  /** Returns a batch's array once its batch has been passed on. */
  void recycle(float[] buffer) {
    buffers.offer(buffer);
  }

  private void work() {
    byte[] scratch = new byte[0];
    while (!closed) {
      float[] out;
      Job job;
      try {
        out = buffers.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        job = next();
      } catch (InterruptedException e) {
        buffers.offer(out);
        return;
      }
      Throwable failure = null;
      long started = System.nanoTime();
      try {
        if (job.owner.wanted()) {
          int floats = job.count * job.decoder.dimension();
          if (out.length < floats) {
            out = new float[floats];
          }
          scratch = decode(job, out, scratch);
        }
      } catch (Throwable t) {
        failure = t;
      } finally {
        job.codes.release();
      }
      charge(job.owner, System.nanoTime() - started);
      float[] decoded = out;
      job.floats = decoded;
      job.failure = failure;
      job.done.countDown();
      try {
        job.owner
            .executor()
            .execute(
                () -> {
                  try {
                    if (job.delivered.compareAndSet(false, true)) {
                      job.owner.decoded(decoded, job.count, job.failure);
                    }
                  } finally {
                    recycle(decoded);
                  }
                });
      } catch (RejectedExecutionException loopGone) {
        recycle(decoded);
      }
    }
  }

  /** For tests: waits until every thread has stopped, at most {@code millis}. */
  boolean awaitStopped(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (Thread t : workers) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
    return workers.stream().noneMatch(Thread::isAlive);
  }
}
