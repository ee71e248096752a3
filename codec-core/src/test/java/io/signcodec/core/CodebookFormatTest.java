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
  /**
   * {@link #golden()} as the development format version 1 wrote it (before format version 4, the
   * first released).
   */
  static final byte[] GOLDEN_V1 =
      java.util.HexFormat.of()
          .parseHex(
              "53474e43424f4f4b010000000300000004000000020000002a00000000000000"
                  + "e803000000000000000000000000d03f9a9999999999c93f0000003f000080bf"
                  + "000000400000c0bf000000bf0000003f0000c03f000020400000c0bf000000bf"
                  + "0000003f0000c03f000020400000c0bf000000bf000080bf000040bf000000bf"
                  + "000080be000000000000803e0000003f0000403f0000803f0000a03f0000c03f"
                  + "0000e03ff3866ecf");

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
    return Codebook.of(
        d, n, mean, b, a, new CodebookInfo(CodebookInfo.Method.EXTERNAL, 42, 1000, 0.25, 0.2));
  }

  /** A version 4 header (60 bytes) of {@link #golden()} changed by {@code edit}, CRC refreshed. */
  private static byte[] editedHeader(java.util.function.Consumer<ByteBuffer> edit) {
    byte[] header = java.util.Arrays.copyOf(golden().toByteArray(), 60);
    ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    edit.accept(b);
    CRC32C crc = new CRC32C();
    crc.update(header, 0, 56);
    b.putInt(56, (int) crc.getValue());
    return header;
  }

  @Test
  void roundTripIsExact() throws IOException {
    Codebook cb = golden();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    cb.write(out);
    byte[] bytes = out.toByteArray();
    assertEquals(cb.serializedSize(), bytes.length);
    assertEquals(56 + 4 + 4 + 4 * 3 + 2 * 4 * 12 + 4, bytes.length);
    Codebook back = Codebook.read(new ByteArrayInputStream(bytes));
    assertEquals(cb, back);
    assertEquals(4, bytes[8]);
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
    assertEquals(4, b.getShort(8));
    assertEquals(1, b.getShort(10));
    assertEquals(3, b.getInt(12));
    assertEquals(4, b.getInt(16));
    assertEquals(2, bytes[20]);
    assertEquals(0, bytes[21]); // dense
    assertEquals(0, b.getShort(22));
    assertEquals(42, b.getLong(24));
    assertEquals(1000, b.getLong(32));
    assertEquals(0.25, b.getDouble(40));
    assertEquals(0.2, b.getDouble(48));
    CRC32C header = new CRC32C();
    header.update(bytes, 0, 56);
    assertEquals((int) header.getValue(), b.getInt(56));
    assertEquals(4, b.getInt(60)); // n_1
    assertEquals(0.5f, b.getFloat(64));
    assertEquals(-1.5f, b.getFloat(64 + 12)); // B[0][0]
    assertEquals(-1f, b.getFloat(64 + 12 + 48)); // A[0][0]
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    assertEquals((int) crc.getValue(), b.getInt(bytes.length - 4));
  }

  @Test
  void fingerprintIsStable() {
    // Pinned, and checked against an independent Python reading of docs/FORMAT.md: a change
    // here means files written by earlier versions no longer match.
    assertEquals("5a9954931a5ca044", golden().fingerprintHex());
    assertEquals(golden().fingerprint(), golden().fingerprint());
    Codebook other =
        Codebook.of(
            3,
            4,
            new float[] {0.5f, -1f, 2.0000002f},
            golden().encoder(),
            golden().decoder(),
            golden().info());
    assertTrue(other.fingerprint() != golden().fingerprint());
  }

  /**
   * Files of the development formats 1 to 3, never released (a version 1 dense codebook, {@link
   * #GOLDEN_V1}; a staged dense one, version 2; a structured one, version 3): refused at the
   * version field, with the reason.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    ", 1",
    "staged-v2-d20.sgncb, 2",
    "structured-v3-d20.sgncb, 3"
  })
  void developmentVersionsAreRefusedWithTheReason(String file, int version) throws IOException {
    byte[] bytes;
    if (file == null) {
      bytes = GOLDEN_V1;
    } else {
      try (InputStream in = getClass().getResourceAsStream(file)) {
        bytes = in.readAllBytes();
      }
    }
    assertEquals(version, bytes[8]);
    UnsupportedVersionException e =
        assertThrows(
            UnsupportedVersionException.class,
            () -> Codebook.read(new ByteArrayInputStream(bytes)));
    assertEquals(version, e.version());
    assertEquals(8, e.offset());
    assertEquals(
        "unsupported codebook format version "
            + version
            + ": a development version that no release reads; train the codebook again (at byte offset 8)",
        e.getMessage());
  }

  @Test
  void readConsumesExactlyOneCodebook() throws IOException {
    for (byte[] one : new byte[][] {golden().toByteArray()}) {
      byte[] two = new byte[one.length + 3];
      System.arraycopy(one, 0, two, 0, one.length);
      two[one.length] = 7;
      InputStream in = new ByteArrayInputStream(two);
      Codebook.read(in);
      assertEquals(7, in.read());
    }
  }

  @Test
  void everyTruncationIsReportedAsSuch() {
    for (byte[] bytes : new byte[][] {golden().toByteArray()}) {
      for (int len = 0; len < bytes.length; len++) {
        byte[] cut = java.util.Arrays.copyOf(bytes, len);
        TruncatedInputException e =
            assertThrows(
                TruncatedInputException.class,
                () -> Codebook.read(new ByteArrayInputStream(cut)),
                "prefix of " + len);
        assertEquals(len, e.offset(), "prefix of " + len);
        assertTrue(
            e.getMessage().startsWith("premature end of stream while reading codebook"),
            e.getMessage());
      }
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
        MalformedInputException e =
            assertThrows(
                MalformedInputException.class,
                () -> Codebook.read(new ByteArrayInputStream(bad)),
                "byte " + i + " bit " + bit);
        assertFalse(e.getMessage().isEmpty());
        if (at >= 10) {
          // Past magic and version, the header's own checksum catches it, then the file's.
          assertInstanceOf(ChecksumMismatchException.class, e, "byte " + at);
          assertTrue(
              e.getMessage()
                  .startsWith(
                      at < 60
                          ? "corrupt codebook header: stored CRC32C"
                          : "codebook checksum mismatch"),
              "byte " + at + ": " + e.getMessage());
        }
      }
    }
  }

  @Test
  void aDamagedSizeSaysWhatItMayBe() {
    byte[] bad = golden().toByteArray();
    bad[12] ^= 4; // d = 7: a longer codebook than the bytes that follow
    ChecksumMismatchException checked =
        assertThrows(
            ChecksumMismatchException.class, () -> Codebook.read(new ByteArrayInputStream(bad)));
    assertTrue(checked.getMessage().startsWith("corrupt codebook header: stored CRC32C "));
    assertTrue(checked.getMessage().endsWith("(at byte offset 56)"), checked.getMessage());
  }

  @Test
  void headerErrorsSayWhich() {
    byte[] bytes = golden().toByteArray();
    MalformedInputException magic =
        assertThrows(
            MalformedInputException.class,
            () ->
                Codebook.read(
                    new ByteArrayInputStream(
                        "PK\3\4 not a codebook at all, no, no, no..."
                            .repeat(3)
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    assertEquals("not a signcodec codebook: bad magic (at byte offset 0)", magic.getMessage());

    byte[] v9 = bytes.clone();
    v9[8] = 9;
    UnsupportedVersionException version =
        assertThrows(
            UnsupportedVersionException.class, () -> Codebook.read(new ByteArrayInputStream(v9)));
    assertEquals(9, version.version());
    assertEquals(
        "unsupported codebook format version 9 (this library reads versions up to 6)"
            + " (at byte offset 8)",
        version.getMessage());

    byte[] corrupt = bytes.clone();
    corrupt[70] ^= 1;
    ChecksumMismatchException crc =
        assertThrows(
            ChecksumMismatchException.class,
            () -> Codebook.read(new ByteArrayInputStream(corrupt)));
    assertTrue(
        crc.getMessage().startsWith("codebook checksum mismatch: stored CRC32C "),
        crc.getMessage());

    MalformedInputException form =
        assertThrows(
            MalformedInputException.class,
            () -> Codebook.read(new ByteArrayInputStream(editedHeader(b -> b.put(21, (byte) 7)))));
    assertEquals("unknown codebook form 7 (at byte offset 21)", form.getMessage());
  }

  @Test
  void absurdSizesAreRejectedBeforeAllocating() {
    MalformedInputException dim =
        assertThrows(
            MalformedInputException.class,
            () -> Codebook.read(new ByteArrayInputStream(editedHeader(b -> b.putInt(12, -1)))));
    assertEquals(
        "codebook dimension 4294967295 out of range 1..65536 (at byte offset 12)",
        dim.getMessage());
    MalformedInputException bits =
        assertThrows(
            MalformedInputException.class,
            () ->
                Codebook.read(
                    new ByteArrayInputStream(
                        editedHeader(b -> b.putInt(12, 65_536).putInt(16, 131_072)))));
    assertEquals(
        "codebook bits 131072 out of range 1..1024 for dimension 65536" + " (at byte offset 16)",
        bits.getMessage());
    // Within the caps, a short input claiming 2 × 256 MiB fails as truncated, having buffered
    // only what arrived.
    TruncatedInputException cut =
        assertThrows(
            TruncatedInputException.class,
            () ->
                Codebook.read(
                    new ByteArrayInputStream(
                        editedHeader(b -> b.putInt(12, 65_536).putInt(16, 1024)))));
    assertEquals(60, cut.offset());
  }

  @Test
  void nonFiniteValuesAreRejectedOnBothSides() throws IOException {
    byte[] bytes = golden().toByteArray();
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(64 + 4, Float.NaN);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    b.putInt(bytes.length - 4, (int) crc.getValue());
    MalformedInputException e =
        assertThrows(
            MalformedInputException.class, () -> Codebook.read(new ByteArrayInputStream(bytes)));
    assertEquals("codebook mean[1] is not finite: NaN (at byte offset 68)", e.getMessage());

    IllegalArgumentException arg =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Codebook.of(
                    1,
                    1,
                    new float[] {Float.POSITIVE_INFINITY},
                    new float[] {1},
                    new float[] {1},
                    golden().info()));
    assertEquals("mean[0] is not finite: Infinity", arg.getMessage());
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Codebook.of(
                    2, 2, new float[2], new float[] {1, 0, 0, 0}, new float[4], golden().info()));
    assertEquals("encoder row 1 is all zeros", zero.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Codebook.of(2, 5, new float[2], new float[10], new float[10], golden().info()));
  }
}
