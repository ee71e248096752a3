package io.signcodec.core.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.ChecksumMismatchException;
import io.signcodec.core.Codebook;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.TestData;
import io.signcodec.core.TruncatedInputException;
import io.signcodec.core.UnsupportedVersionException;
import io.signcodec.core.train.CodebookTrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SignStreamTest {
  private static final int D = 12;
  private static final Codebook CODEBOOK =
      CodebookTrainer.builder().bits(20).seed(4).build().isotropic(D);
  private static final int CODE = CODEBOOK.codeBytes();
  private static final float[] X = TestData.isotropic(23, D, 5);

  /** 23 vectors in blocks of 5: 4 full blocks, one of 3, then the end marker. */
  static byte[] stream() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SignStreamWriter w = new SignStreamWriter(out, CODEBOOK, 5)) {
      w.write(X, 0, 7);
      w.write(Arrays.copyOfRange(X, 7 * D, 8 * D));
      w.write(X, 8 * D, 15);
    }
    return out.toByteArray();
  }

  static float[] expectedDecoded(int count) {
    byte[] codes = new byte[count * CODE];
    SignEncoder.of(CODEBOOK).encode(X, 0, codes, 0, count);
    float[] out = TestData.decode(CODEBOOK, codes, count);
    return out;
  }

  /** A short header whose bytes already break the magic says so, not that it is short. */
  @Test
  void aShortHeaderWithABadMagicIsABadMagic() {
    MalformedInputException bad =
        assertThrows(
            MalformedInputException.class, () -> StreamHeader.parse(new byte[] {'S', 'G', 'X'}));
    assertFalse(bad instanceof TruncatedInputException);
    assertEquals("not a signcodec stream: bad magic (at byte offset 2)", bad.getMessage());
    assertInstanceOf(
        TruncatedInputException.class,
        assertThrows(
            MalformedInputException.class, () -> StreamHeader.parse(new byte[] {'S', 'G', 'N'})));
    // The magic is no public array to overwrite.
    byte[] magic = StreamFormat.magic();
    magic[0] = 'X';
    assertEquals('S', StreamFormat.magicByte(0));
    assertEquals(-1, StreamFormat.magicMismatch(StreamFormat.magic(), StreamFormat.MAGIC_BYTES));
  }

  @Test
  void roundTripGivesWhatTheLibraryDecodes() throws IOException {
    byte[] bytes = stream();
    assertEquals(32 + 4 * (4 + 5 * CODE + 4) + (4 + 3 * CODE + 4) + 16, bytes.length);
    SignStreamReader r = new SignStreamReader(new ByteArrayInputStream(bytes), CODEBOOK);
    assertEquals(StreamHeader.of(CODEBOOK), r.header());
    float[] got = new float[23 * D];
    int n = 0;
    int m;
    while ((m = r.read(got, n * D, Math.min(4, 23 - n))) > 0) {
      n += m;
    }
    assertEquals(-1, r.read(new float[D], 0, 1));
    assertEquals(0, m);
    assertEquals(23, n);
    assertTrue(r.complete());
    assertArrayEquals(expectedDecoded(23), got);
  }

  @Test
  void rawCodesComeBackByteForByte() throws IOException {
    byte[] codes = new byte[23 * CODE];
    SignEncoder.of(CODEBOOK).encode(X, 0, codes, 0, 23);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SignStreamWriter w = new SignStreamWriter(out, CODEBOOK)) {
      w.writeCodes(codes, 0, 23);
      assertEquals(23, w.vectorsWritten());
    }
    assertArrayEquals(
        Arrays.copyOfRange(stream(), 0, 32), Arrays.copyOfRange(out.toByteArray(), 0, 32));
    SignStreamReader r =
        new SignStreamReader(new ByteArrayInputStream(out.toByteArray()), CODEBOOK);
    byte[] back = new byte[codes.length];
    assertEquals(23, r.readCodes(back, 0, 23));
    assertEquals(-1, r.readCodes(back, 0, 1));
    assertArrayEquals(codes, back);
  }

  @Test
  void flushMakesEverythingSoFarReadable() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SignStreamWriter w = new SignStreamWriter(out, CODEBOOK, 100);
    w.write(X, 0, 3);
    w.flush();
    SignStreamReader r =
        new SignStreamReader(new ByteArrayInputStream(out.toByteArray()), CODEBOOK);
    float[] got = new float[3 * D];
    assertEquals(3, r.read(got, 0, 3));
    assertArrayEquals(expectedDecoded(3), got);
    // Unfinished: no end marker yet.
    TruncatedInputException cut =
        assertThrows(TruncatedInputException.class, () -> r.read(got, 0, 3));
    assertEquals(
        "stream ended after block 0 without an end marker (at byte offset "
            + (32 + 4 + 3 * CODE + 4)
            + ")",
        cut.getMessage());
    w.finish();
    w.finish();
    assertThrows(IllegalStateException.class, () -> w.write(X, 0, 1));
  }

  @Test
  void emptyStreamIsHeaderAndEndMarker() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new SignStreamWriter(out, CODEBOOK).close();
    assertEquals(48, out.size());
    SignStreamReader r =
        new SignStreamReader(new ByteArrayInputStream(out.toByteArray()), CODEBOOK);
    assertEquals(-1, r.read(new float[D], 0, 1));
    assertTrue(r.complete());
  }

  @Test
  void everyTruncationDeliversTheIntactBlocksThenSaysTruncated() throws IOException {
    byte[] bytes = stream();
    float[] expected = expectedDecoded(23);
    int blockBytes = 4 + 5 * CODE + 4;
    for (int len = 0; len < bytes.length; len++) {
      InputStream in = new ByteArrayInputStream(Arrays.copyOf(bytes, len));
      if (len < 32) {
        assertThrows(TruncatedInputException.class, () -> new SignStreamReader(in, CODEBOOK));
        continue;
      }
      SignStreamReader r = new SignStreamReader(in, CODEBOOK);
      float[] got = new float[24 * D];
      Arrival arrival = readUntilFailure(done -> r.read(got, done * D, 24 - done));
      int n = arrival.count();
      TruncatedInputException e =
          assertInstanceOf(
              TruncatedInputException.class,
              arrival.failure(),
              "prefix " + len + " was read as complete");
      int intactBlocks = Math.min(4, (len - 32) / blockBytes);
      int intact = len >= 32 + 4 * blockBytes + 4 + 3 * CODE + 4 ? 23 : intactBlocks * 5;
      assertEquals(intact, n, "prefix " + len);
      assertArrayEquals(Arrays.copyOf(expected, n * D), Arrays.copyOf(got, n * D));
      assertEquals(len, e.offset(), "prefix " + len);
      // The failure is latched.
      final TruncatedInputException first = e;
      assertSame(
          first, assertThrows(TruncatedInputException.class, () -> r.read(new float[D], 0, 1)));
    }
  }

  @Test
  void aFlippedBitFailsItsBlockAfterTheEarlierOnesArrive() throws IOException {
    byte[] bytes = stream();
    int blockBytes = 4 + 5 * CODE + 4;
    for (int i = 32; i < bytes.length; i++) {
      byte[] bad = bytes.clone();
      bad[i] ^= 0x10;
      SignStreamReader r = new SignStreamReader(new ByteArrayInputStream(bad), CODEBOOK);
      byte[] codes = new byte[24 * CODE];
      Arrival arrival = readUntilFailure(done -> r.readCodes(codes, done * CODE, 24 - done));
      int n = arrival.count();
      MalformedInputException e = arrival.failure();
      assertTrue(e != null, "flip at " + i + " went unnoticed");
      int block = (i - 32) / blockBytes;
      assertEquals(i >= bytes.length - 16 ? 23 : Math.min(block, 4) * 5, n, "flip at " + i);
      assertFalse(r.complete());
      if (i < 32 + 4 * blockBytes && (i - 32) % blockBytes >= 4) {
        assertInstanceOf(ChecksumMismatchException.class, e);
        assertTrue(
            e.getMessage().startsWith("block " + block + " is corrupt: stored CRC32C"),
            e.getMessage());
        assertEquals(32 + (long) block * blockBytes, e.offset());
      }
    }
  }

  @Test
  void headerProblemsAreNamed() throws IOException {
    byte[] bytes = stream();
    Codebook other = CodebookTrainer.builder().bits(20).seed(5).build().isotropic(D);
    CodebookMismatchException mismatch =
        assertThrows(
            CodebookMismatchException.class,
            () -> new SignStreamReader(new ByteArrayInputStream(bytes), other));
    assertEquals(
        String.format(
            "stream was written with codebook %s (d=12, n=20), not %s"
                + " (d=12, n=20) (at byte offset 20)",
            CODEBOOK.fingerprintHex(), other.fingerprintHex()),
        mismatch.getMessage());

    byte[] magic = bytes.clone();
    magic[0] = 'X';
    assertEquals(
        "not a signcodec stream: bad magic (at byte offset 0)",
        assertThrows(
                MalformedInputException.class,
                () -> new SignStreamReader(new ByteArrayInputStream(magic), CODEBOOK))
            .getMessage());
    byte[] version = bytes.clone();
    version[8] = 9;
    assertThrows(
        UnsupportedVersionException.class,
        () -> new SignStreamReader(new ByteArrayInputStream(version), CODEBOOK));
    byte[] header = bytes.clone();
    header[13] ^= 1;
    assertThrows(
        ChecksumMismatchException.class,
        () -> new SignStreamReader(new ByteArrayInputStream(header), CODEBOOK));
  }

  @Test
  void anAbsurdBlockCountIsRejectedBeforeAllocating() throws IOException {
    byte[] bytes = Arrays.copyOf(stream(), 36);
    StreamIo.putIntLe(bytes, 32, Integer.MAX_VALUE);
    SignStreamReader r = new SignStreamReader(new ByteArrayInputStream(bytes), CODEBOOK);
    MalformedInputException e =
        assertThrows(MalformedInputException.class, () -> r.read(new float[D], 0, 1));
    int max = (1 << 24) / CODE;
    assertEquals(
        "block 0 declares 2147483647 vectors, "
            + (8 + 2147483647L * CODE)
            + " bytes (expected: 1-"
            + max
            + " vectors, at most "
            + (8 + max * CODE)
            + " bytes) (at byte offset 32)",
        e.getMessage());
  }

  @Test
  void endMarkerMustCountTheVectors() throws IOException {
    byte[] bytes = stream();
    int end = bytes.length - 16;
    StreamIo.putLongLe(bytes, end + 4, 22);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, end, 12);
    StreamIo.putIntLe(bytes, end + 12, (int) crc.getValue());
    SignStreamReader r = new SignStreamReader(new ByteArrayInputStream(bytes), CODEBOOK);
    float[] all = new float[23 * D];
    int n = 0;
    for (int i = 0; i < 5; i++) {
      n += r.read(all, n * D, 23 - n);
    }
    assertEquals(23, n);
    MalformedInputException e =
        assertThrows(MalformedInputException.class, () -> r.read(new float[D], 0, 1));
    assertEquals(
        "end marker counts 22 vectors, the blocks held 23 (at byte offset " + (end + 4) + ")",
        e.getMessage());
  }

  @Test
  void writerRejectsBadInputWithoutWritingIt() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SignStreamWriter w = new SignStreamWriter(out, CODEBOOK, 5);
    float[] bad = X.clone();
    bad[2 * D + 1] = Float.NaN;
    assertEquals(
        "vector 2, component 1 is NaN (not finite)",
        assertThrows(IllegalArgumentException.class, () -> w.write(bad, 0, 6)).getMessage());
    assertEquals(0, w.vectorsWritten());
    assertThrows(IllegalArgumentException.class, () -> w.write(new float[D + 1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SignStreamWriter(new ByteArrayOutputStream(), CODEBOOK, 0));
  }

  /**
   * A batch whose eighth vector overflows the codebook's arithmetic (finite components at the end
   * of the float range) is refused as a whole, although the block it would start is written only
   * after the first five: nothing of it is added.
   */
  @Test
  void writerRefusesABatchThatOverflowsBeforeAddingAnyOfIt() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SignStreamWriter w = new SignStreamWriter(out, CODEBOOK, 5);
    w.write(X, 0, 2);
    float[] batch = Arrays.copyOf(X, 10 * D);
    Arrays.fill(batch, 7 * D, 8 * D, Float.MAX_VALUE);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> w.write(batch, 0, 10));
    assertTrue(e.getMessage().startsWith("vector 7, projection "), e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith(
                " (not finite: the vector overflows float32 in this" + " codebook's arithmetic)"),
        e.getMessage());
    assertEquals(2, w.vectorsWritten());
    w.close();
    SignStreamReader r =
        new SignStreamReader(new ByteArrayInputStream(out.toByteArray()), CODEBOOK);
    float[] got = new float[3 * D];
    assertEquals(2, r.read(got, 0, 3));
    assertEquals(-1, r.read(got, 0, 3));
  }

  /** One read of a reader: at most what is left after {@code done} vectors, as it returns. */
  @FunctionalInterface
  private interface ReadStep {
    int read(int done) throws IOException;
  }

  /** How many vectors arrived before the reader ended or failed, and its failure if it did. */
  private record Arrival(int count, MalformedInputException failure) {}

  private static Arrival readUntilFailure(ReadStep step) throws IOException {
    int n = 0;
    try {
      int m;
      while ((m = step.read(n)) > 0) {
        n += m;
      }
    } catch (MalformedInputException e) {
      return new Arrival(n, e);
    }
    return new Arrival(n, null);
  }
}
