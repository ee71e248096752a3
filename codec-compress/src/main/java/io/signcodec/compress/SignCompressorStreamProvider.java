package io.signcodec.compress;

import io.signcodec.core.Codebook;
import io.signcodec.core.stream.StreamFormat;
import io.signcodec.core.stream.StreamHeader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.Set;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorInputStream;
import org.apache.commons.compress.compressors.CompressorOutputStream;
import org.apache.commons.compress.compressors.CompressorStreamProvider;

/**
 * Registers the name {@value #NAME} with Commons Compress's {@code CompressorStreamFactory}
 * (through {@code META-INF/services}). Output streams use {@link SignCodebooks#defaultCodebook()};
 * input streams use the registered codebook whose fingerprint the stream's header names.
 */
public final class SignCompressorStreamProvider implements CompressorStreamProvider {
  /** The compressor name. */
  public static final String NAME = "signcodec";

  /** Made by Commons Compress, which finds the provider with {@code ServiceLoader}. */
  public SignCompressorStreamProvider() {}

  @Override
  public CompressorInputStream createCompressorInputStream(
      String name, InputStream in, boolean decompressUntilEof) throws CompressorException {
    checkName(name);
    try {
      // Read here to find the codebook, then replayed to the stream that reads it again.
      byte[] head = in.readNBytes(StreamFormat.HEADER_BYTES);
      StreamHeader header = StreamHeader.parse(head);
      Codebook codebook =
          SignCodebooks.find(header.fingerprint())
              .orElseThrow(
                  () ->
                      new CompressorException(
                          String.format(
                              "no registered codebook has fingerprint %016x"
                                  + " (d=%d, n=%d); register it with SignCodebooks",
                              header.fingerprint(), header.dimension(), header.bits())));
      return new SignCompressorInputStream(
          new SequenceInputStream(new ByteArrayInputStream(head), in), codebook);
    } catch (CompressorException e) {
      throw e;
    } catch (IOException e) {
      throw new CompressorException("cannot open signcodec stream: " + e.getMessage(), e);
    }
  }

  @Override
  public <T extends OutputStream> CompressorOutputStream<T> createCompressorOutputStream(
      String name, T out) throws CompressorException {
    checkName(name);
    Codebook codebook =
        SignCodebooks.defaultCodebook()
            .orElseThrow(
                () ->
                    new CompressorException(
                        "no default codebook: register one with SignCodebooks"));
    try {
      @SuppressWarnings("unchecked")
      CompressorOutputStream<T> stream =
          (CompressorOutputStream<T>)
              (CompressorOutputStream<?>) new SignCompressorOutputStream(out, codebook);
      return stream;
    } catch (IOException e) {
      throw new CompressorException("cannot start signcodec stream: " + e.getMessage(), e);
    }
  }

  @Override
  public Set<String> getInputStreamCompressorNames() {
    return Set.of(NAME);
  }

  @Override
  public Set<String> getOutputStreamCompressorNames() {
    return Set.of(NAME);
  }

  private static void checkName(String name) throws CompressorException {
    if (!NAME.equalsIgnoreCase(name)) {
      throw new CompressorException("this provider serves \"" + NAME + "\", not \"" + name + "\"");
    }
  }
}
