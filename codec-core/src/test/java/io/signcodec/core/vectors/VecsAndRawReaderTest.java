package io.signcodec.core.vectors;

import static io.signcodec.core.vectors.Fixtures.drain;
import static io.signcodec.core.vectors.Fixtures.fvecs;
import static io.signcodec.core.vectors.Fixtures.randomVectors;
import static io.signcodec.core.vectors.Fixtures.readAll;
import static io.signcodec.core.vectors.Fixtures.reader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.signcodec.core.Caps;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import io.signcodec.core.VectorReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VecsAndRawReaderTest {

  @Test
  void fvecsRoundTripsInBatchesOfEverySize() throws IOException {
    int d = 7;
    float[] v = randomVectors(1, 41, d);
    byte[] file = fvecs(v, d);
    for (int[] batches : new int[][] {{1}, {2}, {3, 5}, {40}, {41}, {100}, {1, 17, 2}}) {
      try (VectorReader r = reader(file, "v.fvecs", VectorFormat.FVECS)) {
        assertEquals(d, r.dimension());
        assertArrayEquals(v, readAll(r, batches), Arrays.toString(batches));
      }
    }
  }

  @Test
  void fvecsLargerThanOneChunkIsReadInSeveralChunks() throws IOException {
    int d = 100; // 404-byte rows: 162 per 64 KiB chunk
    float[] v = randomVectors(2, 500, d);
    try (VectorReader r = reader(fvecs(v, d), "v.fvecs", VectorFormat.FVECS)) {
      assertArrayEquals(v, readAll(r, 1000, 3));
    }
  }

  @Test
  void readAfterTheEndKeepsReturningMinusOneAndZeroForZeroVectors() throws IOException {
    float[] v = randomVectors(3, 2, 4);
    try (VectorReader r = reader(fvecs(v, 4), "v.fvecs", VectorFormat.FVECS)) {
      float[] dst = new float[8];
      assertEquals(0, r.read(dst, 0, 0));
      assertEquals(2, r.read(dst, 0, 2));
      assertEquals(-1, r.read(dst, 0, 2));
      assertEquals(-1, r.read(dst, 0, 1));
      assertEquals(0, r.read(dst, 0, 0));
    }
  }

  @Test
  void badDestinationIsTheCallersMistake() throws IOException {
    try (VectorReader r = reader(fvecs(new float[8], 4), "v.fvecs", VectorFormat.FVECS)) {
      assertEquals(
          "cannot read 2 vectors of dimension 4 into an array of length 7 at offset 0",
          assertThrows(IndexOutOfBoundsException.class, () -> r.read(new float[7], 0, 2))
              .getMessage());
      assertThrows(IndexOutOfBoundsException.class, () -> r.read(new float[8], 1, 2));
      assertThrows(IndexOutOfBoundsException.class, () -> r.read(new float[8], 0, -1));
      r.close();
      assertThrows(IllegalStateException.class, () -> r.read(new float[8], 0, 1));
    }
  }

  @Test
  void raggedFvecsDeliversTheRowsBeforeAndNamesRowAndOffset() throws IOException {
    int d = 96;
    float[] v = randomVectors(4, 20, d);
    byte[] file = fvecs(v, d);
    int rowBytes = 4 + 4 * d;
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(17 * rowBytes, 95);
    try (VectorReader r = reader(file, "vectors.fvecs", VectorFormat.FVECS)) {
      Fixtures.Drained drained = drain(r, 5);
      assertArrayEquals(Arrays.copyOf(v, 17 * d), drained.vectors());
      MalformedInputException e = (MalformedInputException) drained.failure();
      assertEquals(MalformedInputException.class, e.getClass());
      assertEquals(
          "vectors.fvecs: row 17 has dimension 95, expected 96 (at byte offset 6596)",
          e.getMessage());
      assertEquals(17 * rowBytes, e.offset()); // 6596
      // and the failure is sticky
      assertThrows(MalformedInputException.class, () -> r.read(new float[d], 0, 1));
    }
  }

  @Test
  void absurdDimensionIsRejectedBeforeAllocating() {
    for (int bad : new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0, 65537}) {
      byte[] file = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(bad).array();
      for (VectorFormat format : new VectorFormat[] {VectorFormat.FVECS, VectorFormat.BVECS}) {
        MalformedInputException e =
            assertThrows(MalformedInputException.class, () -> reader(file, "x", format));
        assertEquals(
            "x: row 0 declares dimension "
                + bad
                + ", outside the supported range 1..65536 (at byte offset 0)",
            e.getMessage());
      }
    }
  }

  @Test
  void maximumDimensionIsAccepted() throws IOException {
    int d = Caps.MAX_DIMENSION;
    float[] v = randomVectors(5, 2, d);
    try (VectorReader r = reader(fvecs(v, d), "big.fvecs", VectorFormat.FVECS)) {
      assertArrayEquals(v, readAll(r, 1));
    }
  }

  @Test
  void everyTruncatedPrefixOfAnFvecsFileGivesIntactVectorsThenTruncation() throws IOException {
    int d = 3;
    int rowBytes = 16;
    float[] v = randomVectors(6, 4, d);
    byte[] file = fvecs(v, d);
    VectorFileOptions withDim = VectorFileOptions.defaults().withDimension(d);
    for (int len = 0; len <= file.length; len++) {
      byte[] prefix = Arrays.copyOf(file, len);
      int complete = len / rowBytes;
      int rest = len % rowBytes;
      String expected = null;
      if (rest > 0 && rest < 4) {
        expected =
            "t.fvecs: Premature end of stream while reading the dimension of row "
                + complete
                + " (starting at byte "
                + complete * rowBytes
                + "): only "
                + rest
                + " of its 4 bytes are present (at byte offset "
                + len
                + ")";
      } else if (rest >= 4) {
        expected =
            "t.fvecs: Premature end of stream while reading row "
                + complete
                + " (starting at byte "
                + complete * rowBytes
                + "): only "
                + rest
                + " of its 16 bytes are present (at byte offset "
                + len
                + ")";
      }
      Fixtures.Drained drained;
      try (VectorReader r = reader(prefix, "t.fvecs", VectorFormat.FVECS, withDim)) {
        drained = drain(r, 1 + len % 3);
      } catch (TruncatedInputException e) { // the first row's dimension is cut off
        assertEquals(0, complete);
        assertEquals(expected, e.getMessage());
        continue;
      }
      assertArrayEquals(Arrays.copyOf(v, complete * d), drained.vectors(), "prefix " + len);
      if (expected == null) {
        assertNull(drained.failure(), "prefix " + len);
      } else {
        assertEquals(TruncatedInputException.class, drained.failure().getClass());
        assertEquals(expected, drained.failure().getMessage());
        assertEquals(len, ((TruncatedInputException) drained.failure()).offset());
      }
    }
  }

  @Test
  void emptyFvecsNeedsTheDimensionFromTheOptions() throws IOException {
    MalformedInputException e =
        assertThrows(
            MalformedInputException.class,
            () -> reader(new byte[0], "empty.fvecs", VectorFormat.FVECS));
    assertEquals(
        "empty.fvecs: empty input: an empty .fvecs file has no vectors and so does not "
            + "record their dimension; give the dimension with VectorFileOptions.withDimension to read "
            + "it as zero vectors (at byte offset 0)",
        e.getMessage());
    try (VectorReader r =
        reader(
            new byte[0],
            "empty.fvecs",
            VectorFormat.FVECS,
            VectorFileOptions.defaults().withDimension(5))) {
      assertEquals(5, r.dimension());
      assertEquals(-1, r.read(new float[5], 0, 1));
    }
  }

  @Test
  void dimensionFromTheOptionsIsChecked() {
    MalformedInputException e =
        assertThrows(
            MalformedInputException.class,
            () ->
                reader(
                    fvecs(new float[6], 3),
                    "v.fvecs",
                    VectorFormat.FVECS,
                    VectorFileOptions.defaults().withDimension(4)));
    assertEquals(
        "v.fvecs: row 0 has dimension 3, expected 4 (given in the options) " + "(at byte offset 0)",
        e.getMessage());
  }

  @Test
  void bvecsRoundTripsUnsignedBytes() throws IOException {
    int d = 5;
    byte[] v = new byte[d * 30];
    new Random(7).nextBytes(v);
    v[0] = (byte) 255;
    v[1] = 0;
    float[] expected = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      expected[i] = v[i] & 0xFF;
    }
    for (int batch : new int[] {1, 4, 30, 31}) {
      try (VectorReader r = reader(Fixtures.bvecs(v, d), "v.bvecs", VectorFormat.BVECS)) {
        assertEquals(d, r.dimension());
        assertArrayEquals(expected, readAll(r, batch));
      }
    }
  }

  @Test
  void raggedBvecsIsRejected() throws IOException {
    byte[] file = Fixtures.concat(Fixtures.bvecs(new byte[8], 4), Fixtures.bvecs(new byte[3], 3));
    try (VectorReader r = reader(file, "b.bvecs", VectorFormat.BVECS)) {
      Fixtures.Drained drained = drain(r, 10);
      assertEquals(2, drained.count(4));
      assertEquals(
          "b.bvecs: row 2 has dimension 3, expected 4 (at byte offset 16)",
          drained.failure().getMessage());
    }
  }

  @Test
  void rawFloat32RoundTripsAndReportsATrailingPartialVector() throws IOException {
    int d = 6;
    float[] v = randomVectors(8, 9, d);
    VectorFileOptions options = VectorFileOptions.defaults().withDimension(d);
    try (VectorReader r = reader(Fixtures.raw(v), "v.f32", VectorFormat.RAW_FLOAT32, options)) {
      assertArrayEquals(v, readAll(r, 2));
    }
    byte[] ragged = Arrays.copyOf(Fixtures.raw(v), 9 * 24 + 10);
    try (VectorReader r = reader(ragged, "v.f32", VectorFormat.RAW_FLOAT32, options)) {
      Fixtures.Drained drained = drain(r, 4);
      assertArrayEquals(v, drained.vectors());
      assertEquals(TruncatedInputException.class, drained.failure().getClass());
      assertEquals(
          "v.f32: Premature end of stream while reading row 9 (starting at byte 216): "
              + "only 10 of its 24 bytes are present (at byte offset 226)",
          drained.failure().getMessage());
    }
    try (VectorReader r = reader(new byte[0], "e.f32", VectorFormat.RAW_FLOAT32, options)) {
      assertEquals(-1, r.read(new float[d], 0, 1));
    }
  }

  @Test
  void rawFloat32WithoutADimensionIsTheCallersMistake() {
    assertThrows(
        IllegalArgumentException.class,
        () -> reader(new byte[8], "v.f32", VectorFormat.RAW_FLOAT32));
  }

  @Test
  void aShortReadingStreamIsHandled() throws IOException {
    int d = 3;
    float[] v = randomVectors(9, 50, d);
    byte[] file = fvecs(v, d);
    InputStream dribble =
        new ByteArrayInputStream(file) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 5));
          }
        };
    try (VectorReader r =
        VectorFiles.reader(dribble, VectorFormat.FVECS, VectorFileOptions.defaults())) {
      assertArrayEquals(v, readAll(r, 7));
    }
  }

  @Test
  void failuresOfTheUnderlyingStreamPassThroughUnchanged() throws IOException {
    IOException diskError = new IOException("disk on fire");
    InputStream failing =
        new InputStream() {
          private int served;

          @Override
          public int read() throws IOException {
            if (served == 20) {
              throw diskError;
            }
            return served++ % 16 == 0 ? 3 : 0;
          }
        };
    try (VectorReader r =
        VectorFiles.reader(failing, VectorFormat.FVECS, VectorFileOptions.defaults())) {
      Fixtures.Drained drained = drain(r, 10);
      assertEquals(diskError, drained.failure());
    }
  }
}
