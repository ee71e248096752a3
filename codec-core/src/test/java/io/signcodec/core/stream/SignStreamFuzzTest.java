package io.signcodec.core.stream;

import io.signcodec.core.Codebook;
import io.signcodec.core.FuzzInputs;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TestData;
import io.signcodec.core.train.CodebookTrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random and mutated bytes at the stream readers: whatever the input they end, and fail only with a
 * {@link MalformedInputException}: no other exception, no allocation beyond one capped block.
 * Public and open so that codec-compress puts its Commons Compress input stream through the same
 * bytes ({@link #readOtherwise}).
 */
public class SignStreamFuzzTest {
  private static final int D = 10;

  /** The codebook the valid stream was written with. */
  protected static final Codebook CODEBOOK =
      CodebookTrainer.builder().bits(13).seed(1).build().isotropic(D);

  private static final byte[] VALID = valid();

  private static byte[] valid() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SignStreamWriter w = new SignStreamWriter(out, CODEBOOK, 7)) {
      w.write(TestData.isotropic(30, D, 2), 0, 30);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Provide
  Arbitrary<byte[]> noise() {
    // Most cases keep the real header so the block parser is what gets exercised.
    return FuzzInputs.noiseAfter(VALID, StreamFormat.HEADER_BYTES, 300, 3);
  }

  @Property(tries = 400, seed = "31")
  void randomBytesFailCleanly(@ForAll("noise") byte[] input) {
    readAll(input);
  }

  @Property(tries = 600, seed = "32")
  void mutatedStreamsFailCleanly(
      @ForAll @IntRange(min = 0, max = 400) int at,
      @ForAll byte value,
      @ForAll @IntRange(min = 0, max = 400) int cut,
      @ForAll @IntRange(min = 0, max = 3) int extraFlips) {
    byte[] b = VALID.clone();
    b[at % b.length] = value;
    for (int i = 1; i <= extraFlips; i++) {
      b[(at * 31 + i * 17) % b.length] ^= (byte) (1 << i);
    }
    readAll(Arrays.copyOf(b, Math.min(b.length, cut < 40 ? b.length : cut)));
  }

  private void readAll(byte[] input) {
    try (SignStreamReader r = new SignStreamReader(new ByteArrayInputStream(input), CODEBOOK)) {
      float[] v = new float[5 * D];
      while (r.read(v, 0, 5) >= 0) {
        // keep reading
      }
    } catch (MalformedInputException expected) {
      // documented
    } catch (IOException other) {
      throw new AssertionError("undocumented IOException " + other, other);
    }
    try {
      readOtherwise(input);
    } catch (MalformedInputException expected) {
      // documented
    } catch (IOException other) {
      throw new AssertionError("undocumented IOException " + other, other);
    }
  }

  /** Reads {@code input}, a stream of {@link #CODEBOOK}, through another reader; none here. */
  protected void readOtherwise(byte[] input) throws IOException {}
}
