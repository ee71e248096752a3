package io.signcodec.core.stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.signcodec.core.Codebook;
import io.signcodec.core.FuzzChecksums;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.TestData;
import io.signcodec.core.train.CodebookTrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzzing of {@link SignStreamReader} (docs/FUZZING.md). The input is a container
 * stream; it is read with the codebook whose fingerprint its header names (of {@link #CODEBOOKS},
 * codes of 1, 2 and 3 bytes, with and without padding bits; the first if none matches), as decoded
 * vectors and as raw codes, once as it is and once with its checksums made consistent ({@link
 * FuzzChecksums#stream}).
 *
 * <p>Invariants: reads end, and fail only with a {@link MalformedInputException} (its subtypes
 * included: truncated, unsupported version, checksum, block too large, codebook mismatch), never
 * another exception or an {@link Error}, within the caps (one block of at most 16 MiB; the fuzz
 * execution's heap is small); a failure stays latched; the vectors handed out are the decoding of
 * the codes handed out, bit for bit; and the codes, written again by {@link SignStreamWriter}, read
 * back the same, the reader then {@linkplain SignStreamReader#complete() complete}.
 *
 * <p>Seeds ({@code SignStreamCoverageFuzzTestInputs/readStream}): streams the writer wrote with
 * each codebook, rewritten by {@link #writeSeeds}.
 */
public class SignStreamCoverageFuzzTest {
  /** The codebooks a fuzzed stream may name. Public: codec-compress reads with them too. */
  public static final List<Codebook> CODEBOOKS =
      List.of(
          // allocated (the default form), 13 bits: 2-byte codes with 3 padding bits
          CodebookTrainer.builder().bits(13).seed(1).build().isotropic(10),
          // structured, one stage of 8 bits: 1-byte codes
          CodebookTrainer.builder().bits(8).structured().shallow().seed(2).build().isotropic(16),
          // dense, staged, 24 bits: 3-byte codes
          CodebookTrainer.builder().rate(4).staged().seed(3).build().isotropic(6));

  /** A sequential decoder and encoder per codebook, built once: one per input would dominate. */
  private static final Map<Codebook, LinearDecoder> DECODERS = new java.util.HashMap<>();

  private static final Map<Codebook, SignEncoder> ENCODERS = new java.util.HashMap<>();

  static {
    for (Codebook cb : CODEBOOKS) {
      DECODERS.put(cb, LinearDecoder.builder(cb).parallel(false).build());
      ENCODERS.put(cb, SignEncoder.builder(cb).parallel(false).build());
    }
  }

  /** The sequential decoder of {@code cb}, one of {@link #CODEBOOKS}. */
  public static LinearDecoder decoder(Codebook cb) {
    return DECODERS.get(cb);
  }

  @FuzzTest(maxDuration = "10m")
  void readStream(byte[] input) {
    check(input);
    byte[] consistent = FuzzChecksums.stream(input);
    if (consistent != null) {
      check(consistent);
    }
  }

  /** Entry point of standalone Jazzer (corpus merge, docs/FUZZING.md). */
  public static void fuzzerTestOneInput(byte[] input) {
    new SignStreamCoverageFuzzTest().readStream(input);
  }

  /** The codebook of {@link #CODEBOOKS} whose fingerprint the header names; the first if none. */
  public static Codebook codebookFor(byte[] input) {
    if (input.length >= 28) {
      long fingerprint = ByteBuffer.wrap(input, 20, 8).getLong();
      for (Codebook cb : CODEBOOKS) {
        if (cb.fingerprint() == fingerprint) {
          return cb;
        }
      }
    }
    return CODEBOOKS.get(0);
  }

  private static void check(byte[] input) {
    Codebook cb = codebookFor(input);
    int d = cb.dimension();
    int k = cb.codeBytes();
    ByteArrayOutputStream codes = new ByteArrayOutputStream();
    ByteArrayOutputStream vectors = new ByteArrayOutputStream();
    long codeCount = readCodes(input, cb, codes);
    long vectorCount = readVectors(input, cb, vectors);
    // Both passes see the same blocks, so they end at the same place.
    if (codeCount != vectorCount) {
      throw new AssertionError(codeCount + " codes but " + vectorCount + " vectors");
    }
    byte[] c = codes.toByteArray();
    float[] expected = new float[Math.toIntExact(codeCount * d)];
    decoder(cb).decode(c, 0, expected, 0, (int) codeCount);
    if (!Arrays.equals(floatBytes(expected), vectors.toByteArray())) {
      throw new AssertionError("the vectors read are not the decoding of the codes read");
    }
    // Round trip: the codes handed out, written again, read back the same.
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    try (SignStreamWriter w =
        new SignStreamWriter(again, ENCODERS.get(cb), 1 + (int) (codeCount % 7))) {
      w.writeCodes(c, 0, (int) codeCount);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    try (SignStreamReader r =
        new SignStreamReader(new ByteArrayInputStream(again.toByteArray()), decoder(cb))) {
      byte[] buf = new byte[5 * k];
      int m;
      while ((m = r.readCodes(buf, 0, 5)) >= 0) {
        back.write(buf, 0, m * k);
      }
      if (!r.complete()) {
        throw new AssertionError("a rewritten stream read to its end is not complete");
      }
    } catch (IOException e) {
      throw new AssertionError("a rewritten stream does not read back", e);
    }
    if (!Arrays.equals(c, back.toByteArray())) {
      throw new AssertionError("codes read from a rewritten stream differ");
    }
  }

  /** Reads every code, 3 at a time; returns how many, whatever ended the stream. */
  private static long readCodes(byte[] input, Codebook cb, ByteArrayOutputStream out) {
    int k = cb.codeBytes();
    SignStreamReader r = null;
    try {
      r = new SignStreamReader(new ByteArrayInputStream(input), decoder(cb));
      byte[] buf = new byte[3 * k];
      int m;
      while ((m = r.readCodes(buf, 0, 3)) >= 0) {
        if (m < 1 || m > 3) {
          throw new AssertionError("readCodes returned " + m + " for 3");
        }
        out.write(buf, 0, m * k);
      }
      if (!r.complete() || r.readCodes(buf, 0, 3) != -1) {
        throw new AssertionError("a stream read to its end is not complete");
      }
      return r.vectorsRead();
    } catch (MalformedInputException expected) {
      documented(expected, input);
      if (r != null) {
        // latched: the next read throws the same
        try {
          r.readCodes(new byte[k], 0, 1);
          throw new AssertionError("a failed reader reads on");
        } catch (MalformedInputException same) {
          if (same != expected) {
            throw new AssertionError("a failed reader throws another exception", same);
          }
        } catch (IOException other) {
          throw new AssertionError("undocumented exception " + other, other);
        }
        return r.vectorsRead();
      }
      return 0;
    } catch (IOException e) {
      throw new AssertionError("undocumented exception " + e, e);
    }
  }

  /** Reads every vector, 5 at a time; returns how many, whatever ended the stream. */
  private static long readVectors(byte[] input, Codebook cb, ByteArrayOutputStream out) {
    int d = cb.dimension();
    SignStreamReader r = null;
    try {
      r = new SignStreamReader(new ByteArrayInputStream(input), decoder(cb));
      float[] buf = new float[5 * d];
      int m;
      while ((m = r.read(buf, 0, 5)) >= 0) {
        out.write(floatBytes(Arrays.copyOf(buf, m * d)));
      }
      return r.vectorsRead();
    } catch (MalformedInputException expected) {
      documented(expected, input);
      return r == null ? 0 : r.vectorsRead();
    } catch (IOException e) {
      throw new AssertionError("undocumented exception " + e, e);
    }
  }

  private static void documented(MalformedInputException e, byte[] input) {
    if (e.getMessage() == null || e.offset() < 0 || e.offset() > input.length) {
      throw new AssertionError("no message or an offset outside the input: " + e, e);
    }
  }

  private static byte[] floatBytes(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length);
    for (float f : v) {
      b.putInt(Float.floatToRawIntBits(f));
    }
    return b.array();
  }

  /** Streams the writer wrote with each codebook, by seed file name. */
  public static Map<String, byte[]> seeds() throws IOException {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    for (int i = 0; i < CODEBOOKS.size(); i++) {
      Codebook cb = CODEBOOKS.get(i);
      float[] x = TestData.isotropic(11, cb.dimension(), 40 + i);
      seeds.put("codebook" + i + "-11-in-blocks-of-4", write(cb, x, 11, 4));
      seeds.put("codebook" + i + "-1", write(cb, x, 1, 4096));
      seeds.put("codebook" + i + "-empty", write(cb, x, 0, 4096));
    }
    return seeds;
  }

  private static byte[] write(Codebook cb, float[] x, int count, int blockVectors)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SignStreamWriter w = new SignStreamWriter(out, cb, blockVectors)) {
      w.write(x, 0, count);
    }
    return out.toByteArray();
  }

  /**
   * Rewrites the seed files: {@code mvn -pl codec-core test -Dtest=SignStreamCoverageFuzzTest
   * -Dfuzz.writeSeeds=src/test/resources -Dsurefire.failIfNoSpecifiedTests=false}.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = ".+")
  void writeSeeds() throws Exception {
    io.signcodec.core.FuzzInputs.writeSeeds(
        "io/signcodec/core/stream/SignStreamCoverageFuzzTestInputs/readStream",
        seeds(),
        (name, seed) -> readStream(seed));
  }
}
