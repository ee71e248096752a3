package io.signcodec.compress;

import io.signcodec.core.Codebook;
import io.signcodec.core.VectorChecks;
import io.signcodec.core.stream.SignStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorOutputStream;

/**
 * Takes the bytes of little-endian float32 vectors of the codebook's dimension (a raw float file)
 * and writes them as a signcodec container stream (docs/FORMAT.md §3). Lossy: reading the result
 * back gives each vector's reconstruction.
 *
 * <p>Bytes are gathered until whole vectors are available and encoded a block at a time; memory is
 * one block. {@link #flush()} writes the complete vectors received so far as a block. {@link
 * #finish()} ends the container; if bytes of an incomplete vector are left over it still ends the
 * container with the complete ones, then throws a {@link CompressorException} saying how many bytes
 * were dropped. A NaN or infinite value throws a {@link CompressorException} naming the vector
 * (counted from the start of the input) and component; none of the up to 1024 vectors gathered with
 * it is written, the ones before them are. Not thread-safe.
 */
public final class SignCompressorOutputStream extends CompressorOutputStream<OutputStream> {
  private final SignStreamWriter writer;
  private final int vectorBytes;
  private final int dimension;
  private final byte[] pending;
  private final float[] vectors;
  private final FloatBuffer view;
  private int pendingBytes;
  private long vectorsIn;
  private boolean finishedHere;

  public SignCompressorOutputStream(OutputStream out, Codebook codebook) throws IOException {
    super(out);
    this.writer = new SignStreamWriter(out, codebook);
    this.dimension = codebook.dimension();
    this.vectorBytes = 4 * dimension;
    int batch = Math.max(1, Math.min(1024, (1 << 20) / vectorBytes));
    this.pending = new byte[batch * vectorBytes];
    this.vectors = new float[batch * dimension];
    this.view = ByteBuffer.wrap(pending).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    checkOpen();
    if (finishedHere) {
      throw new IOException("stream already finished");
    }
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      int n = Math.min(len, pending.length - pendingBytes);
      System.arraycopy(b, off, pending, pendingBytes, n);
      pendingBytes += n;
      off += n;
      len -= n;
      if (pendingBytes == pending.length) {
        encodePending();
      }
    }
  }

  /** Encodes every whole vector in {@code pending}, keeping the bytes of a partial one. */
  private void encodePending() throws IOException {
    int whole = pendingBytes / vectorBytes;
    if (whole == 0) {
      return;
    }
    view.clear();
    view.get(vectors, 0, whole * dimension);
    try {
      // Checked here to name the vector by its position in the whole input.
      VectorChecks.checkFinite(vectors, 0, whole, dimension, vectorsIn);
    } catch (IllegalArgumentException e) {
      throw new CompressorException("cannot encode input: " + e.getMessage(), e);
    }
    writer.write(vectors, 0, whole);
    vectorsIn += whole;
    int rest = pendingBytes - whole * vectorBytes;
    System.arraycopy(pending, whole * vectorBytes, pending, 0, rest);
    pendingBytes = rest;
  }

  /** Writes the complete vectors received so far as a block and flushes. */
  @Override
  public void flush() throws IOException {
    if (finishedHere) {
      // Also reached from close(), through FilterOutputStream.close().
      out().flush();
      return;
    }
    checkOpen();
    encodePending();
    writer.flush();
  }

  @Override
  public void finish() throws IOException {
    if (finishedHere) {
      return;
    }
    finishedHere = true;
    encodePending();
    writer.finish();
    if (pendingBytes > 0) {
      throw new CompressorException(
          "input ended with "
              + pendingBytes
              + " bytes that do not"
              + " make a whole vector of "
              + dimension
              + " float32 ("
              + vectorBytes
              + " bytes); "
              + vectorsIn
              + " whole vectors were written");
    }
  }

  @Override
  public void close() throws IOException {
    if (isClosed()) {
      return;
    }
    try {
      finish();
    } finally {
      super.close();
    }
  }

  /** Vectors written so far. */
  public long vectorsWritten() {
    return writer.vectorsWritten();
  }
}
