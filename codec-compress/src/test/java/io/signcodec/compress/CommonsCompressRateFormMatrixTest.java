package io.signcodec.compress;

import static io.signcodec.core.stream.RateFormMatrixTest.X;
import static io.signcodec.core.stream.RateFormMatrixTest.directDecode;
import static io.signcodec.core.stream.RateFormMatrixTest.floatBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.signcodec.core.Codebook;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The core's rate and form matrix through Commons Compress: every codebook form at every rate it
 * allows, written and read through {@code CompressorStreamFactory}, gives back exactly what the
 * library decodes directly.
 */
class CommonsCompressRateFormMatrixTest {

  @ParameterizedTest(name = "{0} r = {1}")
  @MethodSource("io.signcodec.core.stream.RateFormMatrixTest#codebooks")
  void commonsCompressRoundTrip(String form, double rate, Codebook codebook) throws Exception {
    SignCodebooks.register(codebook);
    try {
      CompressorStreamFactory factory = new CompressorStreamFactory();
      ByteArrayOutputStream container = new ByteArrayOutputStream();
      SignCodebooks.setDefault(codebook);
      try (OutputStream out =
          factory.createCompressorOutputStream(SignCompressorStreamProvider.NAME, container)) {
        out.write(floatBytes(X));
      }
      byte[] decoded;
      try (InputStream in =
          factory.createCompressorInputStream(
              SignCompressorStreamProvider.NAME,
              new ByteArrayInputStream(container.toByteArray()))) {
        decoded = in.readAllBytes();
      }
      assertArrayEquals(floatBytes(directDecode(codebook)), decoded);
    } finally {
      SignCodebooks.unregister(codebook);
    }
  }
}
