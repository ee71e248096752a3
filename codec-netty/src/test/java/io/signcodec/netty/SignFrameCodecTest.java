package io.signcodec.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.signcodec.core.Codebook;
import io.signcodec.core.TestData;
import io.signcodec.core.stream.SignStreamReader;
import io.signcodec.core.train.CodebookTrainer;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The frame encoder and decoder on EmbeddedChannel, with every kind of fragmentation. */
class SignFrameCodecTest {
  static {
    LeakRecorder.install();
  }

  private static final int D = 16;
  private static final Codebook CODEBOOK =
      CodebookTrainer.builder().bits(21).seed(3).build().isotropic(D);
  private static final int CODE = CODEBOOK.codeBytes();

  static float[] vectors(int count, long seed) {
    return TestData.isotropic(count, D, seed);
  }

  static float[] libraryDecode(float[] x) {
    return TestData.libraryDecode(CODEBOOK, x);
  }

  /** The wire bytes of three batches (5, 0 and 9 vectors) in blocks of 4, and the end marker. */
  static byte[] wire(float[] x) {
    EmbeddedChannel ch = new EmbeddedChannel(new SignFrameEncoder(CODEBOOK, 4));
    assertTrue(ch.writeOutbound(new EmbeddingBatch(D, 5, x)));
    ch.writeOutbound(new EmbeddingBatch(D, 0, new float[0]));
    ch.writeOutbound(new EmbeddingBatch(D, 9, Arrays.copyOfRange(x, 5 * D, 14 * D)));
    ch.close();
    byte[] all = drain(ch);
    assertFalse(ch.finish());
    return all;
  }

  /** Every byte the channel wrote, its buffers released. */
  static byte[] drain(EmbeddedChannel ch) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      byte[] a = new byte[b.readableBytes()];
      b.readBytes(a);
      b.release();
      bytes.writeBytes(a);
    }
    return bytes.toByteArray();
  }

  /** Feeds {@code bytes} cut at {@code cuts} and returns every vector decoded, in order. */
  static float[] feed(EmbeddedChannel ch, byte[] bytes, int[] cuts, boolean direct) {
    List<ByteBuf> fed = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : bytes.length;
      ByteBufAllocator alloc = UnpooledByteBufAllocator.DEFAULT;
      ByteBuf piece = direct ? alloc.directBuffer(to - from) : alloc.heapBuffer(to - from);
      piece.writeBytes(bytes, from, to - from);
      fed.add(piece);
      ch.writeInbound(piece);
      from = to;
    }
    for (ByteBuf b : fed) {
      assertEquals(0, b.refCnt(), "the decoder released its input");
    }
    return collect(ch);
  }

  static float[] collect(EmbeddedChannel ch) {
    List<Float> out = new ArrayList<>();
    EmbeddingBatch batch;
    while ((batch = ch.readInbound()) != null) {
      assertEquals(D, batch.dimension());
      for (int i = 0; i < batch.count() * D; i++) {
        out.add(batch.vectors()[i]);
      }
    }
    float[] f = new float[out.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = out.get(i);
    }
    return f;
  }

  @Test
  void theWireIsTheContainerFormat() throws Exception {
    float[] x = vectors(14, 1);
    byte[] bytes = wire(x);
    // 32 header + blocks of 4, 1 | 4, 4, 1 + 16 end marker.
    assertEquals(32 + 5 * 8 + 14 * CODE + 16, bytes.length);
    SignStreamReader r = new SignStreamReader(new ByteArrayInputStream(bytes), CODEBOOK);
    float[] back = new float[15 * D];
    int n = 0;
    int m;
    while ((m = r.read(back, n * D, 15 - n)) > 0) {
      n += m;
    }
    assertEquals(14, n);
    assertTrue(r.complete());
    assertArrayEquals(libraryDecode(x), Arrays.copyOf(back, 14 * D));
  }

  @Test
  void everySplitPointAndBufferKindDecodesTheSame() {
    float[] x = vectors(14, 2);
    byte[] bytes = wire(x);
    float[] expected = libraryDecode(x);
    for (boolean direct : new boolean[] {false, true}) {
      for (int cut = 0; cut <= bytes.length; cut++) {
        SignFrameDecoder decoder = new SignFrameDecoder(CODEBOOK);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        assertArrayEquals(expected, feed(ch, bytes, new int[] {cut}, direct), "cut " + cut);
        assertTrue(decoder.ended());
        assertEquals(14, decoder.vectorsRead());
        assertFalse(ch.finish());
      }
    }
  }

  @Test
  void byteByByteAndRandomSlicesAndAllAtOnce() {
    float[] x = vectors(14, 3);
    byte[] bytes = wire(x);
    float[] expected = libraryDecode(x);
    int[] everyByte = new int[bytes.length - 1];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = i + 1;
    }
    assertArrayEquals(
        expected,
        feed(new EmbeddedChannel(new SignFrameDecoder(CODEBOOK)), bytes, everyByte, false));
    Random r = new Random(4);
    for (int trial = 0; trial < 50; trial++) {
      int[] cuts = r.ints(r.nextInt(12), 0, bytes.length + 1).sorted().toArray();
      assertArrayEquals(
          expected,
          feed(new EmbeddedChannel(new SignFrameDecoder(CODEBOOK)), bytes, cuts, trial % 2 == 0));
    }
    // Two whole streams' worth of frames coalesced into one read: the end marker ends what a
    // connection may send, so the second stream is an error (not silently dropped), raised after
    // every vector of the first has been passed on.
    byte[] twice = new byte[bytes.length * 2];
    System.arraycopy(bytes, 0, twice, 0, bytes.length);
    System.arraycopy(bytes, 0, twice, bytes.length, bytes.length);
    EmbeddedChannel ch = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK, 1 << 20, false));
    CorruptedFrameException after =
        assertThrows(
            CorruptedFrameException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(twice)));
    assertEquals(
        bytes.length
            + " bytes after the end marker (the stream ended at byte offset "
            + bytes.length
            + ")",
        after.getMessage());
    List<Float> got = new ArrayList<>();
    EmbeddingBatch batch;
    while ((batch = ch.readInbound()) != null) {
      for (float v : batch.vectors()) {
        got.add(v);
      }
    }
    assertEquals(expected.length, got.size());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(got.get(i)));
    }
  }

  @Test
  void aCorruptBlockFailsAfterTheEarlierOnesAndClosesTheChannel() {
    float[] x = vectors(14, 5);
    byte[] bytes = wire(x);
    int secondBlock = 32 + (8 + 4 * CODE);
    bytes[secondBlock + 6] ^= 0x40;
    EmbeddedChannel ch = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK));
    CorruptedFrameException e =
        assertThrows(
            CorruptedFrameException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(bytes)));
    assertTrue(e.getMessage().startsWith("block 1 is corrupt: stored CRC32C"), e.getMessage());
    assertArrayEquals(Arrays.copyOf(libraryDecode(x), 4 * D), collect(ch));
    assertFalse(ch.isOpen());
    // With the channel left open, later input is discarded, not decoded.
    EmbeddedChannel open =
        new EmbeddedChannel(
            new SignFrameDecoder(CODEBOOK, SignFrameDecoder.DEFAULT_MAX_FRAME_BYTES, false));
    assertThrows(
        CorruptedFrameException.class, () -> open.writeInbound(Unpooled.wrappedBuffer(bytes)));
    collect(open);
    ByteBuf later = Unpooled.wrappedBuffer(wire(x));
    open.writeInbound(later);
    assertNull(open.readInbound());
    assertEquals(0, later.refCnt());
    assertTrue(open.isOpen());
    open.finishAndReleaseAll();
  }

  @Test
  void oversizeFramesAreRefusedFromTheirCountAlone() {
    byte[] header = Arrays.copyOf(wire(vectors(14, 6)), 32);
    EmbeddedChannel ch = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK, 8 + 100 * CODE, false));
    ch.writeInbound(Unpooled.wrappedBuffer(header));
    ByteBuf count = Unpooled.buffer(4).writeIntLE(101);
    TooLongFrameException e =
        assertThrows(TooLongFrameException.class, () -> ch.writeInbound(count));
    assertEquals(
        "block 0 declares 101 vectors, "
            + (8 + 101 * CODE)
            + " bytes (expected: 1-100"
            + " vectors, at most "
            + (8 + 100 * CODE)
            + " bytes) (at byte offset 32)",
        e.getMessage());
    assertTrue(ch.isOpen(), "closeOnError = false leaves the channel open");
    assertEquals(0, count.refCnt());
    ch.finish();
  }

  @Test
  void headerProblemsAreNamed() {
    byte[] bytes = wire(vectors(14, 7));
    Codebook other = CodebookTrainer.builder().bits(21).seed(4).build().isotropic(D);
    EmbeddedChannel mismatch = new EmbeddedChannel(new SignFrameDecoder(other));
    CodebookMismatchDecoderException e =
        assertThrows(
            CodebookMismatchDecoderException.class,
            () -> mismatch.writeInbound(Unpooled.wrappedBuffer(bytes)));
    assertTrue(
        e.getMessage().startsWith("stream was written with codebook " + CODEBOOK.fingerprintHex()),
        e.getMessage());
    assertFalse(mismatch.isOpen());

    EmbeddedChannel garbage = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK));
    CorruptedFrameException g =
        assertThrows(
            CorruptedFrameException.class,
            () ->
                garbage.writeInbound(
                    Unpooled.wrappedBuffer(
                        "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    assertEquals(
        "invalid stream header: not a signcodec stream: bad magic (at byte offset 0)",
        g.getMessage());
  }

  @Test
  void aConnectionThatClosesEarlyIsReportedTruncated() {
    float[] x = vectors(14, 8);
    byte[] bytes = wire(x);
    byte[] noEnd = Arrays.copyOf(bytes, bytes.length - 16);
    EmbeddedChannel ch = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK));
    ch.writeInbound(Unpooled.wrappedBuffer(noEnd));
    assertArrayEquals(libraryDecode(x), collect(ch));
    TruncatedStreamDecoderException e =
        assertThrows(TruncatedStreamDecoderException.class, ch::finish);
    assertEquals(
        "connection closed after block 4 (14 vectors) without the end marker", e.getMessage());

    EmbeddedChannel mid = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK));
    mid.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(bytes, 32 + 8 + 4 * CODE + 3)));
    assertEquals(
        "connection closed after block 0 (4 vectors) inside a frame (3 bytes of it" + " arrived)",
        assertThrows(TruncatedStreamDecoderException.class, mid::finish).getMessage());

    EmbeddedChannel head = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK));
    head.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(bytes, 20)));
    assertEquals(
        "connection closed inside the stream header (20 of 32 bytes)",
        assertThrows(TruncatedStreamDecoderException.class, head::finish).getMessage());

    EmbeddedChannel silent = new EmbeddedChannel(new SignFrameDecoder(CODEBOOK));
    assertFalse(silent.finish(), "a connection that sent nothing is not an error");
  }

  @Test
  void badBatchesFailTheirWriteAndLeaveTheStreamIntact() {
    EmbeddedChannel ch = new EmbeddedChannel(new SignFrameEncoder(CODEBOOK));
    float[] bad = vectors(3, 9);
    bad[2 * D + 5] = Float.NaN;
    EncoderException e =
        assertThrows(EncoderException.class, () -> ch.writeOutbound(new EmbeddingBatch(D, 3, bad)));
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertEquals("vector 2, component 5 is NaN (not finite)", e.getCause().getMessage());
    assertThrows(
        EncoderException.class,
        () -> ch.writeOutbound(new EmbeddingBatch(D + 1, 1, new float[D + 1])));
    assertNull(ch.readOutbound());
    float[] good = vectors(2, 10);
    ch.writeOutbound(EmbeddingBatch.of(D, good));
    ch.close();
    byte[] bytes = drain(ch);
    assertArrayEquals(
        libraryDecode(good),
        feed(new EmbeddedChannel(new SignFrameDecoder(CODEBOOK)), bytes, new int[0], false));
  }

  @Test
  void theCombinedCodecTalksToItself() {
    EmbeddedChannel a = new EmbeddedChannel(new SignFrameCodec(CODEBOOK));
    float[] x = vectors(7, 11);
    a.writeOutbound(EmbeddingBatch.of(D, x));
    a.close();
    byte[] bytes = drain(a);
    EmbeddedChannel b = new EmbeddedChannel(new SignFrameCodec(CODEBOOK));
    assertArrayEquals(libraryDecode(x), feed(b, bytes, new int[] {17, 40}, true));
    // Closing b sends its own (empty) stream: header and end marker.
    b.close();
    assertEquals(48, drain(b).length);
    assertFalse(b.finish());
  }

  @AfterAll
  static void noLeaks() {
    assertEquals(List.of(), LeakRecorder.leaks());
  }
}
