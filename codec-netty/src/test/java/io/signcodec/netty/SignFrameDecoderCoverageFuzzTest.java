package io.signcodec.netty;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.signcodec.core.Codebook;
import io.signcodec.core.FuzzChecksums;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import io.signcodec.core.stream.BlockTooLargeException;
import io.signcodec.core.stream.CodebookMismatchException;
import io.signcodec.core.stream.SignStreamCoverageFuzzTest;
import io.signcodec.core.stream.SignStreamReader;
import io.signcodec.core.stream.StreamFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzzing of {@link SignFrameDecoder} on an {@link EmbeddedChannel}
 * (docs/FUZZING.md), the wire cut where the fuzzer says.
 *
 * <p>Input: {@code options, c, s_1..s_c, wire}. The wire is written to the channel in chunks of
 * {@code s_1 + 1, ..., s_c + 1} bytes, repeated (one write if {@code c = 0}; {@code c} is taken mod
 * 16). Options: bit 0 closeOnError; bit 1 the wire's checksums made consistent ({@link
 * FuzzChecksums#stream}); bits 2-3 maxBatchFloats (default, 1, 2d, 5d + 3); bit 4 direct buffers
 * instead of heap ones. The codebook is the one of {@link SignStreamCoverageFuzzTest#CODEBOOKS} the
 * header names.
 *
 * <p>Invariants: the decoder fails only with the {@link DecoderException}s it documents, never
 * another exception or an {@link Error}, within the caps (one frame, one batch; the fuzz
 * execution's heap is small); every input buffer is released; no batch exceeds the batch cap; and
 * it agrees with {@link SignStreamReader} on the same bytes: the same vectors, bit for bit, before
 * the same kind of error (truncation, block too large, codebook mismatch, corruption), or none;
 * bytes after the end marker are an error to the decoder only, a connection closed before its first
 * byte is none, and a header cut short whose bytes already break the magic may be refused as
 * corrupt, as soon as they arrive.
 */
class SignFrameDecoderCoverageFuzzTest {
  @FuzzTest(maxDuration = "10m")
  void decodeFrames(byte[] input) {
    if (input.length < 2) {
      return;
    }
    int options = input[0];
    int cuts = input[1] & 15;
    if (input.length < 2 + cuts) {
      return;
    }
    int[] chunks = new int[cuts];
    for (int i = 0; i < cuts; i++) {
      chunks[i] = (input[2 + i] & 0xFF) + 1;
    }
    byte[] wire = Arrays.copyOfRange(input, 2 + cuts, input.length);
    if ((options & 2) != 0 && wire.length >= 32) {
      wire = FuzzChecksums.stream(wire);
    }
    Codebook cb = SignStreamCoverageFuzzTest.codebookFor(wire);
    int d = cb.dimension();
    int maxBatchFloats =
        new int[] {SignFrameDecoder.DEFAULT_MAX_BATCH_FLOATS, 1, 2 * d, 5 * d + 3}
            [(options >> 2) & 3];
    boolean closeOnError = (options & 1) != 0;
    boolean direct = (options & 16) != 0;

    SignFrameDecoder decoder =
        SignFrameDecoder.builder(SignStreamCoverageFuzzTest.decoder(cb))
            .maxBatchFloats(maxBatchFloats)
            .closeOnError(closeOnError)
            .build();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    List<ByteBuf> written = new ArrayList<>();
    List<float[]> batches = new ArrayList<>();
    DecoderException failure = null;
    int at = 0;
    for (int i = 0; at < wire.length; i++) {
      int len = cuts == 0 ? wire.length : Math.min(chunks[i % cuts], wire.length - at);
      ByteBuf buf = direct ? Unpooled.directBuffer(len) : Unpooled.buffer(len);
      buf.writeBytes(wire, at, len);
      at += len;
      written.add(buf);
      try {
        ch.writeInbound(buf);
      } catch (DecoderException e) {
        if (failure != null) {
          throw new AssertionError("a second exception after " + failure, e);
        }
        failure = e;
      }
      drain(ch, batches, d, decoder.maxBatchVectors());
      if (failure != null && (closeOnError || !ch.isOpen())) {
        break; // closed: nothing more arrives
      }
    }
    try {
      ch.finish();
    } catch (DecoderException e) {
      if (failure != null) {
        throw new AssertionError("a second exception after " + failure, e);
      }
      failure = e;
    }
    drain(ch, batches, d, decoder.maxBatchVectors());
    for (ByteBuf buf : written) {
      if (buf.refCnt() != 0) {
        throw new AssertionError("an input buffer was not released");
      }
    }
    if (failure != null
        && !(failure instanceof CorruptedFrameException
            || failure instanceof TooLongFrameException
            || failure instanceof CodebookMismatchDecoderException
            || failure instanceof TruncatedStreamDecoderException)) {
      throw new AssertionError("undocumented exception " + failure, failure);
    }
    compareWithStreamReader(wire, cb, batches, failure, decoder);
  }

  /** Entry point of standalone Jazzer (corpus merge, docs/FUZZING.md). */
  public static void fuzzerTestOneInput(byte[] input) {
    new SignFrameDecoderCoverageFuzzTest().decodeFrames(input);
  }

  private static void drain(EmbeddedChannel ch, List<float[]> batches, int d, int maxVectors) {
    Object o;
    while ((o = ch.readInbound()) != null) {
      EmbeddingBatch b = (EmbeddingBatch) o;
      if (b.dimension() != d
          || b.count() < 1
          || b.count() > maxVectors
          || b.vectors().length != b.count() * d) {
        throw new AssertionError("batch " + b + " (d = " + d + ", at most " + maxVectors + ")");
      }
      batches.add(b.vectors());
    }
  }

  private static void compareWithStreamReader(
      byte[] wire,
      Codebook cb,
      List<float[]> batches,
      DecoderException failure,
      SignFrameDecoder decoder) {
    int d = cb.dimension();
    List<Float> expected = new ArrayList<>();
    MalformedInputException error = null;
    long consumed = 0;
    ByteArrayInputStream in = new ByteArrayInputStream(wire);
    try (SignStreamReader r = new SignStreamReader(in, SignStreamCoverageFuzzTest.decoder(cb))) {
      float[] v = new float[7 * d];
      int m;
      while ((m = r.read(v, 0, 7)) >= 0) {
        for (int i = 0; i < m * d; i++) {
          expected.add(v[i]);
        }
      }
      consumed = wire.length - in.available();
    } catch (MalformedInputException e) {
      error = e;
    } catch (IOException e) {
      throw new AssertionError("undocumented exception from the stream reader " + e, e);
    }
    float[] got = new float[batches.stream().mapToInt(b -> b.length).sum()];
    int p = 0;
    for (float[] b : batches) {
      System.arraycopy(b, 0, got, p, b.length);
      p += b.length;
    }
    float[] want = new float[expected.size()];
    for (int i = 0; i < want.length; i++) {
      want[i] = expected.get(i);
    }
    if (!Arrays.equals(floatBits(want), floatBits(got))) {
      throw new AssertionError(
          "the decoder passed on "
              + got.length / d
              + " vectors, the stream"
              + " reader "
              + want.length / d
              + " (or other values); decoder: "
              + failure
              + "; reader: "
              + error);
    }
    Class<?> expectedFailure;
    if (error == null) {
      expectedFailure = consumed < wire.length ? CorruptedFrameException.class : null;
    } else if (wire.length == 0) {
      expectedFailure = null; // closed before the first byte: no stream at all
    } else if (error instanceof CodebookMismatchException) {
      expectedFailure = CodebookMismatchDecoderException.class;
    } else if (error instanceof BlockTooLargeException) {
      expectedFailure = TooLongFrameException.class;
    } else if (error instanceof TruncatedInputException) {
      expectedFailure = TruncatedStreamDecoderException.class;
      if (wire.length < StreamFormat.HEADER_BYTES && !startsLikeAStream(wire)) {
        // A decoder may refuse a bad magic as soon as its bytes arrive, before the whole header
        // has (the stream reader reads 32 bytes first): a corruption rather than a truncation.
        expectedFailure =
            failure instanceof CorruptedFrameException
                ? CorruptedFrameException.class
                : expectedFailure;
      }
    } else {
      expectedFailure = CorruptedFrameException.class;
    }
    if (expectedFailure == null ? failure != null : !expectedFailure.isInstance(failure)) {
      throw new AssertionError(
          "the decoder failed with "
              + failure
              + " where the stream reader "
              + (error == null
                  ? "read " + consumed + " of " + wire.length + " bytes"
                  : "failed with " + error),
          failure);
    }
    if ((failure == null) != (decoder.ended() || wire.length == 0)) {
      throw new AssertionError("ended() is " + decoder.ended() + " after " + failure);
    }
  }

  /** Whether the bytes there are of the magic, as far as they go. */
  private static boolean startsLikeAStream(byte[] wire) {
    for (int i = 0; i < Math.min(wire.length, StreamFormat.MAGIC_BYTES); i++) {
      if (wire[i] != StreamFormat.magicByte(i)) {
        return false;
      }
    }
    return true;
  }

  private static int[] floatBits(float[] v) {
    int[] bits = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      bits[i] = Float.floatToRawIntBits(v[i]);
    }
    return bits;
  }

  /**
   * Rewrites the seed files, the core's stream seeds under a few cut plans: {@code mvn -pl
   * codec-core,codec-netty test -Dtest=SignFrameDecoderCoverageFuzzTest
   * -Dfuzz.writeSeeds=src/test/resources -Dsurefire.failIfNoSpecifiedTests=false}.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = ".+")
  void writeSeeds() throws IOException {
    Path dir =
        Path.of(
            System.getProperty("fuzz.writeSeeds"),
            "io/signcodec/netty/SignFrameDecoderCoverageFuzzTestInputs/decodeFrames");
    Files.createDirectories(dir);
    byte[][] plans = {
      {0, 0}, // one write, heap buffers, default batch, keep the channel open on error
      {1 | 4, 1, 0}, // a byte at a time, batches of one vector, close on error
      {8 | 16, 3, 30, 4, 0}, // 31, 5, 1 bytes; batches of 2 vectors; direct buffers
      {12, 2, 2, 60}, // 3, 61 bytes; batches of 5 vectors and a bit
    };
    int i = 0;
    for (Map.Entry<String, byte[]> seed : SignStreamCoverageFuzzTest.seeds().entrySet()) {
      byte[] plan = plans[i++ % plans.length];
      byte[] input = new byte[plan.length + seed.getValue().length];
      System.arraycopy(plan, 0, input, 0, plan.length);
      System.arraycopy(seed.getValue(), 0, input, plan.length, seed.getValue().length);
      Files.write(dir.resolve("seed-" + seed.getKey()), input);
      decodeFrames(input);
    }
  }
}
