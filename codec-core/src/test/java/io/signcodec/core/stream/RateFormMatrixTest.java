package io.signcodec.core.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TestData;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever a writer produces, its reader accepts: every codebook form at every rate the form
 * allows, up to the largest, through the container stream, gives back exactly what the library
 * decodes directly. codec-compress runs the same matrix through its Commons Compress streams.
 */
public class RateFormMatrixTest {
  /** Not a power of two, so structured stages use both overlapping Hadamard blocks. */
  private static final int D = 24;

  private static final int COUNT = 37;

  /** The vectors every case codes. */
  public static final float[] X = TestData.isotropic(COUNT, D, 77);

  /** Every form at every rate it allows: (form, rate, codebook). */
  public static Stream<Arguments> codebooks() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (double rate : new double[] {0.125, 0.25, 0.5, 1, 1.5, 2}) {
      cases.add(
          Arguments.of(
              "dense shallow",
              rate,
              CodebookTrainer.builder().rate(rate).shallow().seed(3).build().isotropic(D)));
    }
    for (double rate : new double[] {1.5, 2, 2.5, 3, 4, 8}) {
      cases.add(
          Arguments.of(
              "dense staged",
              rate,
              CodebookTrainer.builder().rate(rate).seed(3).build().isotropic(D)));
      cases.add(
          Arguments.of(
              "structured staged",
              rate,
              CodebookTrainer.builder().rate(rate).structured().seed(3).build().isotropic(D)));
    }
    for (double rate : new double[] {0.125, 0.25, 0.5, 1}) {
      cases.add(
          Arguments.of(
              "structured shallow",
              rate,
              CodebookTrainer.builder().rate(rate).structured().seed(3).build().isotropic(D)));
    }
    VectorSource train = VectorSource.of(TestData.powerLaw(400, D, 1, 5), D);
    for (double rate : new double[] {1, 3}) {
      cases.add(
          Arguments.of(
              "trained", rate, CodebookTrainer.builder().rate(rate).seed(3).build().train(train)));
    }
    return cases.stream();
  }

  /** What the library decodes from the codes of {@link #X} under {@code codebook}. */
  public static float[] directDecode(Codebook codebook) {
    return TestData.libraryDecode(codebook, X);
  }

  @ParameterizedTest(name = "{0} r = {1}")
  @MethodSource("codebooks")
  void containerStreamRoundTrip(String form, double rate, Codebook codebook) throws IOException {
    assertEquals(Math.max(1, Math.round(rate * D)), codebook.bits());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (SignStreamWriter writer = new SignStreamWriter(bytes, codebook, 10)) {
      writer.write(X, 0, COUNT);
    }
    float[] got = new float[COUNT * D];
    try (SignStreamReader reader =
        new SignStreamReader(new ByteArrayInputStream(bytes.toByteArray()), codebook)) {
      int n = 0;
      int m;
      while ((m = reader.read(got, n * D, Math.min(10, COUNT - n))) > 0) {
        n += m;
      }
      assertEquals(-1, reader.read(new float[D], 0, 1));
      assertEquals(COUNT, n);
      assertTrue(reader.complete());
    }
    assertArrayEquals(directDecode(codebook), got);
  }

  /** The one cap on n that streams apply is the largest n any codebook of that d may have. */
  @ParameterizedTest(name = "d = {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 24, 1024, 2896, 2897, 65_536})
  void streamHeaderAcceptsEveryCodebookSize(int d) throws MalformedInputException {
    int max = Caps.maxCodeBits(d);
    for (int stages = 1; stages <= Caps.MAX_STAGES; stages++) {
      assertTrue(Caps.maxBits(d, stages) <= max);
    }
    assertEquals(max, StreamHeader.parse(new StreamHeader(d, max, 7).toBytes()).bits());
    MalformedInputException e =
        assertThrows(
            MalformedInputException.class,
            () -> StreamHeader.parse(new StreamHeader(d, max + 1, 7).toBytes()));
    assertEquals(
        "stream bits "
            + (max + 1)
            + " out of range 1.."
            + max
            + " for dimension "
            + d
            + " (at byte offset 16)",
        e.getMessage());
  }

  /** {@code v} as little-endian float32 bytes. */
  public static byte[] floatBytes(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }
}
