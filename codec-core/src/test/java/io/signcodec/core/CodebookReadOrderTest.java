package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The reader's checks in the order and with the messages docs/FORMAT.md §2.5 lists: fields in the
 * order of the file, so that an input wrong in two places is reported at the earlier one. Every
 * input here is fixed; the checksums are recomputed after each edit, so that what is reported is
 * the edit and not the damage.
 */
class CodebookReadOrderTest {
  private static final CodebookInfo INFO =
      new CodebookInfo(CodebookInfo.Method.EXTERNAL, 9, 0, Double.NaN, Double.NaN);

  /** {@link CodebookFormatTest#golden()}: d = 3, n = 4; μ at 64, B at 76, A at 124. */
  private static byte[] dense(Consumer<ByteBuffer> edit) {
    return edited(CodebookFormatTest.golden().toByteArray(), edit);
  }

  /** d = 4, stages {4, 2}: rounds at 60; n_0 at 64, c_0 at 68, n_1 at 76, c_1 at 80; μ at 88. */
  private static byte[] structured(Consumer<ByteBuffer> edit) {
    return edited(
        Codebook.structured(4, new int[] {4, 2}, new float[4], new double[] {0.5, 0.25}, INFO)
            .toByteArray(),
        edit);
  }

  /**
   * d = 4, stages {2, 2}: n_0 at 60, n_1 at 64, basis byte at 68, reserved 69-71; dense: rows u_0,
   * u_1 at 72, scales at 104 (c_{0,0}, c_{1,0}, c_{0,1}, c_{1,1}), μ at 120; structured: rounds at
   * 72, scales at 76, μ at 92.
   */
  private static byte[] allocated(boolean structuredBasis, Consumer<ByteBuffer> edit) {
    float[] basis = structuredBasis ? null : new float[] {1, 0, 0, 0, 0, 1, 0, 0};
    return edited(
        Codebook.allocated(
                4, new int[] {2, 2}, new float[4], new float[] {1, 0.9f, 0.5f, 0.45f}, basis, INFO)
            .toByteArray(),
        edit);
  }

  /** {@code bytes} changed by {@code edit}, with both checksums of version 4 recomputed. */
  private static byte[] edited(byte[] bytes, Consumer<ByteBuffer> edit) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    edit.accept(b);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 56);
    b.putInt(56, (int) crc.getValue());
    crc.reset();
    crc.update(bytes, 0, bytes.length - 4);
    b.putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }

  private static MalformedInputException refusal(byte[] bytes) {
    return assertThrows(
        MalformedInputException.class, () -> Codebook.read(new ByteArrayInputStream(bytes)));
  }

  private static void assertRefused(String message, byte[] bytes) {
    assertEquals(message, refusal(bytes).getMessage());
  }

  @Test
  void aShortInputWithAWrongMagicSaysBadMagic() {
    for (String input : new String[] {"PK", "PK\3\4", "SGNCBOOX and more"}) {
      MalformedInputException e = refusal(input.getBytes(StandardCharsets.ISO_8859_1));
      assertEquals(MalformedInputException.class, e.getClass(), input);
      assertEquals(
          "not a signcodec codebook: bad magic (at byte offset "
              + (input.startsWith("SGNC") ? 7 : 0)
              + ")",
          e.getMessage(),
          input);
    }
    assertRefused(
        "not a signcodec codebook: bad magic (at byte offset 3)",
        "SGNX".getBytes(StandardCharsets.ISO_8859_1));
    // Every byte that arrived is the magic's: the input is only short.
    MalformedInputException cut = refusal("SGNC".getBytes(StandardCharsets.ISO_8859_1));
    assertInstanceOf(TruncatedInputException.class, cut);
    assertEquals(
        "premature end of stream while reading codebook magic: 4 of 8 bytes"
            + " (at byte offset 4)",
        cut.getMessage());
  }

  @Test
  void theVersionIsCheckedAsSoonAsItIsRead() {
    byte[] ten = Arrays.copyOf(CodebookFormatTest.golden().toByteArray(), 10);
    ten[8] = 7;
    assertInstanceOf(UnsupportedVersionException.class, refusal(ten));
    assertRefused(
        "unsupported codebook format version 7 (this library reads versions up to 6)"
            + " (at byte offset 8)",
        ten);
    ten[8] = 0;
    assertRefused(
        "unsupported codebook format version 0 (this library reads versions up to 6)"
            + " (at byte offset 8)",
        ten);
    ten[8] = 3;
    assertRefused(
        "unsupported codebook format version 3: a development version that no release reads;"
            + " train the codebook again (at byte offset 8)",
        ten);
  }

  @Test
  void aVersionFourHeaderIsCheckedAgainstItsChecksumFirst() {
    byte[] bytes = dense(b -> b.putShort(10, (short) 0));
    bytes[12] = 0; // d = 0 too, after the checksum was computed
    MalformedInputException e = refusal(bytes);
    assertInstanceOf(ChecksumMismatchException.class, e);
    assertEquals(true, e.getMessage().startsWith("corrupt codebook header: stored CRC32C "));
    assertEquals(56, e.offset());
  }

  /** Two fields wrong at once: the one earlier in the file is reported. */
  @Test
  void headerFieldsAreCheckedInTheOrderOfTheFile() {
    assertRefused(
        "codebook stage count 0 out of range 1..64 (at byte offset 10)",
        dense(b -> b.putShort(10, (short) 0).putInt(12, 0)));
    assertRefused(
        "codebook dimension 0 out of range 1..65536 (at byte offset 12)",
        dense(b -> b.putInt(12, 0).putInt(16, 0)));
    assertRefused(
        "codebook bits 99 out of range 1..6 for dimension 3 (at byte offset 16)",
        dense(b -> b.putInt(16, 99).put(20, (byte) 9)));
    assertRefused(
        "unknown codebook method 9 (at byte offset 20)",
        dense(b -> b.put(20, (byte) 9).put(21, (byte) 7)));
    assertRefused(
        "unknown codebook form 7 (at byte offset 21)",
        dense(b -> b.put(21, (byte) 7).put(22, (byte) 1)));
    assertRefused(
        "codebook reserved field is not zero (at byte offset 22)",
        dense(b -> b.put(23, (byte) 1).putLong(32, -1)));
    assertRefused(
        "negative training vector count -1 (at byte offset 32)", dense(b -> b.putLong(32, -1)));
    // The allocated form's cap on K is K's: checked before d, n and the method.
    assertRefused(
        "codebook stage count 9 out of range 1..8 for the allocated form in format version 4"
            + " (at byte offset 10)",
        dense(b -> b.putShort(10, (short) 9).put(21, (byte) 2).putInt(12, 0).put(20, (byte) 9)));
  }

  @Test
  void denseBodiesAreCheckedInTheOrderOfTheFile() {
    assertRefused(
        "codebook stages hold 5 bits, header says 4 (at byte offset 60)",
        dense(b -> b.putInt(60, 5).putFloat(64, Float.NaN)));
    assertRefused(
        "codebook mean[1] is not finite: NaN (at byte offset 68)",
        dense(b -> b.putFloat(68, Float.NaN).putFloat(76, Float.NaN)));
    // B row by row: a zero row before a NaN in a later row, a NaN before a later zero row
    assertRefused(
        "invalid codebook: encoder row 0 is all zeros (at byte offset 76)",
        dense(b -> zero(b, 76, 3).putFloat(76 + 4 * 5, Float.NaN)));
    assertRefused(
        "codebook encoder[1] is not finite: NaN (at byte offset 80)",
        dense(b -> zero(b, 88, 3).putFloat(80, Float.NaN)));
    assertRefused(
        "invalid codebook: encoder row 2 is all zeros (at byte offset 100)",
        dense(b -> zero(b, 100, 3)));
    assertRefused(
        "codebook encoder[7] is not finite: Infinity (at byte offset 104)",
        dense(b -> b.putFloat(104, Float.POSITIVE_INFINITY).putFloat(124, Float.NaN)));
    assertRefused(
        "codebook decoder[2] is not finite: NaN (at byte offset 132)",
        dense(b -> b.putFloat(132, Float.NaN)));
  }

  @Test
  void structuredBodiesAreCheckedInTheOrderOfTheFile() {
    assertRefused(
        "structured codebook has 4 rounds; this library implements 3" + " (at byte offset 60)",
        structured(b -> b.putInt(60, 4).putInt(64, 0)));
    assertRefused(
        "structured stage 0 has 9 bits, out of range 1..4 (at byte offset 64)",
        structured(b -> b.putInt(64, 9).putDouble(68, -1)));
    assertRefused(
        "codebook stages hold 7 bits, header says 6 (at byte offset 64)",
        structured(b -> b.putInt(76, 3).putFloat(88, Float.NaN)));
    assertRefused(
        "codebook mean[3] is not finite: -Infinity (at byte offset 100)",
        structured(b -> b.putFloat(100, Float.NEGATIVE_INFINITY)));
  }

  /** A scale stored in binary64 is refused if it is not finite and positive in binary32. */
  @Test
  void structuredScalesMustBeFiniteAndPositiveInFloat32() {
    assertRefused(
        "structured stage 0 has scale 1.0E300, which is Infinity in float32 (it must be"
            + " finite and positive) (at byte offset 68)",
        structured(b -> b.putDouble(68, 1e300)));
    assertRefused(
        "structured stage 1 has scale 1.0E-50, which is 0.0 in float32 (it must be"
            + " finite and positive) (at byte offset 80)",
        structured(b -> b.putDouble(80, 1e-50)));
    assertRefused(
        "structured stage 0 has scale NaN, which is NaN in float32 (it must be finite"
            + " and positive) (at byte offset 68)",
        structured(b -> b.putDouble(68, Double.NaN)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Codebook.structured(4, new int[] {4}, new float[4], new double[] {1e300}, INFO));
    assertEquals(
        "scale of stage 0 must be finite and positive in float32, where it is used:" + " 1.0E300",
        e.getMessage());
  }

  @Test
  void allocatedBodiesAreCheckedInTheOrderOfTheFile() {
    // n_0 and the basis byte size the body: checked as they are read, n_0 first
    assertRefused(
        "codebook stage 0 has 9 bits, out of range 1..4 (at byte offset 60)",
        allocated(false, b -> b.putInt(60, 9).put(68, (byte) 7)));
    assertRefused(
        "unknown codebook basis 7 (at byte offset 68)", allocated(false, b -> b.put(68, (byte) 7)));
    // the rest once the checksum holds
    assertRefused(
        "codebook stage 1 has 3 bits, more than stage 0 (2) (at byte offset 64)",
        allocated(false, b -> b.putInt(64, 3).put(69, (byte) 1)));
    assertRefused(
        "codebook stages hold 3 bits, header says 4 (at byte offset 60)",
        allocated(false, b -> b.putInt(64, 1).put(69, (byte) 1)));
    assertRefused(
        "codebook reserved field is not zero (at byte offset 69)",
        allocated(false, b -> b.put(70, (byte) 1).putFloat(72, Float.NaN)));
    assertRefused(
        "structured basis has 2 rounds; this library implements 3" + " (at byte offset 72)",
        allocated(true, b -> b.putInt(72, 2).putFloat(76, -1)));
    assertRefused(
        "invalid codebook: basis row 0 is all zeros (at byte offset 72)",
        allocated(false, b -> b.putFloat(72, 0).putFloat(88 + 4, Float.NaN)));
    assertRefused(
        "codebook basis[1] is not finite: NaN (at byte offset 76)",
        allocated(false, b -> b.putFloat(76, Float.NaN).putFloat(104, -1)));
    assertRefused(
        "codebook scale[0] is not positive: -1.0 (at byte offset 104)",
        allocated(false, b -> b.putFloat(104, -1).putFloat(112, Float.NaN)));
    assertRefused(
        "codebook scale[2] is not finite: NaN (at byte offset 112)",
        allocated(false, b -> b.putFloat(112, Float.NaN)));
    assertRefused(
        "codebook mean[0] is not finite: NaN (at byte offset 120)",
        allocated(false, b -> b.putFloat(120, Float.NaN)));
    assertRefused(
        "codebook scale[3] is not positive: 0.0 (at byte offset 88)",
        allocated(true, b -> b.putFloat(88, 0)));
  }

  /**
   * Finite scales whose levels or thresholds overflow float32 are refused, named at the direction's
   * first scale, before the mean.
   */
  @Test
  void allocatedLevelsAndThresholdsMustBeFiniteInFloat32() {
    // direction 0: c = (3e38, 3e38), the level of pattern 0 is −3e38 − 3e38
    assertRefused(
        "codebook direction 0 overflows float32: its level for pattern 0 is -Infinity"
            + " (at byte offset 104)",
        allocated(
            false, b -> b.putFloat(104, 3e38f).putFloat(112, 3e38f).putFloat(120, Float.NaN)));
    // direction 1: c = (2e38, 1e37), levels ±2.1e38 and ±1.9e38, all finite; the first
    // threshold is fl(−2.1e38 − 1.9e38) · 0.5
    assertRefused(
        "codebook direction 1 overflows float32: its threshold 0 is -Infinity"
            + " (at byte offset 80)",
        allocated(true, b -> b.putFloat(80, 2e38f).putFloat(88, 1e37f)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Codebook.allocated(
                    4,
                    new int[] {2, 2},
                    new float[4],
                    new float[] {1, 2e38f, 0.5f, 1e37f},
                    null,
                    INFO));
    assertEquals("direction 1 overflows float32: its threshold 0 is -Infinity", e.getMessage());
  }

  private static ByteBuffer zero(ByteBuffer b, int at, int floats) {
    for (int i = 0; i < floats; i++) {
      b.putFloat(at + 4 * i, 0);
    }
    return b;
  }
}
