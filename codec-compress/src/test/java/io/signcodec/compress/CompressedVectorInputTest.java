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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZUtils;
import org.apache.commons.compress.compressors.zstandard.ZstdUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core's vector-file readers with {@link CommonsCompressDecompressor} on the classpath: bzip2,
 * xz and zstd input of every format reads as the core reads gzip.
 */
class CompressedVectorInputTest {
  private static final int D = 5;
  private static final float[] V = Fixtures.randomVectors(31, 23, D);

  static byte[] bzip2(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(out)) {
      bz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
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

  @Test
  void xzNeedsItsLibraryOrRoundTrips() throws IOException {
    byte[] xz = Fixtures.resource("numpy_f32.npy.xz");
    if (XZUtils.isXZCompressionAvailable()) {
      try (VectorReader r = reader(xz, "numpy_f32.npy.xz", VectorFormat.NPY)) {
        assertArrayEquals(numpyValues(15), readAll(r, 2));
      }
    } else {
      IOException e = assertThrows(IOException.class,
          () -> reader(xz, "numpy_f32.npy.xz", VectorFormat.NPY));
      assertEquals(IOException.class, e.getClass());
      assertEquals("numpy_f32.npy.xz: input is xz-compressed; reading xz needs org.tukaani:xz on "
          + "the classpath (or decompress the file first)", e.getMessage());
    }
  }

  @Test
  void zstdNeedsItsLibraryOrRoundTrips() throws IOException {
    byte[] zst = Fixtures.resource("numpy_f32.npy.zst");
    if (ZstdUtils.isZstdCompressionAvailable()) {
      try (VectorReader r = reader(zst, "numpy_f32.npy.zst", VectorFormat.NPY)) {
        assertArrayEquals(numpyValues(15), readAll(r, 2));
      }
    } else {
      IOException e = assertThrows(IOException.class,
          () -> reader(zst, "numpy_f32.npy.zst", VectorFormat.NPY));
      assertEquals(IOException.class, e.getClass());
      assertEquals("numpy_f32.npy.zst: input is zstd-compressed; reading zstd needs "
          + "com.github.luben:zstd-jni on the classpath (or decompress the file first)",
          e.getMessage());
    }
  }
}
