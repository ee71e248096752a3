package io.signcodec.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.stream.StreamFormat;
import io.signcodec.core.stream.StreamHeader;
import io.signcodec.core.train.CodebookTrainer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The decoder against frames built to hurt it: huge counts, huge decoded sizes, drips. */
class HostileFrameTest {
  static {
    LeakRecorder.install();
  }

  private static final Codebook CODEBOOK =
      CodebookTrainer.builder().bits(21).seed(3).build().isotropic(16);

  /** A block frame: count, the codes, CRC32C of both. */
  static byte[] block(int count, byte[] codes) {
    byte[] frame = new byte[8 + codes.length];
    frame[0] = (byte) count;
    frame[1] = (byte) (count >>> 8);
    frame[2] = (byte) (count >>> 16);
    frame[3] = (byte) (count >>> 24);
    System.arraycopy(codes, 0, frame, 4, codes.length);
    CRC32C crc = new CRC32C();
    crc.update(frame, 0, 4 + codes.length);
    int c = (int) crc.getValue();
    for (int i = 0; i < 4; i++) {
      frame[4 + codes.length + i] = (byte) (c >>> (8 * i));
    }
    return frame;
  }

  static byte[] randomCodes(int count, Codebook codebook, long seed) {
    byte[] codes = new byte[count * codebook.codeBytes()];
    new Random(seed).nextBytes(codes);
    return codes;
  }

  static ByteBuf header(Codebook codebook) {
    return Unpooled.wrappedBuffer(StreamHeader.of(codebook).toBytes());
  }

  @Test
  void countsThatOverflowIntArithmeticAreRefusedFromTheCountAlone() {
    int code = CODEBOOK.codeBytes();
    long max = (SignFrameDecoder.DEFAULT_MAX_FRAME_BYTES - 8) / code;
    // u32 max (-1 as an int), 2^31 (negative as an int), 2^31 / 3 + 1 (count × 3 overflows
    // int), and one above the cap.
    for (long count : new long[] {0xFFFF_FFFFL, 1L << 31, (1L << 31) / code + 1, max + 1}) {
      EmbeddedChannel ch =
          new EmbeddedChannel(SignFrameDecoder.builder(CODEBOOK).closeOnError(false).build());
      ch.writeInbound(header(CODEBOOK));
      ByteBuf countField = Unpooled.buffer(4).writeIntLE((int) count);
      TooLongFrameException e =
          assertThrows(TooLongFrameException.class, () -> ch.writeInbound(countField));
      assertEquals(
          "block 0 declares "
              + count
              + " vectors, "
              + (8 + count * code)
              + " bytes (expected: 1-"
              + max
              + " vectors, at most "
              + (8 + max * code)
              + " bytes) (at byte offset 32)",
          e.getMessage());
      assertEquals(0, countField.refCnt());
      // Latched: later input, even a valid block, is discarded.
      ByteBuf later = Unpooled.wrappedBuffer(block(1, randomCodes(1, CODEBOOK, 1)));
      ch.writeInbound(later);
      assertNull(ch.readInbound());
      assertEquals(0, later.refCnt());
      assertFalse(ch.finish());
    }
  }

  /**
   * The smallest rate at the largest frame: 2^24 one-byte codes at d = 64 (r = 0.125), 4 GiB of
   * floats if decoded at once. Between two batches the decoder allocates one batch, at most {@link
   * SignFrameDecoder#DEFAULT_MAX_BATCH_FLOATS} floats, and nothing of the size of the frame. The
   * first batches are compared with the library and the rest left undecoded (the handler removes
   * the decoder), which keeps the test short.
   */
  @Test
  void aFrameAtTheCapAtTheSmallestRateDecodesInBoundedSlices() {
    int d = 64;
    Codebook tiny = CodebookTrainer.builder().rate(0.125).seed(5).build().isotropic(d);
    assertEquals(1, tiny.codeBytes());
    int count = Caps.maxBlockVectors(1);
    byte[] frame = block(count, randomCodes(count, tiny, 2));
    assertEquals(SignFrameDecoder.DEFAULT_MAX_FRAME_BYTES, frame.length);

    LinearDecoder library = LinearDecoder.builder(tiny).parallel(false).build();
    BatchRecorder recorder = new BatchRecorder(8);
    EmbeddedChannel ch = new EmbeddedChannel(SignFrameDecoder.builder(library).build(), recorder);
    ch.writeInbound(header(tiny));
    ByteBuf wire = Unpooled.wrappedBuffer(frame);
    recorder.start();
    ch.writeInbound(wire);
    assertEquals(0, wire.refCnt());

    int perBatch = SignFrameDecoder.DEFAULT_MAX_BATCH_FLOATS / d;
    assertEquals(8, recorder.batches.size());
    long batchBytes = 4L * SignFrameDecoder.DEFAULT_MAX_BATCH_FLOATS;
    for (int i = 0; i < 8; i++) {
      EmbeddingBatch b = recorder.batches.get(i);
      assertEquals(perBatch, b.count());
      float[] expected = new float[perBatch * d];
      library.decode(frame, 4 + i * perBatch, expected, 0, perBatch);
      assertArrayEquals(RateFormMatrixTest.bits(expected), RateFormMatrixTest.bits(b.vectors()));
      // The batch array plus a little: headers, the EmbeddingBatch, Netty's bookkeeping.
      assertTrue(
          recorder.allocated.get(i) < batchBytes + (256 << 10),
          "batch " + i + ": " + recorder.allocated.get(i) + " bytes allocated");
      assertTrue(recorder.allocated.get(i) >= batchBytes, recorder.allocated.toString());
    }
    ch.finishAndReleaseAll();
  }

  /**
   * d = 1024, an 8-bit structured codebook: 1-byte codes, so a block of 2^21 + 3 vectors is only 2
   * MiB on the wire, yet count × d overflows int (it was a NegativeArraySizeException).
   */
  @Test
  void aFrameWhoseDecodedSizeOverflowsAnIntDecodes() {
    int d = 1024;
    Codebook wide = CodebookTrainer.builder().bits(8).structured().seed(9).build().isotropic(d);
    assertTrue(wide.isStructured());
    int count = (1 << 21) + 3;
    assertTrue((long) count * d > Integer.MAX_VALUE);
    byte[] frame = block(count, randomCodes(count, wide, 4));
    BatchRecorder recorder = new BatchRecorder(3);
    EmbeddedChannel ch = new EmbeddedChannel(new SignFrameDecoder(wide), recorder);
    ch.writeInbound(header(wide));
    ch.writeInbound(Unpooled.wrappedBuffer(frame));
    assertEquals(3, recorder.batches.size());
    LinearDecoder library = LinearDecoder.of(wide);
    for (int i = 0; i < 3; i++) {
      EmbeddingBatch b = recorder.batches.get(i);
      assertEquals(SignFrameDecoder.DEFAULT_MAX_BATCH_FLOATS / d, b.count());
      float[] expected = new float[b.count() * d];
      library.decode(frame, 4 + i * b.count(), expected, 0, b.count());
      assertArrayEquals(RateFormMatrixTest.bits(expected), RateFormMatrixTest.bits(b.vectors()));
    }
    ch.finishAndReleaseAll();
  }

  @Test
  void aBlockLargerThanABatchArrivesInSlicesAfterItsChecksum() {
    int d = 16;
    SignFrameDecoder decoder = SignFrameDecoder.builder(CODEBOOK).maxBatchFloats(4 * d + 3).build();
    assertEquals(4, decoder.maxBatchVectors());
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    byte[] codes = randomCodes(10, CODEBOOK, 6);
    ch.writeInbound(header(CODEBOOK));
    byte[] frame = block(10, codes);
    // Nothing comes out until the last byte (the checksum) is there.
    ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, frame.length - 1));
    assertNull(ch.readInbound());
    ch.writeInbound(Unpooled.wrappedBuffer(frame, frame.length - 1, 1));
    float[] expected = new float[10 * d];
    LinearDecoder.of(CODEBOOK).decode(codes, 0, expected, 0, 10);
    int[] counts = {4, 4, 2};
    for (int i = 0, first = 0; i < counts.length; first += counts[i], i++) {
      EmbeddingBatch b = ch.readInbound();
      assertEquals(counts[i], b.count());
      assertArrayEquals(
          Arrays.copyOfRange(expected, first * d, (first + counts[i]) * d),
          Arrays.copyOf(b.vectors(), counts[i] * d));
    }
    assertNull(ch.readInbound());
    assertEquals(10, decoder.vectorsRead());
    // A corrupt block yields nothing at all, not the slices before the damage.
    byte[] bad = block(10, codes);
    bad[20] ^= 1;
    assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(bad)));
    assertNull(ch.readInbound());
    assertFalse(ch.finish());
  }

  /**
   * Lets {@code ch}'s event loop run its timers for {@code millis}, as an idle loop does (an
   * EmbeddedChannel runs them only when asked).
   */
  static void idle(EmbeddedChannel ch, long millis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (int i = 0; i < 10_000 && System.nanoTime() < end; i++) {
      Thread.sleep(2);
      ch.runScheduledPendingTasks();
    }
  }

  /**
   * Runs the channel's timers until it closes, for at most {@code maxMillis}. A frame clock does
   * not count the time its own checks ran late, so on a loaded machine expiry may take longer than
   * the timeout; the loop waits for it rather than for a fixed time.
   */
  static void idleUntilClosed(EmbeddedChannel ch, long maxMillis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
    for (int i = 0; i < 100_000 && ch.isOpen() && System.nanoTime() < end; i++) {
      Thread.sleep(2);
      ch.runScheduledPendingTasks();
    }
  }

  /** What a timeout message may add when the event loop lagged: the time not counted. */
  static final String LAG = "(; the \\d+ ms this connection was not being read are not counted)?";

  @Test
  void aDripIsCutOffOnceAFrameOutlivesTheFrameTimeout() throws Exception {
    SignFrameDecoder decoder =
        SignFrameDecoder.builder(CODEBOOK).frameTimeout(200, TimeUnit.MILLISECONDS).build();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    ch.writeInbound(header(CODEBOOK));
    byte[] frame = block(2, randomCodes(2, CODEBOOK, 7));
    ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, 1));
    ch.writeInbound(Unpooled.wrappedBuffer(frame, 1, 1));
    // The sender stops in the middle of the frame: the clock's own timer closes it.
    idleUntilClosed(ch, 10_000);
    FrameTimeoutDecoderException e =
        assertThrows(FrameTimeoutDecoderException.class, ch::checkException);
    assertTrue(
        e.getMessage()
            .matches(
                "frame before any block still incomplete \\d+ ms after its"
                    + " first bytes arrived \\(2 bytes of it so far; expected: within 200 ms"
                    + LAG
                    + "\\)"),
        e.getMessage());
    assertFalse(ch.isOpen());
    assertNull(ch.readInbound());

    // The header counts as a frame too.
    EmbeddedChannel head =
        new EmbeddedChannel(
            SignFrameDecoder.builder(CODEBOOK).frameTimeout(200, TimeUnit.MILLISECONDS).build());
    byte[] h = StreamHeader.of(CODEBOOK).toBytes();
    head.writeInbound(Unpooled.wrappedBuffer(h, 0, 5));
    idleUntilClosed(head, 10_000);
    FrameTimeoutDecoderException eh =
        assertThrows(FrameTimeoutDecoderException.class, head::checkException);
    assertTrue(eh.getMessage().startsWith("stream header still incomplete "), eh.getMessage());
    assertFalse(head.isOpen());

    // A fast byte-by-byte sender is not a drip: each frame completes within the timeout.
    SignFrameDecoder patient =
        SignFrameDecoder.builder(CODEBOOK).frameTimeout(10, TimeUnit.SECONDS).build();
    EmbeddedChannel fine = new EmbeddedChannel(patient);
    byte[] all = concat(h, frame, block(1, randomCodes(1, CODEBOOK, 8)), end(3));
    for (int i = 0; i < all.length; i++) {
      fine.writeInbound(Unpooled.wrappedBuffer(all, i, 1));
    }
    assertTrue(patient.ended());
    assertEquals(3, patient.vectorsRead());
    fine.finishAndReleaseAll();
  }

  /**
   * The frame clock blames the peer only for the peer's time: not while the server has paused the
   * channel (here as BackpressureHandler does), nor while the event loop was too busy to run the
   * clock's check (here: no task runs for 500 ms, then bytes arrive).
   */
  @Test
  void theFrameClockDoesNotCountTheServersOwnDelays() throws Exception {
    byte[] frame = block(2, randomCodes(2, CODEBOOK, 7));
    SignFrameDecoder decoder =
        SignFrameDecoder.builder(CODEBOOK).frameTimeout(200, TimeUnit.MILLISECONDS).build();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    ch.writeInbound(header(CODEBOOK));
    ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, 1));
    ReadGate.of(ch).set(ReadGate.WRITE_BACKLOG, true, System.nanoTime());
    assertFalse(ch.config().isAutoRead());
    idle(ch, 500);
    ch.checkException();
    assertTrue(ch.isOpen(), "closed while the server itself was not reading");
    ReadGate.of(ch).set(ReadGate.WRITE_BACKLOG, false, System.nanoTime());
    assertTrue(ch.config().isAutoRead());
    ch.writeInbound(Unpooled.wrappedBuffer(frame, 1, frame.length - 1));
    assertEquals(2, ((EmbeddingBatch) ch.readInbound()).count());

    // A busy loop: the bytes of the next frame arrive, nothing runs for 500 ms, more arrive.
    ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, 1));
    Thread.sleep(500);
    ch.writeInbound(Unpooled.wrappedBuffer(frame, 1, 1));
    ch.checkException();
    assertTrue(ch.isOpen(), "closed for the loop's own delay");
    // The peer's own time still counts: an idle loop, and the frame stays incomplete.
    idleUntilClosed(ch, 10_000);
    FrameTimeoutDecoderException e =
        assertThrows(FrameTimeoutDecoderException.class, ch::checkException);
    assertTrue(
        e.getMessage().contains("ms this connection was not being read are not counted"),
        e.getMessage());
    assertFalse(ch.isOpen());
  }

  /** A client of another protocol is refused at its first wrong byte, not after 32 bytes. */
  @Test
  void aWrongMagicIsRefusedAtItsFirstByte() {
    EmbeddedChannel ch = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK));
    CorruptedFrameException e =
        assertThrows(
            CorruptedFrameException.class,
            () ->
                ch.writeInbound(
                    Unpooled.wrappedBuffer(
                        "GET / HTTP/1.1\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    assertEquals(
        "invalid stream header: not a signcodec stream: bad magic (at byte offset 0)",
        e.getMessage());
    EmbeddedChannel late = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK));
    late.writeInbound(Unpooled.wrappedBuffer(StreamFormat.magic(), 0, 3));
    CorruptedFrameException e3 =
        assertThrows(
            CorruptedFrameException.class,
            () -> late.writeInbound(Unpooled.wrappedBuffer(new byte[] {'X'})));
    assertTrue(e3.getMessage().endsWith("bad magic (at byte offset 3)"), e3.getMessage());
    assertFalse(late.isOpen());
  }

  /** A TLS record dripped before the SslHandler: the ciphertext is bounded too. */
  @Test
  void aDrippedTlsRecordIsCutOffAtTheRecordTimeout() throws Exception {
    byte[] record = new byte[5 + 300];
    record[0] = 23; // application data
    record[1] = 3;
    record[2] = 3;
    record[3] = 1; // length 300
    record[4] = 44;
    List<Object> passed = new ArrayList<>();
    java.util.function.Supplier<ChannelInboundHandlerAdapter> sink =
        () ->
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passed.add(((ByteBuf) msg).readableBytes());
                ReferenceCountUtil.release(msg);
              }
            };
    // Whole records, and one cut in two that completes at once: never a timeout.
    EmbeddedChannel fine =
        new EmbeddedChannel(new TlsRecordTimeoutHandler(200, TimeUnit.MILLISECONDS), sink.get());
    for (int i = 0; i < 3; i++) {
      fine.writeInbound(Unpooled.wrappedBuffer(record));
    }
    fine.writeInbound(Unpooled.wrappedBuffer(record, 0, 3));
    fine.writeInbound(Unpooled.wrappedBuffer(record, 3, record.length - 3));
    idle(fine, 400);
    fine.checkException();
    assertTrue(fine.isOpen());
    assertEquals(List.of(305, 305, 305, 3, 302), passed);

    // Dripped: each byte passes on at once, but the record does not complete in time.
    EmbeddedChannel drip =
        new EmbeddedChannel(new TlsRecordTimeoutHandler(200, TimeUnit.MILLISECONDS), sink.get());
    drip.writeInbound(Unpooled.wrappedBuffer(record));
    for (int i = 0; i < 7; i++) {
      drip.writeInbound(Unpooled.wrappedBuffer(record, i, 1));
      idle(drip, 20);
    }
    idleUntilClosed(drip, 10_000);
    FrameTimeoutDecoderException e =
        assertThrows(FrameTimeoutDecoderException.class, drip::checkException);
    assertTrue(
        e.getMessage()
            .matches(
                "TLS record 2 still incomplete \\d+ ms after its first"
                    + " byte arrived \\(7 of 305 bytes of it so far; expected: within 200 ms"
                    + LAG
                    + "\\)"),
        e.getMessage());
    assertFalse(drip.isOpen());

    // Not TLS at all: passed on unwatched, for the SslHandler to refuse.
    EmbeddedChannel plain =
        new EmbeddedChannel(new TlsRecordTimeoutHandler(200, TimeUnit.MILLISECONDS), sink.get());
    plain.writeInbound(Unpooled.wrappedBuffer(StreamFormat.magic(), 0, 2));
    idle(plain, 300);
    plain.checkException();
    assertTrue(plain.isOpen());
  }

  @Test
  void errorsBeforeAnyBlockSaySo() {
    byte[] badEnd = end(0);
    badEnd[13] ^= 1;
    EmbeddedChannel ch = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK));
    ch.writeInbound(header(CODEBOOK));
    CorruptedFrameException e =
        assertThrows(
            CorruptedFrameException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(badEnd)));
    assertEquals(
        "end marker before any block is corrupt (CRC32C mismatch) (at byte offset 32)",
        e.getMessage());

    EmbeddedChannel cut = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK));
    cut.writeInbound(header(CODEBOOK));
    TruncatedStreamDecoderException t =
        assertThrows(TruncatedStreamDecoderException.class, cut::finish);
    assertEquals("connection closed before any block without the end marker", t.getMessage());

    EmbeddedChannel mid = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK));
    mid.writeInbound(header(CODEBOOK));
    mid.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 0}));
    assertEquals(
        "connection closed before any block inside a frame (2 bytes of it arrived)",
        assertThrows(TruncatedStreamDecoderException.class, mid::finish).getMessage());
  }

  @Test
  void connectionsBeyondTheLimitAreClosedBeforeAnythingIsRead() {
    ConnectionLimitHandler limit = new ConnectionLimitHandler(2);
    List<Throwable> errors = new ArrayList<>();
    ChannelInboundHandlerAdapter catcher =
        new ChannelInboundHandlerAdapter() {
          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
          }

          @Override
          public boolean isSharable() {
            return true;
          }
        };
    EmbeddedChannel a = new EmbeddedChannel(limit, catcher);
    EmbeddedChannel b = new EmbeddedChannel(limit, catcher);
    assertEquals(2, limit.openConnections());
    EmbeddedChannel c = new EmbeddedChannel(limit, catcher);
    assertFalse(c.isOpen());
    assertEquals(1, errors.size());
    assertInstanceOf(ConnectionLimitHandler.TooManyConnectionsException.class, errors.get(0));
    assertEquals("connection limit reached (2 open): closed", errors.get(0).getMessage());
    assertEquals(2, limit.openConnections());
    a.close();
    assertEquals(1, limit.openConnections());
    EmbeddedChannel d = new EmbeddedChannel(limit, catcher);
    assertTrue(d.isOpen());
    assertEquals(1, errors.size());
    b.finishAndReleaseAll();
    d.finishAndReleaseAll();
    assertEquals(0, limit.openConnections());
  }

  static byte[] end(long total) {
    byte[] e = new byte[StreamFormat.END_BYTES];
    for (int i = 0; i < 8; i++) {
      e[4 + i] = (byte) (total >>> (8 * i));
    }
    CRC32C crc = new CRC32C();
    crc.update(e, 0, 12);
    int c = (int) crc.getValue();
    for (int i = 0; i < 4; i++) {
      e[12 + i] = (byte) (c >>> (8 * i));
    }
    return e;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  /**
   * Keeps the first {@code keep} batches and the bytes this thread allocated before each, then
   * removes the decoder, which stops decoding the rest (it forwards the undecoded bytes, which are
   * released here).
   */
  static final class BatchRecorder extends ChannelInboundHandlerAdapter {
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    final int keep;
    final List<EmbeddingBatch> batches = new ArrayList<>();
    final List<Long> allocated = new ArrayList<>();
    private long mark;

    BatchRecorder(int keep) {
      this.keep = keep;
    }

    void start() {
      mark = THREADS.getCurrentThreadAllocatedBytes();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof EmbeddingBatch)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      long now = THREADS.getCurrentThreadAllocatedBytes();
      allocated.add(now - mark);
      batches.add((EmbeddingBatch) msg);
      if (batches.size() == keep) {
        ctx.pipeline().remove(SignFrameDecoder.class);
      }
      mark = THREADS.getCurrentThreadAllocatedBytes();
    }
  }
}
