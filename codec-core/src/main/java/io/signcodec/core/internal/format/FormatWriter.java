package io.signcodec.core.internal.format;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32C;

/**
 * Little-endian writer of a codebook's bytes that feeds them, as they are produced, to a running
 * CRC32C, a SHA-256 digest and (if given) an output stream. A codebook is written by streaming its
 * content through one of these; its fingerprint is computed the same way without an output, so no
 * serialized copy is ever kept.
 */
final class FormatWriter {
  private static final int BUFFER = 1 << 16;

  private final OutputStream out;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();
  private final MessageDigest sha;
  private long written;

  /** A writer to {@code out}, or to the checksums alone if {@code out} is null. */
  FormatWriter(OutputStream out) {
    this.out = out;
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every Java platform", e);
    }
  }

  private void room(int bytes) throws IOException {
    if (buffer.remaining() < bytes) {
      drain();
    }
  }

  private void drain() throws IOException {
    int len = buffer.position();
    crc.update(buffer.array(), 0, len);
    sha.update(buffer.array(), 0, len);
    if (out != null) {
      out.write(buffer.array(), 0, len);
    }
    written += len;
    buffer.clear();
  }

  FormatWriter putBytes(byte[] b) throws IOException {
    room(b.length);
    buffer.put(b);
    return this;
  }

  FormatWriter putByte(int v) throws IOException {
    room(1);
    buffer.put((byte) v);
    return this;
  }

  FormatWriter putShort(int v) throws IOException {
    room(2);
    buffer.putShort((short) v);
    return this;
  }

  FormatWriter putInt(int v) throws IOException {
    room(4);
    buffer.putInt(v);
    return this;
  }

  FormatWriter putLong(long v) throws IOException {
    room(8);
    buffer.putLong(v);
    return this;
  }

  FormatWriter putDouble(double v) throws IOException {
    room(8);
    buffer.putDouble(v);
    return this;
  }

  FormatWriter putFloat(float v) throws IOException {
    room(4);
    buffer.putFloat(v);
    return this;
  }

  FormatWriter putFloats(float[] v) throws IOException {
    for (float f : v) {
      putFloat(f);
    }
    return this;
  }

  /** Writes the CRC32C of every byte written before it (a checksum field of the format). */
  FormatWriter putCrc() throws IOException {
    drain();
    return putInt((int) crc.getValue());
  }

  /**
   * The fingerprint of what was written so far: the first 8 bytes of its SHA-256, big-endian. Ends
   * the digest; call it last, before the final checksum.
   */
  long fingerprint() throws IOException {
    drain();
    return ByteBuffer.wrap(sha.digest()).getLong();
  }

  /** Writes out what is buffered; returns the bytes written in all. */
  long finish() throws IOException {
    drain();
    return written;
  }
}
