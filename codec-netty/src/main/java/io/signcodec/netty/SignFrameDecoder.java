package io.signcodec.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.stream.BlockFraming;
import io.signcodec.core.stream.BlockTooLargeException;
import io.signcodec.core.stream.CodebookMismatchException;
import io.signcodec.core.stream.StreamFormat;
import io.signcodec.core.stream.StreamHeader;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Decodes signcodec frames (docs/FORMAT.md §3) into {@link EmbeddingBatch}es.
 *
 * <p>A state machine: {@code HEADER → FRAME ⇄ SLICES → ENDED}, or {@code CORRUPTED}. With too few
 * bytes it waits; a frame is consumed only once all of it has arrived, so any fragmentation works.
 * Each block's length is computed in {@code long} from its count field and checked against {@code
 * maxFrameBytes} before anything is allocated, and its CRC32C over the whole block before any of
 * its vectors is produced.
 *
 * <h2>What one connection costs</h2>
 *
 * A frame is small on the wire and large decoded: a 16 MiB block of 1-byte codes at d = 64 is 4 GiB
 * of floats. So a verified block is decoded in slices of at most {@code max(1, maxBatchFloats / d)}
 * vectors, one {@link EmbeddingBatch} each, every slice passed down the pipeline before the next is
 * decoded. A connection therefore holds at most {@code maxFrameBytes} of undecoded input (in
 * Netty's cumulation buffer, which grows to the next power of two below 4 MiB and by steps of 4 MiB
 * above) and, while a slice is decoded, one batch of at most {@code 4 × maxBatchFloats} bytes. The
 * decoder keeps no batch once it is handed on (each has its own array). The default, {@value
 * #DEFAULT_MAX_BATCH_FLOATS} floats (4 MiB), lets 100 connections each hold one batch in flight in
 * 400 MiB, and a handler that lets each batch go after reading it keeps only one batch per
 * event-loop thread alive.
 *
 * <p>With a {@linkplain Builder#decodeScheduler decode scheduler}, the slices are decoded on the
 * scheduler's threads instead of the event loop, one at a time per connection and in turn with the
 * other connections, into arrays the scheduler lends; the channel is not read while its slice waits
 * or is decoded. What a connection holds is then its undecoded input only, and the decoded floats
 * of the whole server are bounded by the scheduler (see {@link DecodeScheduler}).
 *
 * <h2>Slow frames</h2>
 *
 * With a {@linkplain Builder#frameTimeout frame timeout}, a frame (the header or a block) that has
 * not fully arrived that long after its first bytes did fails the connection with a {@link
 * FrameTimeoutDecoderException}: checked when bytes arrive (a sender that drips a frame a byte at a
 * time) and by a timer on the event loop (a sender that stops in the middle of a frame). The clock
 * counts only what the peer is answerable for: not the time the channel was not being read because
 * the server chose not to (acknowledgements piling up under a {@link BackpressureHandler}, a slice
 * waiting for its {@link DecodeScheduler}), nor the time the event loop was too busy to run the
 * clock's own check. The decoder sees decrypted bytes only; over TLS put a {@link
 * TlsRecordTimeoutHandler} before the {@code SslHandler} to bound the ciphertext too. A peer that
 * sends nothing at all between frames is a read-idle timeout's job ({@code IdleStateHandler}).
 *
 * <h2>Errors</h2>
 *
 * {@link DecoderException}s: {@link CodebookMismatchDecoderException} when the header names another
 * codebook, {@link TooLongFrameException} for a block above the cap, {@link
 * CorruptedFrameException} for a bad checksum or garbage, {@link FrameTimeoutDecoderException} for
 * a frame that took too long, and {@link TruncatedStreamDecoderException} when the channel closes
 * before the end marker; the stream header's magic number is checked byte by byte as it arrives, so
 * that a client of another protocol is refused at its first wrong byte. Every batch decoded before
 * the error has been passed on. After an error the decoder discards all input and, unless built
 * with {@code closeOnError = false}, closes the channel. Keeps per-connection state, so it is not
 * {@code @Sharable}.
 */
public final class SignFrameDecoder extends ByteToMessageDecoder {
  /** Default cap on one frame: a full block of the largest size the format allows. */
  public static final int DEFAULT_MAX_FRAME_BYTES =
      Caps.MAX_BLOCK_BYTES + BlockFraming.BLOCK_OVERHEAD;

  /** Default cap on the floats of one emitted batch: 1 Mi floats, 4 MiB. */
  public static final int DEFAULT_MAX_BATCH_FLOATS = 1 << 20;

  private enum State {
    HEADER,
    FRAME,
    SLICES,
    ENDED,
    CORRUPTED
  }

  private final Codebook codebook;
  private final LinearDecoder decoder;
  private final int dimension;
  private final int codeBytes;
  private final BlockFraming framing;
  private final int sliceVectors;
  private final long frameTimeoutNanos;
  private final boolean closeOnError;
  private final DecodeScheduler scheduler;
  private final FrameClock clock;
  private byte[] scratch = new byte[0];
  private State state = State.HEADER;

  /** Vectors of the verified block in progress not yet passed on (state SLICES). */
  private int sliceLeft;

  private ChannelHandlerContext ctx;

  /** A slice is with the scheduler: nothing more is decoded until it has been passed on. */
  private boolean inFlight;

  /** The slice with the scheduler, while {@link #inFlight}. */
  private DecodeScheduler.Job current;

  /** The channel has closed: what is left is decoded here, as without a scheduler. */
  private boolean closing;

  /** Decoding time charged to this connection, as its scheduler counts it; guarded by it. */
  long decodeNanos;

  /** False once the decoder is removed or failed: a slice in flight is not worth decoding. */
  private volatile boolean wanted = true;

  private long blocks;
  private long vectors;

  /** Stream bytes consumed so far: the offset of the next frame, for messages. */
  private long offset;

  /** A decoder with the default caps, no frame timeout, that closes the channel on error. */
  public SignFrameDecoder(Codebook codebook) {
    this(builder(codebook));
  }

  /**
   * @param maxFrameBytes largest block accepted, in bytes including its count and checksum
   * @param closeOnError whether to close the channel after a decoding error
   */
  public SignFrameDecoder(Codebook codebook, int maxFrameBytes, boolean closeOnError) {
    this(builder(codebook).maxFrameBytes(maxFrameBytes).closeOnError(closeOnError));
  }

  /** A decoder that decodes with {@code decoder} (its codebook and options). */
  public SignFrameDecoder(LinearDecoder decoder, int maxFrameBytes, boolean closeOnError) {
    this(builder(decoder).maxFrameBytes(maxFrameBytes).closeOnError(closeOnError));
  }

  private SignFrameDecoder(Builder b) {
    this.decoder =
        b.scheduler != null && b.fromCodebook
            ? LinearDecoder.builder(b.decoder.codebook()).parallel(false).build()
            : b.decoder;
    this.codebook = decoder.codebook();
    this.dimension = codebook.dimension();
    this.codeBytes = codebook.codeBytes();
    int min = BlockFraming.BLOCK_OVERHEAD + codeBytes;
    if (b.maxFrameBytes < min || b.maxFrameBytes > DEFAULT_MAX_FRAME_BYTES) {
      throw new IllegalArgumentException(
          "maxFrameBytes: "
              + b.maxFrameBytes
              + " (expected: "
              + min
              + "-"
              + DEFAULT_MAX_FRAME_BYTES
              + ")");
    }
    this.framing =
        new BlockFraming(codeBytes, (b.maxFrameBytes - BlockFraming.BLOCK_OVERHEAD) / codeBytes);
    this.sliceVectors = Math.max(1, b.maxBatchFloats / dimension);
    this.frameTimeoutNanos = b.frameTimeoutNanos;
    this.closeOnError = b.closeOnError;
    this.scheduler = b.scheduler;
    this.clock = new FrameClock(frameTimeoutNanos, this::clockExpired);
  }

  /** Options for a decoder that decodes with {@code codebook}. */
  public static Builder builder(Codebook codebook) {
    return new Builder(LinearDecoder.of(Objects.requireNonNull(codebook, "codebook")), true);
  }

  /** Options for a decoder that decodes with {@code decoder} (its codebook and options). */
  public static Builder builder(LinearDecoder decoder) {
    return new Builder(Objects.requireNonNull(decoder, "decoder"), false);
  }

  /** Options for a {@link SignFrameDecoder}; {@link #build} checks them against the codebook. */
  public static final class Builder {
    private final LinearDecoder decoder;
    private final boolean fromCodebook;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private int maxBatchFloats = DEFAULT_MAX_BATCH_FLOATS;
    private long frameTimeoutNanos;
    private boolean closeOnError = true;
    private DecodeScheduler scheduler;

    private Builder(LinearDecoder decoder, boolean fromCodebook) {
      this.decoder = decoder;
      this.fromCodebook = fromCodebook;
    }

    /**
     * Largest block accepted, in bytes including its count and checksum: from {@code 8 + codeBytes}
     * to {@link #DEFAULT_MAX_FRAME_BYTES} (the default). This is what a connection may buffer
     * before anything is decoded.
     */
    public Builder maxFrameBytes(int maxFrameBytes) {
      this.maxFrameBytes = maxFrameBytes;
      return this;
    }

    /**
     * Most floats in one emitted batch (default {@link #DEFAULT_MAX_BATCH_FLOATS}); a larger block
     * comes as several batches. A batch always holds at least one vector, so with {@code
     * maxBatchFloats < d} every batch is one vector.
     */
    public Builder maxBatchFloats(int maxBatchFloats) {
      if (maxBatchFloats < 1) {
        throw new IllegalArgumentException(
            "maxBatchFloats: " + maxBatchFloats + " (expected: > 0)");
      }
      this.maxBatchFloats = maxBatchFloats;
      return this;
    }

    /**
     * Longest a frame may take to arrive after its first bytes did; 0 (the default) for no limit.
     * See the class documentation for what this catches.
     */
    public Builder frameTimeout(long timeout, TimeUnit unit) {
      if (timeout < 0) {
        throw new IllegalArgumentException("frameTimeout: " + timeout + " (expected: >= 0)");
      }
      this.frameTimeoutNanos = unit.toNanos(timeout);
      return this;
    }

    /**
     * Decodes the slices on {@code scheduler}'s threads, in turn with the other connections that
     * use it, instead of on the event loop; {@code null} (the default) decodes on the event loop. A
     * decoder built {@linkplain SignFrameDecoder#builder(Codebook) from a codebook} then decodes
     * each slice on one thread; one built from a {@link LinearDecoder} uses it as it is (build it
     * with {@code parallel(false)} to keep decoding within the scheduler's threads).
     *
     * <p>The batches lend their arrays: the array of a batch goes back to the scheduler when the
     * batch's {@code channelRead} returns, so a handler uses or copies the floats there and keeps
     * no reference to them.
     */
    public Builder decodeScheduler(DecodeScheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /** Whether to close the channel after a decoding error (default true). */
    public Builder closeOnError(boolean closeOnError) {
      this.closeOnError = closeOnError;
      return this;
    }

    public SignFrameDecoder build() {
      return new SignFrameDecoder(this);
    }
  }

  /**
   * Passes on at most one batch per call: ByteToMessageDecoder hands each batch down the pipeline
   * before calling again, so only one slice of a large block is ever decoded at a time.
   */
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    try {
      while (!inFlight) {
        switch (state) {
          case HEADER:
            checkMagic(in);
            if (in.readableBytes() < StreamFormat.HEADER_BYTES) {
              awaitMore(in);
              return;
            }
            readHeader(in);
            break;
          case FRAME:
            if (!readFrame(in)) {
              awaitMore(in);
              return;
            }
            break;
          case SLICES:
            if (scheduler != null && !closing) {
              submitSlice(in);
              break;
            }
            readSlice(in, out);
            return;
          case ENDED:
            if (in.isReadable()) {
              throw new CorruptedFrameException(
                  in.readableBytes()
                      + " bytes after the end"
                      + " marker (the stream ended at byte offset "
                      + offset
                      + ")");
            }
            return;
          default: // CORRUPTED: nothing more is read.
            in.skipBytes(in.readableBytes());
            return;
        }
      }
    } catch (DecoderException e) {
      corrupted(in);
      if (closeOnError) {
        // After the exception has gone through the pipeline, so handlers see it first.
        ctx.channel().eventLoop().execute(ctx::close);
      }
      throw e;
    }
  }

  private void corrupted(ByteBuf in) {
    state = State.CORRUPTED;
    wanted = false;
    clock.stop();
    in.skipBytes(in.readableBytes());
  }

  /** Refuses a stream whose first bytes are not the magic number, without waiting for more. */
  private static void checkMagic(ByteBuf in) {
    int have = Math.min(in.readableBytes(), StreamFormat.MAGIC_BYTES);
    for (int i = 0; i < have; i++) {
      if (in.getByte(in.readerIndex() + i) != StreamFormat.magicByte(i)) {
        MalformedInputException e =
            new MalformedInputException("not a signcodec stream: bad magic", i);
        throw new CorruptedFrameException("invalid stream header: " + e.getMessage(), e);
      }
    }
  }

  /** Starts or checks the clock of a frame that has begun to arrive but is not complete. */
  private void awaitMore(ByteBuf in) {
    if (!clock.enabled() || !in.isReadable()) {
      return;
    }
    long now = System.nanoTime();
    clock.start(ctx, now);
    if (clock.expired(now)) {
      throw timedOut(clock.counted(now), clock.notCounted(now), in.readableBytes());
    }
  }

  private FrameTimeoutDecoderException timedOut(long counted, long notCounted, int buffered) {
    return new FrameTimeoutDecoderException(
        String.format(
            "%s still incomplete %d ms after its first bytes arrived (%d bytes of it so far;"
                + " expected: within %d ms%s)",
            state == State.HEADER ? "stream header" : "frame " + where(),
            TimeUnit.NANOSECONDS.toMillis(counted),
            buffered,
            TimeUnit.NANOSECONDS.toMillis(frameTimeoutNanos),
            notCounted > TimeUnit.MILLISECONDS.toNanos(FrameClock.LAG_SLACK_MILLIS)
                ? "; the "
                    + TimeUnit.NANOSECONDS.toMillis(notCounted)
                    + " ms this connection was"
                    + " not being read are not counted"
                : ""));
  }

  /** The timer found the frame in arrival too old: fails the channel as decode would. */
  private void clockExpired(long counted, long notCounted) {
    if (state == State.CORRUPTED || state == State.ENDED || ctx.isRemoved()) {
      return;
    }
    ByteBuf in = internalBuffer();
    FrameTimeoutDecoderException e = timedOut(counted, notCounted, in.readableBytes());
    corrupted(in);
    ctx.fireExceptionCaught(e);
    if (closeOnError) {
      ctx.close();
    }
  }

  private void readHeader(ByteBuf in) {
    byte[] h = new byte[StreamFormat.HEADER_BYTES];
    in.getBytes(in.readerIndex(), h);
    StreamHeader header;
    try {
      header = StreamHeader.parse(h);
      header.check(codebook);
    } catch (CodebookMismatchException e) {
      throw new CodebookMismatchDecoderException(e.getMessage(), e);
    } catch (MalformedInputException e) {
      throw new CorruptedFrameException("invalid stream header: " + e.getMessage(), e);
    }
    in.skipBytes(StreamFormat.HEADER_BYTES);
    offset = StreamFormat.HEADER_BYTES;
    clock.stop();
    state = State.FRAME;
  }

  /**
   * Takes in the end marker, or verifies a block and moves to SLICES with its count field consumed,
   * if all of the frame is there; false to wait for more.
   */
  private boolean readFrame(ByteBuf in) {
    if (in.readableBytes() < BlockFraming.COUNT_BYTES) {
      return false;
    }
    int at = in.readerIndex();
    int count;
    try {
      count = framing.checkCount(in.getUnsignedIntLE(at), blocks, offset);
    } catch (BlockTooLargeException e) {
      throw new TooLongFrameException(e.getMessage(), e);
    }
    if (count == 0) {
      return readEnd(in);
    }
    // In long: a u32 count times the code size overflows int long before it reaches the cap.
    long len = framing.blockBytes(count);
    if (in.readableBytes() < len) {
      return false;
    }
    try {
      framing.checkBlock(in.nioBuffer(at, (int) len), blocks, offset);
    } catch (MalformedInputException e) {
      throw new CorruptedFrameException(e.getMessage(), e);
    }
    in.skipBytes(BlockFraming.COUNT_BYTES);
    offset += len;
    sliceLeft = count;
    clock.stop();
    state = State.SLICES;
    return true;
  }

  private boolean readEnd(ByteBuf in) {
    if (in.readableBytes() < StreamFormat.END_BYTES) {
      return false;
    }
    try {
      framing.checkEnd(
          in.nioBuffer(in.readerIndex(), StreamFormat.END_BYTES), blocks, vectors, offset);
    } catch (MalformedInputException e) {
      throw new CorruptedFrameException(e.getMessage(), e);
    }
    in.skipBytes(StreamFormat.END_BYTES);
    offset += StreamFormat.END_BYTES;
    clock.stop();
    state = State.ENDED;
    return true;
  }

  /** Decodes and passes on the next slice of the verified block; its checksum after the last. */
  private void readSlice(ByteBuf in, List<Object> out) {
    int m = Math.min(sliceLeft, sliceVectors);
    int codeLength = m * codeBytes;
    byte[] codes;
    int codesOff;
    if (in.hasArray()) {
      codes = in.array();
      codesOff = in.arrayOffset() + in.readerIndex();
    } else {
      if (scratch.length < codeLength) {
        scratch = new byte[codeLength];
      }
      in.getBytes(in.readerIndex(), scratch, 0, codeLength);
      codes = scratch;
      codesOff = 0;
    }
    float[] decoded = new float[m * dimension];
    decoder.decode(codes, codesOff, decoded, 0, m);
    in.skipBytes(codeLength);
    sliceLeft -= m;
    vectors += m;
    if (sliceLeft == 0) {
      in.skipBytes(4); // the block's checksum, verified before the first slice
      blocks++;
      state = State.FRAME;
    }
    out.add(new EmbeddingBatch(dimension, m, decoded));
  }

  /**
   * Hands the next slice of the verified block to the scheduler and pauses reading until it has
   * been decoded and passed on ({@link #decoded}).
   */
  private void submitSlice(ByteBuf in) {
    int m = Math.min(sliceLeft, sliceVectors);
    ByteBuf codes = in.retainedSlice(in.readerIndex(), m * codeBytes);
    in.skipBytes(m * codeBytes);
    sliceLeft -= m;
    if (sliceLeft == 0) {
      in.skipBytes(4); // the block's checksum, verified before the first slice
      blocks++;
      state = State.FRAME;
    }
    inFlight = true;
    ReadGate.of(ctx.channel()).set(ReadGate.DECODING, true, System.nanoTime());
    current = new DecodeScheduler.Job(this, decoder, codes, m);
    scheduler.submit(current);
  }

  /** For the scheduler: whether a slice of this decoder is still worth decoding. */
  boolean wanted() {
    return wanted;
  }

  /** For the scheduler: the event loop that {@link #decoded} must run on. */
  Executor executor() {
    return ctx.executor();
  }

  /**
   * On the event loop, when the scheduler has decoded a slice into {@code floats} (lent until this
   * returns): passes it on, then decodes what else has arrived meanwhile.
   */
  void decoded(float[] floats, int count, Throwable failure) {
    inFlight = false;
    current = null;
    if (ctx.isRemoved() || state == State.CORRUPTED) {
      return;
    }
    if (failure != null) {
      corrupted(internalBuffer());
      ctx.fireExceptionCaught(
          failure instanceof DecoderException
              ? failure
              : new DecoderException("decoding failed " + where() + ": " + failure, failure));
      if (closeOnError) {
        ctx.close();
      }
      return;
    }
    vectors += count;
    ctx.fireChannelRead(new EmbeddingBatch(dimension, count, floats));
    ctx.fireChannelReadComplete();
    if (closing) {
      return; // channelInactive decodes the rest
    }
    if (!ctx.isRemoved() && internalBuffer().isReadable()) {
      try {
        channelRead(ctx, Unpooled.EMPTY_BUFFER); // what arrived while the slice was decoded
      } catch (Exception e) {
        ctx.fireExceptionCaught(e);
      }
    }
    if (!inFlight) {
      ReadGate.of(ctx.channel()).set(ReadGate.DECODING, false, System.nanoTime());
    }
  }

  /**
   * At the close, the slice with the scheduler is passed on here: taken back and decoded if no
   * thread has started it, else awaited (one slice's decoding).
   */
  private void finishInFlight() throws InterruptedException {
    DecodeScheduler.Job job = current;
    if (scheduler.withdraw(job)) {
      float[] floats = null;
      Throwable failure = null;
      try {
        floats = new float[job.count * dimension];
        DecodeScheduler.decode(job, floats, new byte[0]);
      } catch (Throwable t) {
        failure = t;
      } finally {
        job.codes.release();
      }
      job.delivered.set(true);
      decoded(floats, job.count, failure);
      return;
    }
    job.done.await();
    if (job.delivered.compareAndSet(false, true)) {
      // Its array goes back to the scheduler when the thread's own task runs, after this.
      decoded(job.floats, job.count, job.failure);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    super.handlerAdded(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    wanted = false;
    clock.stop();
    if (inFlight) {
      // The slice's batch will not be passed on: reading must not wait for it.
      ReadGate.of(ctx.channel()).set(ReadGate.DECODING, false, System.nanoTime());
    }
    super.handlerRemoved0(ctx);
  }

  /**
   * At the close, the input that arrived before it is decoded and passed on first, then the close
   * (and a stream cut short reported), as without a scheduler: with one, the slice it has is passed
   * on here (waiting for at most that slice's decoding if a thread has started it), and what is
   * left is decoded on the event loop, as the pipeline goes away with the channel.
   */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    clock.stop();
    if (scheduler != null) {
      closing = true;
      if (inFlight) {
        finishInFlight();
      }
    }
    super.channelInactive(ctx);
  }

  /**
   * While a slice is with the scheduler the decoder produces nothing, and the channel is paused:
   * {@code ByteToMessageDecoder} would ask for another read then, which must wait.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (inFlight) {
      ctx.fireChannelReadComplete();
      return;
    }
    super.channelReadComplete(ctx);
  }

  /** Where in the stream the next frame stands, for messages. */
  private String where() {
    return BlockFraming.after(blocks);
  }

  /**
   * ByteToMessageDecoder calls this on close after decoding everything that arrived, so what is
   * left is an incomplete frame, or nothing. It is not decoded again here: that could put more than
   * one batch in {@code out} at once, and a frame timeout would hide the truncation.
   */
  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (state == State.FRAME || (state == State.HEADER && in.isReadable())) {
      State was = state;
      state = State.CORRUPTED;
      int left = in.readableBytes();
      in.skipBytes(left);
      throw new TruncatedStreamDecoderException(
          was == State.HEADER
              ? "connection closed inside the stream header ("
                  + left
                  + " of "
                  + StreamFormat.HEADER_BYTES
                  + " bytes)"
              : "connection closed "
                  + where()
                  + (blocks == 0 ? " " : " (" + vectors + " vectors) ")
                  + (left > 0
                      ? "inside a frame (" + left + " bytes of it arrived)"
                      : "without the end marker"));
    }
  }

  /** Vectors decoded on this connection. */
  public long vectorsRead() {
    return vectors;
  }

  /** Whether the end marker has arrived. */
  public boolean ended() {
    return state == State.ENDED;
  }

  /** Most vectors in one emitted batch. */
  public int maxBatchVectors() {
    return sliceVectors;
  }
}
