package io.signcodec.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random and mutated bytes at {@link Codebook#read}: it must end, and fail only with a {@link
 * MalformedInputException}; no runtime exception, no {@link OutOfMemoryError}.
 */
class CodebookReadFuzzTest {
  private static final byte[] VALID = CodebookFormatTest.golden().toByteArray();

  /** The same codebook as version 1 wrote it, which has no header checksum. */
  private static final byte[] VALID_V1 = CodebookFormatTest.GOLDEN_V1.clone();

  @Provide
  Arbitrary<byte[]> noise() {
    // Half of the cases start with the real magic and version so the reader gets past them.
    return FuzzInputs.noiseAfter(VALID, 10, 400, 1);
  }

  @Property(tries = 500, seed = "20261126")
  void randomBytesFailCleanly(@ForAll("noise") byte[] input) {
    readExpectingMalformed(input);
  }

  @Property(tries = 1000, seed = "20261127")
  void mutatedCodebooksFailCleanly(
      @ForAll @IntRange(min = 0, max = 175) int at,
      @ForAll byte value,
      @ForAll @IntRange(min = 0, max = 176) int cut,
      @ForAll boolean fixCrc,
      @ForAll boolean version1) {
    byte[] b = (version1 ? VALID_V1 : VALID).clone();
    b[at % b.length] = value;
    if (fixCrc) {
      // A consistent checksum pushes the mutation past the CRC to the value checks.
      CRC32C crc = new CRC32C();
      crc.update(b, 0, b.length - 4);
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, (int) crc.getValue());
    }
    byte[] input = java.util.Arrays.copyOf(b, Math.min(b.length, cut));
    readExpectingMalformed(input);
  }

  private static void readExpectingMalformed(byte[] input) {
    try {
      Codebook cb = Codebook.read(new ByteArrayInputStream(input));
      // Only a complete, consistent codebook may come back, and it must survive a round trip.
      if (!java.util.Arrays.equals(
          cb.toByteArray(), java.util.Arrays.copyOf(input, cb.serializedSize()))) {
        throw new AssertionError("read returned a codebook that does not match its bytes");
      }
    } catch (MalformedInputException expected) {
      // documented
    } catch (IOException other) {
      throw new AssertionError("undocumented IOException " + other, other);
    }
  }
}
