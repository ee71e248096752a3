package io.signcodec.core.vectors;

import static io.signcodec.core.vectors.Fixtures.randomVectors;
import static io.signcodec.core.vectors.Fixtures.readAll;
import static io.signcodec.core.vectors.Fixtures.reader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import io.signcodec.core.VectorReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class CompressionTest {
  private static final int D = 5;
  private static final float[] V = randomVectors(31, 23, D);
  private static final float[] BYTES_AS_FLOATS = new float[23 * D];
  private static final byte[] BYTES = new byte[23 * D];

  static {
    for (int i = 0; i < BYTES.length; i++) {
      BYTES[i] = (byte) (i * 37);
      BYTES_AS_FLOATS[i] = BYTES[i] & 0xFF;
    }
  }

  private static final Object[][] CASES = {
    {VectorFormat.FVECS, Fixtures.fvecs(V, D), V},
    {VectorFormat.BVECS, Fixtures.bvecs(BYTES, D), BYTES_AS_FLOATS},
    {VectorFormat.NPY, Fixtures.npy(1, "<f4", V, D), V},
    {
      VectorFormat.NPZ,
      Fixtures.zip(new Fixtures.Member("a.npy", Fixtures.npy(2, ">f8", V, D), true)),
      V
    },
    {VectorFormat.RAW_FLOAT32, Fixtures.raw(V), V}
  };

  private static final VectorFileOptions OPTIONS = VectorFileOptions.defaults().withDimension(D);

  @Test
  void gzipInputOfEveryFormatIsDetectedByMagic(@TempDir Path dir) throws IOException {
    assertEveryFormatIsDetectedByMagic(Fixtures::gzip, dir);
  }

  /**
   * Input of every format compressed with {@code compress} reads back, from a stream and from a
   * file named without a compression suffix: the compression is recognised by its magic number.
   */
  public static void assertEveryFormatIsDetectedByMagic(UnaryOperator<byte[]> compress, Path dir)
      throws IOException {
    for (Object[] c : CASES) {
      VectorFormat format = (VectorFormat) c[0];
      byte[] compressed = compress.apply((byte[]) c[1]);
      try (VectorReader r = reader(compressed, "v", format, OPTIONS)) {
        assertArrayEquals((float[]) c[2], readAll(r, 3), format.toString());
      }
      // a file named without a compression suffix, format taken from the name
      String name = "v." + format.name().toLowerCase().replace("raw_float32", "bin");
      Path file = Files.write(dir.resolve(name), compressed);
      VectorFileOptions options =
          format == VectorFormat.RAW_FLOAT32 ? OPTIONS.withFormat(format) : OPTIONS;
      assertArrayEquals(
          (float[]) c[2],
          VectorFiles.readAll(VectorFiles.open(file, options), 1000).vectors(),
          name);
    }
  }

  @Test
  void concatenatedGzipMembersAreOneStream() throws IOException {
    byte[] file = Fixtures.fvecs(V, D);
    int half = (file.length / 2 / 24) * 24;
    byte[] twoMembers =
        Fixtures.concat(
            Fixtures.gzip(Arrays.copyOf(file, half)),
            Fixtures.gzip(Arrays.copyOfRange(file, half, file.length)));
    try (VectorReader r = reader(twoMembers, "v.fvecs.gz", VectorFormat.FVECS)) {
      assertArrayEquals(V, readAll(r, 4));
    }
  }

  @Test
  void truncatedGzipDeliversTheVectorsBeforeTheCut() throws IOException {
    float[] v = randomVectors(32, 3000, D); // compresses to well over one chunk
    byte[] gz = Fixtures.gzip(Fixtures.fvecs(v, D));
    byte[] cut = Arrays.copyOf(gz, gz.length * 2 / 3);
    try (VectorReader r = reader(cut, "v.fvecs.gz", VectorFormat.FVECS)) {
      Fixtures.Drained drained = Fixtures.drain(r, 512);
      assertTrue(drained.count(D) > 1000, "vectors before the cut: " + drained.count(D));
      assertArrayEquals(Arrays.copyOf(v, drained.vectors().length), drained.vectors());
      assertEquals(TruncatedInputException.class, drained.failure().getClass());
      assertTrue(
          drained
              .failure()
              .getMessage()
              .startsWith(
                  "v.fvecs.gz: Premature end of stream "
                      + "while reading gzip-compressed data (at byte offset "),
          drained.failure().getMessage());
    }
  }

  @Test
  void corruptCompressedDataIsMalformed() throws IOException {
    float[] v = randomVectors(34, 3000, D);
    byte[] gz = Fixtures.gzip(Fixtures.fvecs(v, D));
    gz[gz.length - 6] ^= 0x55; // the CRC32 in the trailer
    try (VectorReader r = reader(gz, "v.fvecs", VectorFormat.FVECS)) {
      Fixtures.Drained drained = Fixtures.drain(r, 1000);
      assertEquals(MalformedInputException.class, drained.failure().getClass());
      assertTrue(
          drained.failure().getMessage().startsWith("v.fvecs: corrupt gzip-compressed data: "),
          drained.failure().getMessage());
      // the vectors decompressed before the trailer check arrived first
      assertTrue(drained.count(D) > 1000, "vectors before the failure: " + drained.count(D));
      assertArrayEquals(Arrays.copyOf(v, drained.vectors().length), drained.vectors());
    }
  }

  /** Without codec-compress, bzip2, xz and zstd input is recognised and the message says so. */
  @Test
  void bzip2XzAndZstdNeedTheCompressModule() {
    String[][] cases = {
      {"fuzz_seed_f32.npy.bz2", "bzip2"}, {"numpy_f32.npy.xz", "xz"}, {"numpy_f32.npy.zst", "zstd"}
    };
    for (String[] c : cases) {
      IOException e =
          assertThrows(
              IOException.class, () -> reader(Fixtures.resource(c[0]), c[0], VectorFormat.NPY));
      assertEquals(IOException.class, e.getClass());
      assertEquals(
          c[0]
              + ": input is "
              + c[1]
              + "-compressed; reading "
              + c[1]
              + " needs "
              + "io.signcodec:codec-compress on the classpath (or decompress the file first)",
          e.getMessage());
    }
  }

  @Test
  void detectionCanBeTurnedOffForRawData() throws IOException {
    // raw float32 data whose first float happens to be the bytes of a gzip magic number
    byte[] raw = Fixtures.raw(new float[] {0, 0});
    raw[0] = 0x1f;
    raw[1] = (byte) 0x8b;
    raw[2] = 8;
    VectorFileOptions options = VectorFileOptions.defaults().withDimension(2);
    assertThrows(
        MalformedInputException.class,
        () -> readAll(reader(raw, "r", VectorFormat.RAW_FLOAT32, options), 1));
    try (VectorReader r =
        reader(raw, "r", VectorFormat.RAW_FLOAT32, options.withCompressionDetection(false))) {
      assertEquals(1, readAll(r, 1).length / 2);
    }
  }

  @Test
  void weakSignaturesAreNotMistakenForCompression() throws IOException {
    // dimension 40056 = bytes 78 9C 00 00, which is also a zlib header
    int d = 40056;
    float[] v = randomVectors(33, 1, d);
    try (VectorReader r = reader(Fixtures.fvecs(v, d), "z.fvecs", VectorFormat.FVECS)) {
      assertArrayEquals(v, readAll(r, 1));
    }
  }

  public static float[] numpyValues(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i * 0.25f - 1;
    }
    return v;
  }
}
