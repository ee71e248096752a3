package io.signcodec.core.vectors;

import static io.signcodec.core.vectors.Fixtures.concat;
import static io.signcodec.core.vectors.Fixtures.dict;
import static io.signcodec.core.vectors.Fixtures.drain;
import static io.signcodec.core.vectors.Fixtures.npy;
import static io.signcodec.core.vectors.Fixtures.npyData;
import static io.signcodec.core.vectors.Fixtures.npyPreamble;
import static io.signcodec.core.vectors.Fixtures.randomVectors;
import static io.signcodec.core.vectors.Fixtures.readAll;
import static io.signcodec.core.vectors.Fixtures.reader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import io.signcodec.core.UnsupportedVersionException;
import io.signcodec.core.VectorReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NpyReaderTest {

  private static float[] read(byte[] file) throws IOException {
    try (VectorReader r = reader(file, "a.npy", VectorFormat.NPY)) {
      return readAll(r, 3);
    }
  }

  @Test
  void float32AndFloat64InBothByteOrdersAndAllHeaderVersions() throws IOException {
    int d = 5;
    float[] v = randomVectors(11, 13, d);
    for (int major = 1; major <= 3; major++) {
      for (String descr : new String[] {"<f4", ">f4", "<f8", ">f8"}) {
        byte[] file = npy(major, descr, v, d);
        try (VectorReader r = reader(file, "a.npy", VectorFormat.NPY)) {
          assertEquals(d, r.dimension());
          // every float is exactly a double, so f8 input converts back exactly
          assertArrayEquals(v, readAll(r, 1, 4), major + " " + descr);
        }
      }
    }
  }

  @Test
  void float64IsNarrowedByACast() throws IOException {
    double[] values = {0.1, 1e300, -1e300, Double.NaN, 1.0 / 3};
    ByteBuffer data = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : values) {
      data.putDouble(x);
    }
    float[] got = read(concat(npyPreamble(1, dict("<f8", "(1, 5)")), data.array()));
    for (int i = 0; i < values.length; i++) {
      assertEquals((float) values[i], got[i]);
    }
  }

  @Test
  void integerDtypes() throws IOException {
    float[] v = {0, 1, 255, 7, 128, 3};
    assertArrayEquals(v, read(npy(1, "|u1", v, 3)));
    float[] ints = {-5, 16777216, 2, 0, -2147483648f, 9};
    assertArrayEquals(ints, read(npy(1, "<i4", ints, 2)));
    assertArrayEquals(ints, read(npy(2, ">i4", ints, 3)));
  }

  @Test
  void oneDimensionalShapeIsOneVector() throws IOException {
    float[] v = randomVectors(12, 1, 9);
    byte[] file = concat(npyPreamble(1, dict("<f4", "(9,)")), npyData("<f4", v));
    try (VectorReader r = reader(file, "a.npy", VectorFormat.NPY)) {
      assertEquals(9, r.dimension());
      assertArrayEquals(v, readAll(r, 2));
    }
  }

  @Test
  void zeroRowsIsEmpty() throws IOException {
    try (VectorReader r =
        reader(npyPreamble(1, dict("<f4", "(0, 4)")), "a.npy", VectorFormat.NPY)) {
      assertEquals(4, r.dimension());
      assertEquals(-1, r.read(new float[4], 0, 1));
    }
  }

  @Test
  void headerSyntaxVariantsNumpyAndPythonAccept() throws IOException {
    float[] v = {1, 2, 3, 4};
    for (String dict :
        new String[] {
          "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
          "{\"shape\":(2,2),\"descr\":\"<f4\",\"fortran_order\":False}",
          "{ 'descr' : '<f4' ,\n 'fortran_order' : False , 'shape' : ( 2 , 2 , ) }",
          "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), }",
          "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 4), }",
          "{'descr': '<f4', 'fortran_order': True, 'shape': (4, 1), }"
        }) {
      byte[] file = concat(npyPreamble(1, dict), npyData("<f4", v));
      assertArrayEquals(v, read(file), dict);
    }
  }

  @Test
  void theWriterMatchesNumpyByteForByte() throws IOException {
    byte[] numpy = Fixtures.resource("numpy_f32.npy");
    byte[] header = RowWriter.npyHeader("<f4", false, "(5, 3)");
    assertArrayEquals(Arrays.copyOf(numpy, header.length), header);
    float[] v = read(numpy);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorWriter w = VectorFiles.npyWriter(out, 3, 5)) {
      w.write(v, 0, 2);
      w.write(v, 6, 3);
    }
    assertArrayEquals(numpy, out.toByteArray());
  }

  @Test
  void npyWriterRoundTripsAndChecksTheCount() throws IOException {
    int d = 17;
    float[] v = randomVectors(13, 40, d);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    VectorWriter w = VectorFiles.npyWriter(out, d, 40);
    w.write(v, 0, 40);
    assertEquals(40, w.written());
    assertThrows(IllegalArgumentException.class, () -> w.write(v, 0, 1));
    w.close();
    assertEquals(0, out.size() % 64 == 0 ? 0 : (out.size() - 40 * d * 4) % 64);
    assertArrayEquals(v, read(out.toByteArray()));

    VectorWriter shortWriter = VectorFiles.npyWriter(new ByteArrayOutputStream(), d, 3);
    shortWriter.write(v, 0, 2);
    IllegalStateException e = assertThrows(IllegalStateException.class, shortWriter::close);
    assertEquals(
        "only 2 of the 3 vectors declared in the npy header were written; the file is "
            + "incomplete",
        e.getMessage());
  }

  @Test
  void longHeadersUseVersion2() throws IOException {
    String longShape = "(2, 3" + " ".repeat(70000) + ")";
    byte[] header = RowWriter.npyHeader("<f4", false, longShape);
    assertEquals(2, header[6]);
    assertEquals(0, header.length % 64);
    float[] v = randomVectors(14, 2, 3);
    assertArrayEquals(v, read(concat(header, npyData("<f4", v))));
  }

  @Test
  void everyTruncatedPrefixGivesIntactVectorsThenTruncation() throws IOException {
    int d = 3;
    float[] v = randomVectors(15, 4, d);
    byte[] file = npy(1, "<f4", v, d);
    assertEquals(128 + 48, file.length);
    for (int len = 0; len < file.length; len++) {
      byte[] prefix = Arrays.copyOf(file, len);
      String expected;
      int complete = 0;
      if (len < 8) {
        expected =
            "Premature end of stream while reading the npy magic and version: only "
                + len
                + " of 8 bytes are present";
      } else if (len < 10) {
        expected =
            "Premature end of stream while reading the npy header length: only "
                + (len - 8)
                + " of 2 bytes are present";
      } else if (len < 128) {
        expected =
            "Premature end of stream while reading the npy header (starting at byte 10): "
                + "only "
                + (len - 10)
                + " of its 118 bytes are present";
      } else {
        complete = (len - 128) / 12;
        int rest = (len - 128) % 12;
        expected =
            rest == 0
                ? "Premature end of stream while reading row "
                    + complete
                    + " of the 4 rows the header declares"
                : "Premature end of stream while reading row "
                    + complete
                    + " (starting at byte "
                    + (128 + 12 * complete)
                    + "): only "
                    + rest
                    + " of its 12 bytes are present";
      }
      expected = "t.npy: " + expected + " (at byte offset " + len + ")";
      IOException failure;
      try (VectorReader r = reader(prefix, "t.npy", VectorFormat.NPY)) {
        Fixtures.Drained drained = drain(r, 1 + len % 4);
        assertArrayEquals(Arrays.copyOf(v, complete * d), drained.vectors(), "prefix " + len);
        failure = drained.failure();
      } catch (IOException e) {
        assertTrue(len < 128, "header complete at " + len + " yet opening failed");
        failure = e;
      }
      assertEquals(TruncatedInputException.class, failure.getClass(), "prefix " + len);
      assertEquals(expected, failure.getMessage());
      assertEquals(len, ((TruncatedInputException) failure).offset());
    }
    assertArrayEquals(v, read(file));
  }

  @Test
  void trailingBytesAfterTheDeclaredRowsAreIgnored() throws IOException {
    float[] v = randomVectors(16, 2, 2);
    assertArrayEquals(v, read(concat(npy(1, "<f4", v, 2), new byte[] {1, 2, 3})));
  }

  private static MalformedInputException malformed(byte[] file) {
    MalformedInputException e =
        assertThrows(
            MalformedInputException.class, () -> reader(file, "bad.npy", VectorFormat.NPY).close());
    assertTrue(e.getMessage().startsWith("bad.npy: "), e.getMessage());
    return e;
  }

  private static String headerError(String dict) {
    return malformed(concat(npyPreamble(1, dict), new byte[64])).getMessage();
  }

  @Test
  void badMagic() {
    byte[] file = npy(1, "<f4", new float[4], 2);
    file[3] = 'X';
    assertEquals(
        "bad.npy: not an npy file: byte 3 is 0x58 where the magic \\x93NUMPY has 0x4D "
            + "(at byte offset 3)",
        malformed(file).getMessage());
    assertEquals(
        "bad.npy: not an npy file: byte 0 is 0x7B where the magic \\x93NUMPY has 0x93 "
            + "(at byte offset 0)",
        malformed(new byte[] {'{'}).getMessage());
  }

  @Test
  void unsupportedVersions() {
    byte[] file = npy(1, "<f4", new float[4], 2);
    file[6] = 4;
    UnsupportedVersionException e =
        assertThrows(
            UnsupportedVersionException.class, () -> reader(file, "bad.npy", VectorFormat.NPY));
    assertEquals(4, e.version());
    assertEquals(
        "unsupported npy format in bad.npy version 4 (this library reads versions up to 3) "
            + "(at byte offset 6)",
        e.getMessage());
    file[6] = 1;
    file[7] = 5;
    assertEquals(
        "bad.npy: unsupported npy format version 1.5 (this library reads 1.0, 2.0 and "
            + "3.0) (at byte offset 7)",
        malformed(file).getMessage());
  }

  @Test
  void absurdHeaderLengthIsRejectedBeforeAllocating() {
    byte[] file = new byte[16];
    System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}, 0, file, 0, 8);
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -1);
    assertEquals(
        "bad.npy: npy header length 4294967295 exceeds the cap of 1048576 bytes "
            + "(at byte offset 8)",
        malformed(file).getMessage());
  }

  @Test
  void missingAndUnexpectedKeys() {
    assertEquals(
        "bad.npy: npy header lacks the key 'shape' (at byte offset 10)",
        headerError("{'descr': '<f4', 'fortran_order': False}"));
    assertEquals(
        "bad.npy: npy header has the unexpected key 'extra' (expected only 'descr', "
            + "'fortran_order' and 'shape') (at byte offset 10)",
        headerError("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), 'extra': 1}"));
    assertEquals(
        "bad.npy: malformed npy header: duplicate key 'descr' in the header dict at "
            + "character 17 of the header (at byte offset 27)",
        headerError("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)}"));
  }

  @Test
  void badShapes() {
    assertEquals(
        "bad.npy: npy array of shape (2, 3, 4) has 3 dimensions; vectors are read only "
            + "from shape (d,) (one vector) or (n, d) (at byte offset 10)",
        headerError(dict("<f4", "(2, 3, 4)")));
    assertEquals(
        "bad.npy: npy array of shape () has 0 dimensions; vectors are read only from "
            + "shape (d,) (one vector) or (n, d) (at byte offset 10)",
        headerError(dict("<f4", "()")));
    assertEquals(
        "bad.npy: npy header 'shape' (-1, 3) must hold non-negative integers "
            + "(at byte offset 10)",
        headerError(dict("<f4", "(-1, 3)")));
    assertEquals(
        "bad.npy: npy header 'shape' must be a tuple, not 5 (at byte offset 10)",
        headerError(dict("<f4", "(5)")));
    assertEquals(
        "bad.npy: npy header 'shape' must be a tuple, not a list (at byte offset 10)",
        headerError(dict("<f4", "[2, 3]")));
    assertEquals(
        "bad.npy: npy header 'shape' ('2', 3) must hold non-negative integers "
            + "(at byte offset 10)",
        headerError(dict("<f4", "('2', 3)")));
    assertEquals(
        "bad.npy: npy array of shape (3, 0) has vector dimension 0, outside the "
            + "supported range 1..65536 (at byte offset 10)",
        headerError(dict("<f4", "(3, 0)")));
    assertEquals(
        "bad.npy: npy array of shape (1, 2147483647) has vector dimension 2147483647, "
            + "outside the supported range 1..65536 (at byte offset 10)",
        headerError(dict("<f4", "(1, 2147483647)")));
    assertEquals(
        "bad.npy: npy array of shape (9223372036854775807, 4) has more bytes than a "
            + "stream can hold (at byte offset 10)",
        headerError(dict("<f4", "(9223372036854775807, 4)")));
    assertEquals(
        "bad.npy: malformed npy header: integer too large at character 51 of the header "
            + "(at byte offset 61)",
        headerError(dict("<f4", "(99999999999999999999, 4)")));
  }

  @Test
  void fortranOrderIsUnsupportedForRealMatrices() {
    assertEquals(
        "bad.npy: npy array of shape (3, 4) is stored in Fortran (column-major) order, "
            + "which is not supported; save it with numpy.ascontiguousarray (at byte offset 10)",
        headerError("{'descr': '<f4', 'fortran_order': True, 'shape': (3, 4), }"));
    assertEquals(
        "bad.npy: npy header 'fortran_order' must be True or False, not 0 " + "(at byte offset 10)",
        headerError("{'descr': '<f4', 'fortran_order': 0, 'shape': (3, 4), }"));
  }

  @Test
  void unknownDtypes() {
    String supported = "supported dtypes: '<f4', '>f4', '<f8', '>f8', '|u1', '<i4', '>i4'";
    assertEquals(
        "bad.npy: unsupported npy dtype '<f2'; " + supported + " (at byte offset 10)",
        headerError(dict("<f2", "(2, 2)")));
    assertEquals(
        "bad.npy: unsupported npy dtype '<U8'; " + supported + " (at byte offset 10)",
        headerError(dict("<U8", "(2, 2)")));
    assertEquals(
        "bad.npy: npy array has a structured dtype (a list 'descr'), which is not "
            + "supported; "
            + supported
            + " (at byte offset 10)",
        headerError(
            "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, "
                + "'shape': (2,), }"));
    assertEquals(
        "bad.npy: npy header 'descr' must be a string, not None (at byte offset 10)",
        headerError("{'descr': None, 'fortran_order': False, 'shape': (2,), }"));
  }

  @Test
  void headerSyntaxErrorsSayWhere() {
    assertEquals(
        "bad.npy: malformed npy header: expected '{' to start the header dict at "
            + "character 0 of the header (at byte offset 10)",
        headerError("['descr']"));
    assertEquals(
        "bad.npy: malformed npy header: line break inside a string at character 10 of "
            + "the header (at byte offset 20)",
        headerError("{'descr': '<f4"));
    assertEquals(
        "bad.npy: malformed npy header: expected ',' or '}' in the header dict, found "
            + "\"'\" at character 16 of the header (at byte offset 26)",
        headerError("{'descr': '<f4' 'fortran_order': False}"));
    assertEquals(
        "bad.npy: malformed npy header: unexpected name 'false' at character 34 of the "
            + "header (at byte offset 44)",
        headerError("{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}"));
    assertEquals(
        "bad.npy: malformed npy header: unexpected 'x' after the header dict at "
            + "character 56 of the header (at byte offset 66)",
        headerError("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x"));
    assertEquals(
        "bad.npy: malformed npy header: expected a value, found the end of the header "
            + "at character 54 of the header (at byte offset 64)",
        headerError("{'descr': "));
    String deep = "{'descr': '<f4', 'fortran_order': False, 'shape': " + "(".repeat(100000);
    assertTrue(headerError(deep).contains("values nested deeper than 16 levels"));
  }

  @Test
  void version3HeadersAreUtf8() throws IOException {
    float[] v = {1, 2};
    byte[] ok = concat(npyPreamble(3, dict("<f4", "(1, 2)")), npyData("<f4", v));
    assertArrayEquals(v, read(ok));
    byte[] unicodeKey =
        concat(
            npyPreamble(
                3,
                "{'descr': '<f4', 'fortran_order': False, " + "'shape': (1, 2), 'd\u00e9scr': 1}"),
            npyData("<f4", v));
    assertEquals(
        "bad.npy: npy header has the unexpected key 'd\u00e9scr' (expected only 'descr', "
            + "'fortran_order' and 'shape') (at byte offset 12)",
        malformed(unicodeKey).getMessage());
    byte[] badUtf8 = npyPreamble(3, dict("<f4", "(1, 2)"));
    badUtf8[13] = (byte) 0xC3;
    assertEquals(
        "bad.npy: npy 3.0 header is not valid UTF-8 (at byte offset 12)",
        malformed(badUtf8).getMessage());
  }

  @Test
  void numpyWrittenFixtures() throws IOException {
    float[] expected = new float[15];
    for (int i = 0; i < 15; i++) {
      expected[i] = i * 0.25f - 1;
    }
    assertArrayEquals(expected, read(Fixtures.resource("numpy_f32.npy")));
    assertArrayEquals(Arrays.copyOf(expected, 8), read(Fixtures.resource("numpy_f64_be.npy")));
    try (VectorReader r =
        reader(Fixtures.resource("numpy_one_vector.npy"), "a.npy", VectorFormat.NPY)) {
      assertEquals(6, r.dimension());
      assertArrayEquals(Arrays.copyOf(expected, 6), readAll(r, 5));
    }
  }

  @Test
  void noFailureWhenExactlyComplete() throws IOException {
    try (VectorReader r = reader(npy(2, ">f8", new float[6], 3), "a.npy", VectorFormat.NPY)) {
      Fixtures.Drained drained = drain(r, 1);
      assertNull(drained.failure());
      assertEquals(2, drained.count(3));
    }
  }
}
