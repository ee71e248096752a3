package io.signcodec.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TestData;
import io.signcodec.core.stream.StreamHeader;
import io.signcodec.core.train.CodebookTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rate and codebook form through {@link SignFrameEncoder} and {@link SignFrameDecoder}: the
 * floats that come out of the pipeline are bit for bit those of {@link LinearDecoder} on the same
 * codes.
 */
class RateFormMatrixTest {
  static {
    LeakRecorder.install();
  }

  private static final int D = 32;
  private static final int COUNT = 300;
  private static final double[] RATES = {0.125, 0.25, 0.5, 1, 1.5, 2, 3, 4, 8};

  /** Dense and structured, one stage (shallow) and staged, at every rate the form allows. */
  static Stream<Arguments> forms() {
    List<Arguments> all = new ArrayList<>();
    for (boolean structured : new boolean[] {false, true}) {
      for (boolean shallow : new boolean[] {true, false}) {
        for (double rate : RATES) {
          // One stage codes at most 2 bits per coordinate, a structured stage at most 1.
          double maxRate = shallow ? (structured ? 1 : 2) : Caps.MAX_STAGED_RATE;
          if (rate <= maxRate) {
            all.add(
                Arguments.of(
                    structured ? "structured" : "dense", shallow ? "shallow" : "staged", rate));
          }
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} {1} r = {2}")
  @MethodSource("forms")
  void thePipelineDecodesAsTheLibraryDoes(String form, String depth, double rate) {
    CodebookTrainer.Builder b = CodebookTrainer.builder().rate(rate).seed(7);
    if (form.equals("structured")) {
      b.structured();
    }
    if (depth.equals("shallow")) {
      b.shallow();
    }
    Codebook codebook = b.build().isotropic(D);
    assertEquals(Math.max(1, Math.round(rate * D)), codebook.bits());
    // Staged codes above 2d bits need the core's stream header to accept n up to
    // maxBits(d, MAX_STAGES) = 8d; until that change is on this branch those cases are skipped,
    // not passed.
    assumeTrue(
        headerAccepted(codebook),
        () ->
            "StreamHeader.parse refuses n = "
                + codebook.bits()
                + " for d = "
                + D
                + " (the format allows up to "
                + Caps.maxBits(D, Caps.MAX_STAGES)
                + ")");

    float[] x = TestData.isotropic(COUNT, D, Double.doubleToLongBits(rate) ^ form.hashCode());
    float[] expected = TestData.libraryDecode(codebook, x);

    EmbeddedChannel sender = new EmbeddedChannel(new SignFrameEncoder(codebook, 64));
    sender.writeOutbound(new EmbeddingBatch(D, 100, x));
    sender.writeOutbound(EmbeddingBatch.of(D, java.util.Arrays.copyOfRange(x, 100 * D, x.length)));
    sender.close();
    byte[] wire = SignFrameCodecTest.drain(sender);
    assertFalse(sender.finish());

    // Once whole, once in 7-byte pieces through a decoder that slices blocks into batches of 5.
    for (int maxBatchVectors : new int[] {0, 5}) {
      SignFrameDecoder.Builder options = SignFrameDecoder.builder(codebook);
      if (maxBatchVectors > 0) {
        options.maxBatchFloats(maxBatchVectors * D);
      }
      SignFrameDecoder decoder = options.build();
      EmbeddedChannel receiver = new EmbeddedChannel(decoder);
      int piece = maxBatchVectors > 0 ? 7 : wire.length;
      for (int from = 0; from < wire.length; from += piece) {
        receiver.writeInbound(
            Unpooled.wrappedBuffer(wire, from, Math.min(piece, wire.length - from)));
      }
      float[] received = new float[x.length];
      int n = 0;
      EmbeddingBatch batch;
      while ((batch = receiver.readInbound()) != null) {
        assertTrue(maxBatchVectors == 0 || batch.count() <= maxBatchVectors, batch.toString());
        System.arraycopy(batch.vectors(), 0, received, n * D, batch.count() * D);
        n += batch.count();
      }
      assertEquals(COUNT, n);
      assertTrue(decoder.ended());
      assertArrayEquals(bits(expected), bits(received), form + " " + depth + " r = " + rate);
      assertFalse(receiver.finish());
    }
  }

  static boolean headerAccepted(Codebook codebook) {
    try {
      StreamHeader.parse(StreamHeader.of(codebook).toBytes());
      return true;
    } catch (MalformedInputException e) {
      return false;
    }
  }

  static int[] bits(float[] f) {
    int[] b = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = Float.floatToRawIntBits(f[i]);
    }
    return b;
  }

  @AfterAll
  static void noLeaks() {
    assertEquals(List.of(), LeakRecorder.leaks());
  }
}
