package io.signcodec.core;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.signcodec.core.train.CodebookTrainer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzzing of {@link Codebook#read} (docs/FUZZING.md), every format version and
 * form. Each input is read as it is and again with its checksums made consistent ({@link
 * FuzzChecksums#codebook}), so that mutations also reach the checks behind the CRCs.
 *
 * <p>Invariants: the reader returns a codebook or throws a {@link MalformedInputException} (its
 * subtypes {@link TruncatedInputException}, {@link UnsupportedVersionException} and {@link
 * ChecksumMismatchException} included), never another exception or an {@link Error}, and allocates
 * within the caps (the fuzz execution's heap is small); a codebook it returns writes back to
 * exactly the bytes it was read from, reads back equal, and encodes (or refuses a vector that
 * overflows its arithmetic, as the encoder documents) and decodes.
 *
 * <p>Seeds ({@code CodebookCoverageFuzzTestInputs/readCodebook}) are codebooks of every form the
 * library writes, rewritten by {@link #writeSeeds}.
 */
class CodebookCoverageFuzzTest {
  @FuzzTest(maxDuration = "10m")
  void readCodebook(byte[] input) {
    check(input);
    byte[] consistent = FuzzChecksums.codebook(input);
    if (consistent != null) {
      check(consistent);
    }
  }

  /** Entry point of standalone Jazzer (corpus merge, docs/FUZZING.md). */
  public static void fuzzerTestOneInput(byte[] input) {
    new CodebookCoverageFuzzTest().readCodebook(input);
  }

  private static void check(byte[] input) {
    Codebook cb;
    try {
      cb = Codebook.read(new ByteArrayInputStream(input));
    } catch (MalformedInputException expected) {
      if (expected.getMessage() == null
          || expected.offset() < 0
          || expected.offset() > input.length) {
        throw new AssertionError(
            "no message or an offset outside the input: " + expected, expected);
      }
      return;
    } catch (IOException e) {
      throw new AssertionError("undocumented exception " + e, e);
    }
    byte[] written = cb.toByteArray();
    if (written.length != cb.serializedSize()
        || !Arrays.equals(written, Arrays.copyOf(input, written.length))) {
      throw new AssertionError(cb + " does not write back to the bytes it was read from");
    }
    Codebook again;
    try {
      again = Codebook.read(new ByteArrayInputStream(written));
    } catch (IOException e) {
      throw new AssertionError(cb + " written does not read back", e);
    }
    if (!again.equals(cb) || again.fingerprint() != cb.fingerprint()) {
      throw new AssertionError(cb + " read back as " + again);
    }
    float[] x = new float[cb.dimension()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i + 1);
    }
    byte[] code = new byte[cb.codeBytes()];
    try {
      SignEncoder.of(cb).encode(x, 0, code, 0);
    } catch (IllegalArgumentException overflow) {
      // Documented (SignEncoder, VectorChecks.checkEncodable, on main since a782bcf): a codebook
      // of finite values near ±3.4e38 can overflow float32 on any vector; it refuses the vector
      // as "... is Infinity (not finite: ...)". The all-zero code is decoded below instead.
      if (overflow.getMessage() == null || !overflow.getMessage().contains("not finite")) {
        throw new AssertionError("undocumented exception from the encoder", overflow);
      }
    }
    float[] y = LinearDecoder.of(cb).decode(code);
    if (y.length != cb.dimension()) {
      throw new AssertionError("decoded " + y.length + " floats for d = " + cb.dimension());
    }
  }

  /** Codebooks of every form and version the library writes or reads, by seed file name. */
  static Map<String, byte[]> seeds() throws IOException {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    Codebook golden = CodebookFormatTest.golden();
    seeds.put("dense-v4-golden", golden.toByteArray());
    seeds.put("dense-v1-golden", CodebookFormatTest.GOLDEN_V1.clone());
    seeds.put("staged-v2-d20", resource("staged-v2-d20.sgncb"));
    seeds.put("structured-v3-d20", resource("structured-v3-d20.sgncb"));
    int d = 6;
    Codebook shallow = CodebookTrainer.builder().rate(1).shallow().seed(3).build().isotropic(d);
    Codebook staged = CodebookTrainer.builder().rate(2.5).staged().seed(3).build().isotropic(d);
    Codebook structuredShallow =
        CodebookTrainer.builder().rate(0.5).structured().shallow().seed(3).build().isotropic(d);
    Codebook structuredStaged =
        CodebookTrainer.builder().rate(2.5).structured().staged().seed(3).build().isotropic(d);
    VectorSource data = VectorSource.of(TestData.powerLaw(200, d, 1, 5), d);
    Codebook allocatedIsotropic =
        CodebookTrainer.builder().rate(2).seed(3).structured().build().trainIsotropic(data);
    Codebook allocatedTrained =
        CodebookTrainer.builder().rate(1.5).seed(3).gainBits(0).build().train(data);
    Codebook allocatedGain =
        CodebookTrainer.builder().rate(1.5).seed(3).gainBits(2).build().train(data);
    Codebook allocatedStructuredGain =
        Codebook.allocated(
            d,
            allocatedIsotropic.stageBits(),
            allocatedIsotropic.mean(),
            ((io.signcodec.core.internal.form.AllocatedForm) allocatedIsotropic.form()).bitScales(),
            null,
            new float[] {0.75f, 0.9f, 1f, 1.1f, 1.25f, 1.5f, 1.75f, 2f},
            allocatedIsotropic.info());
    put(seeds, "dense-shallow", shallow);
    put(seeds, "dense-staged", staged);
    put(seeds, "structured-shallow", structuredShallow);
    put(seeds, "structured-staged", structuredStaged);
    put(seeds, "allocated-isotropic", allocatedIsotropic);
    put(seeds, "allocated-trained", allocatedTrained);
    put(seeds, "allocated-gain", allocatedGain);
    put(seeds, "allocated-structured-gain", allocatedStructuredGain);
    // a jointly searched gain, and with it a first direction of 12 bits (version 6)
    put(
        seeds,
        "allocated-joint-gain",
        CodebookTrainer.builder().rate(1.5).seed(3).gainBits(2, true).build().train(data));
    int[] stages = allocatedTrained.stageBits();
    int[] deep = java.util.Arrays.copyOf(stages, 12);
    float[] scales =
        ((io.signcodec.core.internal.form.AllocatedForm) allocatedTrained.form()).bitScales();
    float[] deeper = java.util.Arrays.copyOf(scales, scales.length + 12 - stages.length);
    for (int k = stages.length; k < 12; k++) {
      deep[k] = 1;
      deeper[scales.length + k - stages.length] = (float) Math.scalb(scales[0], -k);
    }
    float[] rows = new float[stages[0] * d];
    for (int i = 0; i < stages[0]; i++) {
      System.arraycopy(
          ((io.signcodec.core.internal.form.AllocatedForm) allocatedTrained.form()).rows()[i],
          0,
          rows,
          i * d,
          d);
    }
    put(
        seeds,
        "allocated-deep-joint-gain",
        Codebook.allocated(
            d,
            deep,
            allocatedTrained.mean(),
            deeper,
            rows,
            new float[] {0.7f, 0.85f, 1f, 1.2f},
            true,
            allocatedTrained.info()));
    return seeds;
  }

  /** {@code cb}'s bytes, named by its format version and form. */
  private static void put(Map<String, byte[]> seeds, String name, Codebook cb) {
    byte[] bytes = cb.toByteArray();
    seeds.put(name + "-v" + bytes[8] + "-form" + bytes[21], bytes);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = CodebookCoverageFuzzTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  /**
   * Rewrites the seed files: {@code mvn -pl codec-core test -Dtest=CodebookCoverageFuzzTest
   * -Dfuzz.writeSeeds=src/test/resources -Dsurefire.failIfNoSpecifiedTests=false}.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = ".+")
  void writeSeeds() throws Exception {
    io.signcodec.core.FuzzInputs.writeSeeds(
        "io/signcodec/core/CodebookCoverageFuzzTestInputs/readCodebook",
        seeds(),
        (name, seed) -> readCodebook(seed));
  }
}
