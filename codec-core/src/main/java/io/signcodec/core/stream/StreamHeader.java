package io.signcodec.core.stream;

import io.signcodec.core.Caps;
import io.signcodec.core.ChecksumMismatchException;
import io.signcodec.core.Codebook;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import io.signcodec.core.UnsupportedVersionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The 32-byte header that opens a container stream: which codebook wrote it.
 *
 * @param dimension d of the codebook
 * @param bits n of the codebook
 * @param fingerprint {@link Codebook#fingerprint()} of the codebook
 */
public record StreamHeader(int dimension, int bits, long fingerprint) {

  /** The header for streams coded with {@code codebook}. */
  public static StreamHeader of(Codebook codebook) {
    return new StreamHeader(codebook.dimension(), codebook.bits(), codebook.fingerprint());
  }

  /** The 32 bytes of this header. */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(StreamFormat.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.put(StreamFormat.magic())
        .putShort((short) StreamFormat.VERSION)
        .putShort((short) 0)
        .putInt(dimension)
        .putInt(bits);
    b.order(ByteOrder.BIG_ENDIAN).putLong(fingerprint).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 28);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /**
   * Parses a header from its 32 bytes, checking magic, version, checksum and sizes in that order.
   * Fewer than 32 bytes are a truncated header, unless those there already break the magic; bytes
   * after the 32nd are not looked at.
   */
  public static StreamHeader parse(byte[] h) throws MalformedInputException {
    int bad = StreamFormat.magicMismatch(h, h.length);
    if (bad >= 0) {
      throw new MalformedInputException("not a signcodec stream: bad magic", bad);
    }
    if (h.length < StreamFormat.HEADER_BYTES) {
      throw new TruncatedInputException(
          "premature end of stream while reading stream header: "
              + h.length
              + " of "
              + StreamFormat.HEADER_BYTES
              + " bytes",
          h.length);
    }
    ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
    int version = Short.toUnsignedInt(b.getShort(8));
    if (version != StreamFormat.VERSION) {
      throw new UnsupportedVersionException("stream format", version, StreamFormat.VERSION, 8);
    }
    CRC32C crc = new CRC32C();
    crc.update(h, 0, 28);
    int stored = b.getInt(28);
    if (stored != (int) crc.getValue()) {
      throw new ChecksumMismatchException(
          String.format(
              "stream header checksum mismatch: stored CRC32C %08x, computed %08x",
              stored, (int) crc.getValue()),
          28);
    }
    if (b.getShort(10) != 0) {
      throw new MalformedInputException("stream header reserved field is not zero", 10);
    }
    long d = Integer.toUnsignedLong(b.getInt(12));
    long n = Integer.toUnsignedLong(b.getInt(16));
    if (d < 1 || d > Caps.MAX_DIMENSION) {
      throw new MalformedInputException(
          "stream dimension " + d + " out of range 1.." + Caps.MAX_DIMENSION, 12);
    }
    if (n < 1 || n > Caps.maxCodeBits((int) d)) {
      throw new MalformedInputException(
          "stream bits "
              + n
              + " out of range 1.."
              + Caps.maxCodeBits((int) d)
              + " for dimension "
              + d,
          16);
    }
    long fingerprint = ByteBuffer.wrap(h, 20, 8).order(ByteOrder.BIG_ENDIAN).getLong();
    return new StreamHeader((int) d, (int) n, fingerprint);
  }

  /** Reads and parses a header. */
  public static StreamHeader read(InputStream in) throws IOException {
    return parse(in.readNBytes(StreamFormat.HEADER_BYTES));
  }

  /**
   * Checks that {@code codebook} is the one this stream was written with.
   *
   * @throws CodebookMismatchException if not
   */
  public void check(Codebook codebook) throws CodebookMismatchException {
    if (codebook.fingerprint() != fingerprint
        || codebook.dimension() != dimension
        || codebook.bits() != bits) {
      throw new CodebookMismatchException(
          String.format(
              "stream was written with codebook %016x (d=%d, n=%d), not %s (d=%d, n=%d)",
              fingerprint,
              dimension,
              bits,
              codebook.fingerprintHex(),
              codebook.dimension(),
              codebook.bits()),
          20);
    }
  }
}
