package io.signcodec.compress;

import static io.signcodec.core.vectors.CompressionTest.numpyValues;
import static io.signcodec.core.vectors.Fixtures.readAll;
import static io.signcodec.core.vectors.Fixtures.reader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.MalformedInputException;
import io.signcodec.core.VectorReader;
import io.signcodec.core.vectors.CompressionTest;
import io.signcodec.core.vectors.Fixtures;
import io.signcodec.core.vectors.NpzReaderTest;
import io.signcodec.core.vectors.VectorFiles;
import io.signcodec.core.vectors.VectorFormat;
import io.signcodec.core.vectors.spi.CompressionFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The core's vector-file readers with {@link CommonsCompressDecompressor} on the classpath: bzip2,
 * xz and zstd input of every format reads as the core reads gzip.
 */
class CompressedVectorInputTest {
  private static final int D = 5;
  private static final float[] V = Fixtures.randomVectors(31, 23, D);

  static byte[] bzip2(byte[] data) {
    return Fixtures.compress(data, BZip2CompressorOutputStream::new);
  }

  @Test
  void bzip2InputOfEveryFormatIsDetectedByMagic(@TempDir Path dir) throws IOException {
    CompressionTest.assertEveryFormatIsDetectedByMagic(CompressedVectorInputTest::bzip2, dir);
  }

  @Test
  void corruptBzip2IsMalformed() throws IOException {
    byte[] bz = bzip2(Fixtures.fvecs(V, D));
    bz[bz.length / 2] ^= 0x55;
    try (VectorReader r = reader(bz, "v.fvecs", VectorFormat.FVECS)) {
      IOException failure = Fixtures.drain(r, 1000).failure();
      assertNotNull(failure);
      assertTrue(failure instanceof MalformedInputException, failure.toString());
    } catch (MalformedInputException e) {
      assertTrue(e.getMessage().startsWith("v.fvecs: "), e.getMessage());
    }
  }

  @Test
  void bzip2NpzIsReadAsAStream(@TempDir Path dir) throws IOException {
    Path bz = Files.write(dir.resolve("b.npz"), bzip2(NpzReaderTest.archive()));
    try (VectorReader r = VectorFiles.open(bz).open()) {
      assertArrayEquals(NpzReaderTest.TRAIN, readAll(r, 4));
    }
  }

  /** xz and zstd read back when their library is on the classpath, and say which it is if not. */
  @ParameterizedTest
  @CsvSource({
    "XZ, numpy_f32.npy.xz, org.tukaani:xz",
    "ZSTD, numpy_f32.npy.zst, com.github.luben:zstd-jni"
  })
  void xzAndZstdNeedTheirLibraryOrRoundTrip(CompressionFormat format, String file, String library)
      throws IOException {
    byte[] compressed = Fixtures.resource(file);
    if (new CommonsCompressDecompressor().missingDependency(format).isEmpty()) {
      try (VectorReader r = reader(compressed, file, VectorFormat.NPY)) {
        assertArrayEquals(numpyValues(15), readAll(r, 2));
      }
    } else {
      IOException e =
          assertThrows(IOException.class, () -> reader(compressed, file, VectorFormat.NPY));
      assertEquals(IOException.class, e.getClass());
      String label = format.label();
      assertEquals(
          file
              + ": input is "
              + label
              + "-compressed; reading "
              + label
              + " needs "
              + library
              + " on the classpath (or decompress the file first)",
          e.getMessage());
    }
  }
}
