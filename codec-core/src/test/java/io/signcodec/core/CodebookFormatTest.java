package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class CodebookFormatTest {

  /** A small codebook whose every value is fixed, so its bytes and fingerprint are too. */
  static Codebook golden() {
    int d = 3;
    int n = 4;
    float[] mean = {0.5f, -1f, 2f};
    float[] b = new float[n * d];
    float[] a = new float[d * n];
    for (int i = 0; i < b.length; i++) {
      b[i] = (i % 5) - 1.5f;
      a[i] = i * 0.25f - 1f;
    }
    return Codebook.of(d, n, mean, b, a,
        new CodebookInfo(CodebookInfo.Method.EXTERNAL, 42, 1000, 0.25, 0.2));
  }

  @Test
  void roundTripIsExact() throws IOException {
    Codebook cb = golden();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    cb.write(out);
    byte[] bytes = out.toByteArray();
    assertEquals(cb.serializedSize(), bytes.length);
    assertEquals(56 + 4 * 3 + 2 * 4 * 12 + 4, bytes.length);
    Codebook back = Codebook.read(new ByteArrayInputStream(bytes));
    assertEquals(cb, back);
    assertEquals(cb.fingerprint(), back.fingerprint());
    assertArrayEquals(cb.mean(), back.mean());
    assertArrayEquals(cb.encoder(), back.encoder());
    assertArrayEquals(cb.decoder(), back.decoder());
    assertEquals(cb.info(), back.info());
  }

  @Test
  void layoutFollowsTheSpec() {
    byte[] bytes = golden().toByteArray();
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals("SGNCBOOK", new String(bytes, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(1, b.getShort(8));
    assertEquals(0, b.getShort(10));
    assertEquals(3, b.getInt(12));
    assertEquals(4, b.getInt(16));
    assertEquals(2, bytes[20]);
    assertEquals(42, b.getLong(24));
    assertEquals(1000, b.getLong(32));
    assertEquals(0.25, b.getDouble(40));
    assertEquals(0.2, b.getDouble(48));
    assertEquals(0.5f, b.getFloat(56));
    assertEquals(-1.5f, b.getFloat(56 + 12)); // B[0][0]
    assertEquals(-1f, b.getFloat(56 + 12 + 48)); // A[0][0]
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    assertEquals((int) crc.getValue(), b.getInt(bytes.length - 4));
  }

  @Test
  void fingerprintIsStable() {
    // Pinned, and checked against an independent Python reading of docs/FORMAT.md: a change
    // here means files written by earlier versions no longer match.
    assertEquals("e97f98e98fcad0f2", golden().fingerprintHex());
    assertEquals(golden().fingerprint(), golden().fingerprint());
    Codebook other = Codebook.of(3, 4, new float[] {0.5f, -1f, 2.0000002f}, golden().encoder(),
        golden().decoder(), golden().info());
    assertTrue(other.fingerprint() != golden().fingerprint());
  }

  @Test
  void readConsumesExactlyOneCodebook() throws IOException {
    byte[] one = golden().toByteArray();
    byte[] two = new byte[one.length + 3];
    System.arraycopy(one, 0, two, 0, one.length);
    two[one.length] = 7;
    InputStream in = new ByteArrayInputStream(two);
    Codebook.read(in);
    assertEquals(7, in.read());
  }

  @Test
  void everyTruncationIsReportedAsSuch() {
    byte[] bytes = golden().toByteArray();
    for (int len = 0; len < bytes.length; len++) {
      byte[] cut = java.util.Arrays.copyOf(bytes, len);
      TruncatedInputException e = assertThrows(TruncatedInputException.class,
          () -> Codebook.read(new ByteArrayInputStream(cut)), "prefix of " + len);
      assertEquals(len, e.offset(), "prefix of " + len);
      assertTrue(e.getMessage().startsWith("premature end of stream while reading codebook"),
          e.getMessage());
    }
  }

  @Test
  void everyFlippedBitIsDetected() {
    byte[] bytes = golden().toByteArray();
    for (int i = 0; i < bytes.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = bytes.clone();
        bad[i] ^= (byte) (1 << bit);
        int at = i;
        MalformedInputException e = assertThrows(MalformedInputException.class,
            () -> Codebook.read(new ByteArrayInputStream(bad)), "byte " + i + " bit " + bit);
        assertFalse(e.getMessage().isEmpty());
        if (at >= 56) {
          assertInstanceOf(ChecksumMismatchException.class, e, "byte " + at);
        }
      }
    }
  }

  @Test
  void headerErrorsSayWhich() {
    byte[] bytes = golden().toByteArray();
    MalformedInputException magic = assertThrows(MalformedInputException.class,
        () -> Codebook.read(new ByteArrayInputStream("PK\3\4 not a codebook at all, no, no, no..."
            .repeat(3).getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    assertEquals("not a signcodec codebook: bad magic (at byte offset 0)", magic.getMessage());

    byte[] v2 = bytes.clone();
    v2[8] = 9;
    UnsupportedVersionException version = assertThrows(UnsupportedVersionException.class,
        () -> Codebook.read(new ByteArrayInputStream(v2)));
    assertEquals(9, version.version());
    assertEquals("unsupported codebook format version 9 (this library reads versions up to 3)"
        + " (at byte offset 8)", version.getMessage());

    byte[] corrupt = bytes.clone();
    corrupt[60] ^= 1;
    ChecksumMismatchException crc = assertThrows(ChecksumMismatchException.class,
        () -> Codebook.read(new ByteArrayInputStream(corrupt)));
    assertTrue(crc.getMessage().startsWith("codebook checksum mismatch: stored CRC32C "),
        crc.getMessage());
  }

  @Test
  void absurdSizesAreRejectedBeforeAllocating() {
    byte[] header = java.util.Arrays.copyOf(golden().toByteArray(), 56);
    ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(12, -1);
    MalformedInputException dim = assertThrows(MalformedInputException.class,
        () -> Codebook.read(new ByteArrayInputStream(header)));
    assertEquals("codebook dimension 4294967295 out of range 1..65536 (at byte offset 12)",
        dim.getMessage());
    b.putInt(12, 65_536).putInt(16, 131_072);
    MalformedInputException bits = assertThrows(MalformedInputException.class,
        () -> Codebook.read(new ByteArrayInputStream(header)));
    assertEquals("codebook bits 131072 out of range 1..1024 for dimension 65536"
        + " (at byte offset 16)", bits.getMessage());
    // Within the caps, a short input claiming 2 × 256 MiB fails as truncated, having buffered
    // only what arrived.
    b.putInt(16, 1024);
    TruncatedInputException cut = assertThrows(TruncatedInputException.class,
        () -> Codebook.read(new ByteArrayInputStream(header)));
    assertEquals(56, cut.offset());
  }

  @Test
  void nonFiniteValuesAreRejectedOnBothSides() throws IOException {
    byte[] bytes = golden().toByteArray();
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(56 + 4, Float.NaN);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    b.putInt(bytes.length - 4, (int) crc.getValue());
    MalformedInputException e = assertThrows(MalformedInputException.class,
        () -> Codebook.read(new ByteArrayInputStream(bytes)));
    assertEquals("codebook mean[1] is not finite: NaN (at byte offset 60)", e.getMessage());

    IllegalArgumentException arg = assertThrows(IllegalArgumentException.class,
        () -> Codebook.of(1, 1, new float[] {Float.POSITIVE_INFINITY}, new float[] {1},
            new float[] {1}, golden().info()));
    assertEquals("mean[0] is not finite: Infinity", arg.getMessage());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> Codebook.of(2, 2, new float[2], new float[] {1, 0, 0, 0}, new float[4],
            golden().info()));
    assertEquals("encoder row 1 is all zeros", zero.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Codebook.of(2, 5, new float[2], new float[10], new float[10], golden().info()));
  }
}
