package io.signcodec.core.vectors;

import static io.signcodec.core.vectors.Fixtures.randomVectors;
import static io.signcodec.core.vectors.Fixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.signcodec.core.Caps;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.VectorReader;
import io.signcodec.core.VectorSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorFilesTest {

  @Test
  void npyPreambleIsTheHeaderNumPyWritesAndItsReaderReads() throws IOException {
    byte[] one = VectorFiles.npyPreamble("'<f4'", 3);
    String header =
        new String(one, 10, one.length - 10, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertEquals(0, one.length % 64);
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", header.strip());
    // A 2-D float32 preamble and its rows read back as vectors.
    float[] x = {1, 2, 3, 4, 5, 6};
    java.nio.ByteBuffer body =
        java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float v : x) {
      body.putFloat(v);
    }
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.write(VectorFiles.npyPreamble("'<f4'", 2, 3));
    file.write(body.array());
    try (VectorReader r =
        VectorFiles.reader(
            new ByteArrayInputStream(file.toByteArray()),
            VectorFormat.NPY,
            VectorFileOptions.defaults())) {
      float[] back = new float[6];
      assertEquals(2, r.read(back, 0, 2));
      assertArrayEquals(x, back);
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> VectorFiles.npyPreamble("'<f4'", 2, -1));
    assertEquals("shape: [2, -1]", e.getMessage());
  }

  @Test
  void formatIsTakenFromTheNameWithoutItsCompressionSuffix() {
    assertEquals(Optional.of(VectorFormat.FVECS), VectorFormat.fromFileName("sift.fvecs"));
    assertEquals(Optional.of(VectorFormat.FVECS), VectorFormat.fromFileName("SIFT.FVECS.GZ"));
    assertEquals(Optional.of(VectorFormat.BVECS), VectorFormat.fromFileName("a.bvecs.bz2"));
    assertEquals(Optional.of(VectorFormat.NPY), VectorFormat.fromFileName("a.npy.zst"));
    assertEquals(Optional.of(VectorFormat.NPZ), VectorFormat.fromFileName("a.npz.xz"));
    assertEquals(Optional.empty(), VectorFormat.fromFileName("a.gz"));
    assertEquals(Optional.empty(), VectorFormat.fromFileName("a.fvecs.gz.gz"));
    assertEquals(Optional.empty(), VectorFormat.fromFileName("a.f32"));
  }

  @Test
  void unknownNameOrMissingRawDimensionIsTheCallersMistake(@TempDir Path dir) throws IOException {
    Path file = Files.write(dir.resolve("vectors.dat"), new byte[16]);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> VectorFiles.open(file));
    assertEquals(
        "cannot tell the vector format of 'vectors.dat' from its name: expected .fvecs, "
            + ".bvecs, .npy or .npz, optionally followed by .gz, .bz2, .xz or .zst; or give the format "
            + "with VectorFileOptions.withFormat",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            VectorFiles.open(
                file, VectorFileOptions.defaults().withFormat(VectorFormat.RAW_FLOAT32)));
    VectorSource raw =
        VectorFiles.open(
            file,
            VectorFileOptions.defaults().withFormat(VectorFormat.RAW_FLOAT32).withDimension(2));
    assertEquals(2, VectorFiles.readAll(raw, 10).count());
    assertThrows(
        IllegalArgumentException.class,
        () -> VectorFileOptions.defaults().withDimension(Caps.MAX_DIMENSION + 1));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            VectorFiles.reader(
                new ByteArrayInputStream(new byte[0]),
                VectorFormat.NPY,
                VectorFileOptions.defaults().withFormat(VectorFormat.FVECS)));
  }

  @Test
  void aFileSourceCanBeReadAgainAndAgain(@TempDir Path dir) throws IOException {
    int d = 8;
    float[] v = randomVectors(41, 100, d);
    Path file = dir.resolve("train.fvecs");
    try (VectorWriter w = VectorFiles.fvecsWriter(file, d)) {
      w.write(v, 0, 60);
      w.write(v, 60 * d, 40);
      assertEquals(100, w.written());
    }
    VectorSource source = VectorFiles.open(file);
    assertEquals(d, source.dimension());
    for (int pass = 0; pass < 3; pass++) {
      try (VectorReader r = source.open()) {
        assertArrayEquals(v, readAll(r, 7 + pass));
      }
    }
    try (VectorWriter w = VectorFiles.fvecsWriter(file, d + 1)) {
      w.write(new float[d + 1], 0, 1);
    }
    MalformedInputException e = assertThrows(MalformedInputException.class, source::open);
    assertEquals(
        "train.fvecs: dimension is now 9, but was 8 when the source was opened; the file "
            + "changed",
        e.getMessage());
  }

  @Test
  void npyWriterToAPath(@TempDir Path dir) throws IOException {
    float[] v = randomVectors(42, 10, 3);
    Path file = dir.resolve("a.npy");
    try (VectorWriter w = VectorFiles.npyWriter(file, 3, 10)) {
      w.write(v, 0, 10);
    }
    assertArrayEquals(v, VectorFiles.readAll(file, 100).vectors());
    assertThrows(IllegalArgumentException.class, () -> VectorFiles.npyWriter(file, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> VectorFiles.npyWriter(file, 3, -1));
  }

  @Test
  void dimensionInTheOptionsIsCheckedForEveryFormat(@TempDir Path dir) throws IOException {
    Path file = Files.write(dir.resolve("a.npy"), Fixtures.npy(1, "<f4", new float[6], 3));
    MalformedInputException e =
        assertThrows(
            MalformedInputException.class,
            () -> VectorFiles.open(file, VectorFileOptions.defaults().withDimension(2)));
    assertEquals(
        "a.npy: vectors have dimension 3, expected 2 (given in the options)", e.getMessage());
  }

  @Test
  void readAllStopsAtTheCapAndGrowsOnlyAsNeeded(@TempDir Path dir) throws IOException {
    int d = 3;
    float[] v = randomVectors(43, 2500, d);
    VectorSource source = VectorSource.of(v, d);
    LoadedVectors all = VectorFiles.readAll(source, Integer.MAX_VALUE / 4);
    assertEquals(2500, all.count());
    assertArrayEquals(v, all.vectors());
    LoadedVectors some = VectorFiles.readAll(source, 1100);
    assertEquals(1100, some.count());
    assertArrayEquals(Arrays.copyOf(v, 1100 * d), some.vectors());
    assertEquals(0, VectorFiles.readAll(source, 0).count());
    assertThrows(IllegalArgumentException.class, () -> VectorFiles.readAll(source, -1));
    assertThrows(
        IllegalArgumentException.class, () -> VectorFiles.readAll(source, Integer.MAX_VALUE));
    Path file = Files.write(dir.resolve("a.fvecs"), Fixtures.fvecs(v, d));
    LoadedVectors fromFile = VectorFiles.readAll(file, 10);
    assertEquals(10, fromFile.count());
    assertEquals(d, fromFile.dimension());
    assertArrayEquals(Arrays.copyOf(v, 10 * d), fromFile.vectors());
    assertArrayEquals(fromFile.vectors(), VectorFiles.readAll(fromFile.asSource(), 99).vectors());
  }

  @Test
  void copyConvertsBetweenFormats() throws IOException {
    int d = 4;
    float[] v = randomVectors(44, 333, d);
    ByteArrayOutputStream npy = new ByteArrayOutputStream();
    try (VectorReader r = VectorSource.of(v, d).open();
        VectorWriter w = VectorFiles.npyWriter(npy, d, 333)) {
      assertEquals(333, VectorFiles.copy(r, w));
    }
    ByteArrayOutputStream fvecs = new ByteArrayOutputStream();
    try (VectorReader r = Fixtures.reader(npy.toByteArray(), "a.npy", VectorFormat.NPY);
        VectorWriter w = VectorFiles.fvecsWriter(fvecs, d)) {
      assertEquals(333, VectorFiles.copy(r, w));
    }
    assertArrayEquals(Fixtures.fvecs(v, d), fvecs.toByteArray());
    try (VectorReader r = VectorSource.of(v, d).open();
        VectorWriter w = VectorFiles.fvecsWriter(new ByteArrayOutputStream(), d + 1)) {
      assertThrows(IllegalArgumentException.class, () -> VectorFiles.copy(r, w));
    }
  }

  @Test
  void anArraySourceChecksTheDestination() throws IOException {
    try (VectorReader r = VectorSource.of(new float[12], 3).open()) {
      assertEquals(
          "cannot read 2 vectors of dimension 3 into an array of length 5 at offset 0",
          assertThrows(IndexOutOfBoundsException.class, () -> r.read(new float[5], 0, 2))
              .getMessage());
      assertThrows(IndexOutOfBoundsException.class, () -> r.read(new float[6], 1, 2));
      assertThrows(IndexOutOfBoundsException.class, () -> r.read(new float[6], 0, -1));
      assertEquals(2, r.read(new float[6], 0, 2));
    }
  }

  @Test
  void writersCheckTheirArguments() throws IOException {
    VectorWriter w = VectorFiles.fvecsWriter(new ByteArrayOutputStream(), 3);
    assertEquals(
        "cannot take 2 vectors of dimension 3 from an array of length 5 at offset 0",
        assertThrows(IndexOutOfBoundsException.class, () -> w.write(new float[5], 0, 2))
            .getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> w.write(new float[6], -1, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> VectorFiles.fvecsWriter(new ByteArrayOutputStream(), 65537));
    w.close();
    assertThrows(IllegalStateException.class, () -> w.write(new float[3], 0, 1));
  }
}
