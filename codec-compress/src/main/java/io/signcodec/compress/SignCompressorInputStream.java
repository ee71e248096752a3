package io.signcodec.compress;

import io.signcodec.core.Codebook;
import io.signcodec.core.stream.SignStreamReader;
import io.signcodec.core.stream.StreamFormat;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.apache.commons.compress.compressors.CompressorInputStream;
import org.apache.commons.compress.utils.InputStreamStatistics;

/**
 * Reads a signcodec container stream and yields the decoded vectors as little-endian float32 bytes.
 * Errors in the container surface as the {@link io.signcodec.core.MalformedInputException} subtypes
 * of {@link SignStreamReader}, after every byte of the intact blocks before them. Not thread-safe.
 */
public final class SignCompressorInputStream extends CompressorInputStream
    implements InputStreamStatistics {
  private final CountingInputStream counted;
  private final SignStreamReader reader;
  private final int dimension;
  private final float[] vectors;
  private final byte[] bytes;
  private final FloatBuffer view;
  private int available;
  private int position;
  private boolean end;

  /**
   * Reads the stream header and checks that {@code codebook} wrote it.
   *
   * @throws io.signcodec.core.stream.CodebookMismatchException if another codebook wrote it
   */
  public SignCompressorInputStream(InputStream in, Codebook codebook) throws IOException {
    this.counted = new CountingInputStream(in);
    this.reader = new SignStreamReader(counted, codebook);
    this.dimension = codebook.dimension();
    int batch = Math.max(1, Math.min(1024, (1 << 20) / (4 * dimension)));
    this.vectors = new float[batch * dimension];
    this.bytes = new byte[batch * dimension * 4];
    this.view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
  }

  /** Whether {@code signature} starts like a signcodec container stream. */
  public static boolean matches(byte[] signature, int length) {
    return length >= StreamFormat.MAGIC_BYTES && StreamFormat.magicMismatch(signature, length) < 0;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (position == available && !fill()) {
      return -1;
    }
    int n = Math.min(len, available - position);
    System.arraycopy(bytes, position, b, off, n);
    position += n;
    count(n);
    return n;
  }

  private boolean fill() throws IOException {
    if (end) {
      return false;
    }
    int m = reader.read(vectors, 0, vectors.length / dimension);
    if (m < 0) {
      end = true;
      return false;
    }
    view.clear();
    view.put(vectors, 0, m * dimension);
    available = m * dimension * 4;
    position = 0;
    return true;
  }

  @Override
  public int available() {
    return available - position;
  }

  /** Container bytes consumed so far. */
  @Override
  public long getCompressedCount() {
    return counted.count;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /** Counts the container bytes the reader consumes. */
  private static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
