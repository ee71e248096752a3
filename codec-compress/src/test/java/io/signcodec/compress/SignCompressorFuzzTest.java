package io.signcodec.compress;

import io.signcodec.core.stream.SignStreamFuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The core's stream fuzz properties, also read through {@link SignCompressorInputStream}. */
class SignCompressorFuzzTest extends SignStreamFuzzTest {
  @Override
  protected void readOtherwise(byte[] input) throws IOException {
    try (InputStream in =
        new SignCompressorInputStream(new ByteArrayInputStream(input), CODEBOOK)) {
      in.readAllBytes();
    }
  }
}
