package io.signcodec.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.TestData;
import io.signcodec.core.stream.CodebookMismatchException;
import io.signcodec.core.stream.SignStreamReader;
import io.signcodec.core.stream.StreamFormat;
import io.signcodec.core.train.CodebookTrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SignCompressorTest {
  private static final int D = 24;
  private static final Codebook CODEBOOK =
      CodebookTrainer.builder().rate(1).seed(8).build().isotropic(D);
  private static final int COUNT = 2_500;
  private static final float[] X = TestData.isotropic(COUNT, D, 9);

  @AfterEach
  void forget() {
    SignCodebooks.unregister(CODEBOOK);
  }

  static byte[] floatBytes(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  static byte[] reconstruction() {
    byte[] codes = new byte[COUNT * CODEBOOK.codeBytes()];
    SignEncoder.of(CODEBOOK).encode(X, 0, codes, 0, COUNT);
    float[] out = new float[X.length];
    LinearDecoder.of(CODEBOOK).decode(codes, 0, out, 0, COUNT);
    return floatBytes(out);
  }

  @Test
  void directStreamsRoundTripToTheReconstruction() throws IOException {
    ByteArrayOutputStream container = new ByteArrayOutputStream();
    try (SignCompressorOutputStream out = new SignCompressorOutputStream(container, CODEBOOK)) {
      byte[] raw = floatBytes(X);
      // Odd write sizes, splitting floats and vectors.
      int off = 0;
      int step = 1;
      while (off < raw.length) {
        int n = Math.min(step, raw.length - off);
        out.write(raw, off, n);
        off += n;
        step = step * 3 % 1013 + 1;
      }
      out.write(new byte[0], 0, 0);
    }
    byte[] compressed = container.toByteArray();
    // 32× smaller at r = 1, plus a header, one block frame per 4 096 vectors and an end marker.
    assertEquals(32 + (4 + COUNT * D / 8 + 4) + 16, compressed.length);
    try (SignCompressorInputStream in =
        new SignCompressorInputStream(new ByteArrayInputStream(compressed), CODEBOOK)) {
      ByteArrayOutputStream back = new ByteArrayOutputStream();
      byte[] buf = new byte[777];
      int n;
      while ((n = in.read(buf)) > 0) {
        back.write(buf, 0, n);
      }
      assertArrayEquals(reconstruction(), back.toByteArray());
      assertEquals(4L * COUNT * D, in.getUncompressedCount());
      assertEquals(compressed.length, in.getCompressedCount());
      assertEquals(-1, in.read());
    }
  }

  @Test
  void theFactoryFindsTheProviderByName() throws Exception {
    SignCodebooks.setDefault(CODEBOOK);
    CompressorStreamFactory factory = new CompressorStreamFactory();
    assertTrue(
        factory.getCompressorOutputStreamProviders().get("SIGNCODEC")
            instanceof SignCompressorStreamProvider);
    assertTrue(
        factory.getCompressorInputStreamProviders().get("SIGNCODEC")
            instanceof SignCompressorStreamProvider);
    ByteArrayOutputStream container = new ByteArrayOutputStream();
    try (OutputStream out = factory.createCompressorOutputStream("signcodec", container)) {
      out.write(floatBytes(X));
    }
    assertTrue(SignCompressorInputStream.matches(container.toByteArray(), 8));
    assertTrue(!SignCompressorInputStream.matches(new byte[] {'S', 'G'}, 2));
    try (InputStream in =
        factory.createCompressorInputStream(
            "signcodec", new ByteArrayInputStream(container.toByteArray()))) {
      assertArrayEquals(reconstruction(), in.readAllBytes());
    }
  }

  @Test
  void theFactoryNeedsRegisteredCodebooks() throws IOException {
    CompressorStreamFactory factory = new CompressorStreamFactory();
    CompressorException noDefault =
        assertThrows(
            CompressorException.class,
            () -> factory.createCompressorOutputStream("signcodec", new ByteArrayOutputStream()));
    assertEquals("no default codebook: register one with SignCodebooks", noDefault.getMessage());
    ByteArrayOutputStream container = new ByteArrayOutputStream();
    new SignCompressorOutputStream(container, CODEBOOK).close();
    CompressorException unknown =
        assertThrows(
            CompressorException.class,
            () ->
                factory.createCompressorInputStream(
                    "signcodec", new ByteArrayInputStream(container.toByteArray())));
    assertEquals(
        String.format(
            "no registered codebook has fingerprint %s (d=24, n=24);"
                + " register it with SignCodebooks",
            CODEBOOK.fingerprintHex()),
        unknown.getMessage());
    CompressorException garbage =
        assertThrows(
            CompressorException.class,
            () ->
                factory.createCompressorInputStream(
                    "signcodec",
                    new ByteArrayInputStream(
                        "not a stream at all, certainly not..."
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    assertEquals(
        "cannot open signcodec stream: not a signcodec stream: bad magic" + " (at byte offset 0)",
        garbage.getMessage());
  }

  @Test
  void aPartialVectorAtTheEndIsReportedAndTheRestKept() throws IOException {
    ByteArrayOutputStream container = new ByteArrayOutputStream();
    SignCompressorOutputStream out = new SignCompressorOutputStream(container, CODEBOOK);
    out.write(floatBytes(X), 0, 4 * D * 3 + 10);
    CompressorException e = assertThrows(CompressorException.class, out::close);
    assertEquals(
        "input ended with 10 bytes that do not make a whole vector of 24 float32"
            + " (96 bytes); 3 whole vectors were written",
        e.getMessage());
    SignStreamReader r =
        new SignStreamReader(new ByteArrayInputStream(container.toByteArray()), CODEBOOK);
    assertEquals(3, r.read(new float[3 * D], 0, 3));
    assertEquals(-1, r.read(new float[D], 0, 1));
    assertTrue(r.complete());
  }

  @Test
  void nonFiniteInputIsNamedByItsPositionInTheWholeInput() throws IOException {
    float[] bad = X.clone();
    bad[1500 * D + 7] = Float.NaN;
    SignCompressorOutputStream out =
        new SignCompressorOutputStream(new ByteArrayOutputStream(), CODEBOOK);
    CompressorException e =
        assertThrows(CompressorException.class, () -> out.write(floatBytes(bad)));
    assertEquals(
        "cannot encode input: vector 1500, component 7 is NaN (not finite)", e.getMessage());
  }

  @Test
  void aStreamFromAnotherCodebookIsRefused() throws IOException {
    ByteArrayOutputStream container = new ByteArrayOutputStream();
    new SignCompressorOutputStream(container, CODEBOOK).close();
    Codebook other = CodebookTrainer.builder().rate(1).seed(9).build().isotropic(D);
    assertThrows(
        CodebookMismatchException.class,
        () ->
            new SignCompressorInputStream(
                new ByteArrayInputStream(container.toByteArray()), other));
    assertEquals(StreamFormat.HEADER_BYTES + StreamFormat.END_BYTES, container.size());
  }
}
