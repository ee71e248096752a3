package io.signcodec.compress;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.signcodec.core.Codebook;
import io.signcodec.core.FuzzChecksums;
import io.signcodec.core.FuzzInputs;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TestData;
import io.signcodec.core.stream.SignStreamCoverageFuzzTest;
import io.signcodec.core.stream.SignStreamReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzzing of {@link SignCompressorInputStream} (docs/FUZZING.md). The input is a
 * container stream, read with the codebook of {@link SignStreamCoverageFuzzTest#CODEBOOKS} its
 * header names, as it is and with its checksums made consistent ({@link FuzzChecksums#stream}), in
 * reads of 1, 7 and 4096 bytes and single {@code read()}s.
 *
 * <p>Invariants: the stream yields bytes and then -1, or throws a {@link MalformedInputException}
 * (its subtypes included), never another exception or an {@link Error}, within the caps (the fuzz
 * execution's heap is small); the bytes are the little-endian float32 of what {@link
 * SignStreamReader} decodes from the same input, up to the same error; {@link
 * SignCompressorInputStream#getCompressedCount()} and {@link
 * SignCompressorInputStream#getUncompressedCount()} count the bytes consumed and given.
 *
 * <p>Seeds ({@code SignCompressorCoverageFuzzTestInputs/readCompressed}): streams that {@link
 * SignCompressorOutputStream} wrote with each codebook; rewritten by {@link #writeSeeds}.
 */
class SignCompressorCoverageFuzzTest {
  private static final int[] READS = {1, 7, 4096, 0};

  @FuzzTest(maxDuration = "10m")
  void readCompressed(byte[] input) {
    check(input);
    byte[] consistent = FuzzChecksums.stream(input);
    if (consistent != null) {
      check(consistent);
    }
  }

  /** Entry point of standalone Jazzer (corpus merge, docs/FUZZING.md). */
  public static void fuzzerTestOneInput(byte[] input) {
    new SignCompressorCoverageFuzzTest().readCompressed(input);
  }

  private static void check(byte[] input) {
    Codebook cb = SignStreamCoverageFuzzTest.codebookFor(input);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    MalformedInputException failure = null;
    SignCompressorInputStream in = null;
    try {
      in = new SignCompressorInputStream(new ByteArrayInputStream(input), cb);
      byte[] buf = new byte[4096];
      for (int i = 0; ; i++) {
        int len = READS[i % READS.length];
        if (len == 0) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          got.write(b);
        } else {
          int n = in.read(buf, 0, len);
          if (n < 0) {
            break;
          }
          if (n < 1 || n > len) {
            throw new AssertionError("read returned " + n + " for " + len);
          }
          got.write(buf, 0, n);
        }
      }
      if (in.read(buf, 0, 0) != 0) {
        throw new AssertionError("a read of 0 bytes at the end");
      }
    } catch (MalformedInputException e) {
      failure = e;
    } catch (IOException e) {
      throw new AssertionError("undocumented exception " + e, e);
    }
    if (in != null
        && (in.getUncompressedCount() != got.size() || in.getCompressedCount() > input.length)) {
      throw new AssertionError(
          "counts "
              + in.getCompressedCount()
              + " in, "
              + in.getUncompressedCount()
              + " out, for "
              + input.length
              + " bytes in and "
              + got.size()
              + " out");
    }
    // The same input through the core's reader.
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    MalformedInputException error = null;
    ByteArrayInputStream raw = new ByteArrayInputStream(input);
    try (SignStreamReader r = new SignStreamReader(raw, SignStreamCoverageFuzzTest.decoder(cb))) {
      float[] v = new float[3 * cb.dimension()];
      int m;
      while ((m = r.read(v, 0, 3)) >= 0) {
        ByteBuffer b = ByteBuffer.allocate(4 * m * cb.dimension()).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v, 0, m * cb.dimension());
        expected.write(b.array(), 0, b.capacity());
      }
    } catch (MalformedInputException e) {
      error = e;
    } catch (IOException e) {
      throw new AssertionError("undocumented exception from the stream reader " + e, e);
    }
    if (!Arrays.equals(expected.toByteArray(), got.toByteArray())
        || (error == null) != (failure == null)
        || (error != null && error.getClass() != failure.getClass())) {
      throw new AssertionError(
          "the compressor stream gave "
              + got.size()
              + " bytes and "
              + failure
              + ", the stream reader "
              + expected.size()
              + " bytes and "
              + error);
    }
    if (failure == null && in.getCompressedCount() != input.length - raw.available()) {
      throw new AssertionError(
          "compressed count "
              + in.getCompressedCount()
              + ", the reader "
              + "consumed "
              + (input.length - raw.available()));
    }
  }

  /** Streams the compressor stream wrote with each codebook, by seed file name. */
  static Map<String, byte[]> seeds() throws IOException {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    for (int i = 0; i < SignStreamCoverageFuzzTest.CODEBOOKS.size(); i++) {
      Codebook cb = SignStreamCoverageFuzzTest.CODEBOOKS.get(i);
      float[] x = TestData.isotropic(9, cb.dimension(), 60 + i);
      ByteBuffer b = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(x);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (SignCompressorOutputStream c = new SignCompressorOutputStream(out, cb)) {
        c.write(b.array(), 0, 5 * 4 * cb.dimension());
        c.flush(); // a block of 5
        c.write(b.array(), 5 * 4 * cb.dimension(), 4 * 4 * cb.dimension());
      }
      seeds.put("codebook" + i + "-5-and-4", out.toByteArray());
    }
    return seeds;
  }

  /**
   * Rewrites the seed files: {@code mvn -pl codec-core,codec-compress test
   * -Dtest=SignCompressorCoverageFuzzTest -Dfuzz.writeSeeds=src/test/resources
   * -Dsurefire.failIfNoSpecifiedTests=false}.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = ".+")
  void writeSeeds() throws Exception {
    FuzzInputs.writeSeeds(
        "io/signcodec/compress/SignCompressorCoverageFuzzTestInputs/readCompressed",
        seeds(),
        (name, seed) -> {
          readCompressed(seed);
          Codebook codebook = SignStreamCoverageFuzzTest.codebookFor(seed);
          try (InputStream in =
              new SignCompressorInputStream(new ByteArrayInputStream(seed), codebook)) {
            if (in.readAllBytes().length != 9 * 4 * codebook.dimension()) {
              throw new AssertionError("seed " + name + " does not hold 9 vectors");
            }
          }
        });
  }
}
