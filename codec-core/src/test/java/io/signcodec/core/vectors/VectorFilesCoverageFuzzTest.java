package io.signcodec.core.vectors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.VectorReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzzing of the vector file readers (docs/FUZZING.md): {@link
 * VectorFiles#reader(java.io.InputStream, String, VectorFormat, VectorFileOptions)} on fvecs,
 * bvecs, npy, npz and raw float32, plain or compressed (gzip here; bzip2, xz and zstd need
 * codec-compress, and without it are refused as the reader documents).
 *
 * <p>Input: {@code options, file}. Options: bits 0-2 the format ({@link VectorFormat} in
 * declaration order, mod 5; raw float32 with dimension 3), bits 3-5 the batch size minus 1, bit 6
 * compression detection off.
 *
 * <p>Invariants: the reader returns 1 to batch vectors per read and then -1, or throws a {@link
 * MalformedInputException} (its subtypes included) naming the input, or the plain {@link
 * IOException} that says a decompressor is not on the classpath; nothing else, no {@link Error},
 * within the caps (the fuzz execution's heap is small; decompressed data is counted, not kept, past
 * 2^20 floats). Round trip: vectors read to the end, written as fvecs and as npy and read again,
 * are the same floats.
 *
 * <p>Seeds ({@code VectorFilesCoverageFuzzTestInputs/readVectors}): files the library's writers and
 * the tests' fixtures write, and NumPy-written ones; rewritten by {@link #writeSeeds}.
 */
public class VectorFilesCoverageFuzzTest {
  private static final VectorFormat[] FORMATS = VectorFormat.values();
  private static final int KEPT_FLOATS = 1 << 20;

  @FuzzTest(maxDuration = "10m")
  void readVectors(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int options = input[0];
    VectorFormat format = FORMATS[(options & 7) % FORMATS.length];
    int batch = 1 + ((options >> 3) & 7);
    VectorFileOptions fileOptions =
        VectorFileOptions.defaults().withCompressionDetection((options & 64) == 0);
    if (format == VectorFormat.RAW_FLOAT32) {
      fileOptions = fileOptions.withDimension(3);
    }
    byte[] file = Arrays.copyOfRange(input, 1, input.length);
    check(file, format, fileOptions, batch);
  }

  /** Entry point of standalone Jazzer (corpus merge, docs/FUZZING.md). */
  public static void fuzzerTestOneInput(byte[] input) {
    new VectorFilesCoverageFuzzTest().readVectors(input);
  }

  /** Reads {@code file} to its end or first error; checks the invariants. */
  protected void check(byte[] file, VectorFormat format, VectorFileOptions options, int batch) {
    int d = 0;
    long total = 0;
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    boolean keptAll = true;
    try (VectorReader reader =
        VectorFiles.reader(new ByteArrayInputStream(file), "fuzzed", format, options)) {
      d = reader.dimension();
      if (d < 1 || d > io.signcodec.core.Caps.MAX_DIMENSION) {
        throw new AssertionError("dimension " + d);
      }
      float[] dst = new float[batch * d];
      int n;
      while ((n = reader.read(dst, 0, batch)) >= 0) {
        if (n < 1 || n > batch) {
          throw new AssertionError("read returned " + n + " for a batch of " + batch);
        }
        total += n;
        if (keptAll && (total * d) <= KEPT_FLOATS) {
          for (int i = 0; i < n * d; i++) {
            int bits = Float.floatToIntBits(dst[i]);
            kept.write(bits);
            kept.write(bits >>> 8);
            kept.write(bits >>> 16);
            kept.write(bits >>> 24);
          }
        } else {
          keptAll = false;
          kept.reset();
        }
      }
    } catch (MalformedInputException expected) {
      if (expected.getMessage() == null || !expected.getMessage().contains("fuzzed")) {
        throw new AssertionError("message does not name the input: " + expected, expected);
      }
      return;
    } catch (IOException e) {
      if (e.getClass() != IOException.class
          || e.getMessage() == null
          || !e.getMessage().contains("on the classpath")) {
        throw new AssertionError("undocumented exception " + e, e);
      }
      return;
    }
    // (an empty fvecs file has no dimension to read back)
    if (keptAll && total > 0) {
      roundTrip(toFloats(kept.toByteArray()), d, total);
    }
  }

  private static float[] toFloats(byte[] b) {
    float[] v = new float[b.length / 4];
    for (int i = 0; i < v.length; i++) {
      v[i] =
          Float.intBitsToFloat(
              (b[4 * i] & 0xFF)
                  | (b[4 * i + 1] & 0xFF) << 8
                  | (b[4 * i + 2] & 0xFF) << 16
                  | (b[4 * i + 3] & 0xFF) << 24);
    }
    return v;
  }

  private static void roundTrip(float[] v, int d, long count) {
    try {
      ByteArrayOutputStream fvecs = new ByteArrayOutputStream();
      try (VectorWriter w = VectorFiles.fvecsWriter(fvecs, d)) {
        w.write(v, 0, (int) count);
      }
      ByteArrayOutputStream npy = new ByteArrayOutputStream();
      try (VectorWriter w = VectorFiles.npyWriter(npy, d, count)) {
        w.write(v, 0, (int) count);
      }
      for (Map.Entry<VectorFormat, byte[]> written :
          Map.of(VectorFormat.FVECS, fvecs.toByteArray(), VectorFormat.NPY, npy.toByteArray())
              .entrySet()) {
        float[] back = new float[v.length];
        int at = 0;
        try (VectorReader r =
            VectorFiles.reader(
                new ByteArrayInputStream(written.getValue()),
                "written",
                written.getKey(),
                VectorFileOptions.defaults())) {
          if (r.dimension() != d) {
            throw new AssertionError("dimension " + r.dimension() + " read back, not " + d);
          }
          int n;
          while ((n = r.read(back, at, (v.length - at) / d)) > 0) {
            at += n * d;
          }
        }
        if (at != v.length || !Arrays.equals(intBits(back), intBits(v))) {
          throw new AssertionError(
              count + " vectors written as " + written.getKey() + " read back differently");
        }
      }
    } catch (IOException e) {
      throw new AssertionError("vectors read do not write and read back", e);
    }
  }

  private static int[] intBits(float[] v) {
    int[] bits = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      bits[i] = Float.floatToIntBits(v[i]);
    }
    return bits;
  }

  /** Files of every format, by seed file name; the option byte selects the format. */
  public static Map<String, byte[]> seeds() throws IOException {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    float[] v = Fixtures.randomVectors(51, 6, 3);
    ByteArrayOutputStream fvecs = new ByteArrayOutputStream();
    try (VectorWriter w = VectorFiles.fvecsWriter(fvecs, 3)) {
      w.write(v, 0, 6);
    }
    ByteArrayOutputStream npy = new ByteArrayOutputStream();
    try (VectorWriter w = VectorFiles.npyWriter(npy, 3, 6)) {
      w.write(v, 0, 6);
    }
    byte[] npz =
        Fixtures.zip(
            new Fixtures.Member("a.npy", Fixtures.npy(1, "<f4", v, 3), false),
            new Fixtures.Member("b.npy", Fixtures.npy(2, ">f8", v, 2), true));
    seeds.put("fvecs-written", option(VectorFormat.FVECS, 2, fvecs.toByteArray()));
    seeds.put("npy-written", option(VectorFormat.NPY, 4, npy.toByteArray()));
    seeds.put(
        "bvecs",
        option(VectorFormat.BVECS, 1, Fixtures.bvecs(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 4)));
    seeds.put("raw-d3", option(VectorFormat.RAW_FLOAT32, 3, Fixtures.raw(v)));
    seeds.put("npy-v2-f8-be", option(VectorFormat.NPY, 3, Fixtures.npy(2, ">f8", v, 6)));
    seeds.put(
        "npy-v3-u1",
        option(VectorFormat.NPY, 1, Fixtures.npy(3, "|u1", new float[] {1, 2, 3, 4}, 2)));
    seeds.put(
        "npy-i4", option(VectorFormat.NPY, 8, Fixtures.npy(1, "<i4", new float[] {1, 2, 3, 4}, 4)));
    seeds.put(
        "npy-numpy-f64-be", option(VectorFormat.NPY, 2, Fixtures.resource("numpy_f64_be.npy")));
    seeds.put("npz-stored-and-deflated", option(VectorFormat.NPZ, 2, npz));
    seeds.put("npz-numpy-savez", option(VectorFormat.NPZ, 5, Fixtures.resource("numpy_savez.npz")));
    seeds.put("fvecs-gzip", option(VectorFormat.FVECS, 3, Fixtures.gzip(fvecs.toByteArray())));
    seeds.put("npz-gzip", option(VectorFormat.NPZ, 1, Fixtures.gzip(npz)));
    seeds.put("npy-bzip2", option(VectorFormat.NPY, 1, Fixtures.resource("fuzz_seed_f32.npy.bz2")));
    return seeds;
  }

  private static byte[] option(VectorFormat format, int batch, byte[] file) {
    byte[] b = new byte[1 + file.length];
    b[0] = (byte) (format.ordinal() | (batch - 1) << 3);
    System.arraycopy(file, 0, b, 1, file.length);
    return b;
  }

  /**
   * Rewrites the seed files: {@code mvn -pl codec-core test -Dtest=VectorFilesCoverageFuzzTest
   * -Dfuzz.writeSeeds=src/test/resources -Dsurefire.failIfNoSpecifiedTests=false}.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = ".+")
  void writeSeeds() throws Exception {
    io.signcodec.core.FuzzInputs.writeSeeds(
        "io/signcodec/core/vectors/VectorFilesCoverageFuzzTestInputs/readVectors",
        seeds(),
        (name, seed) -> readVectors(seed));
  }
}
