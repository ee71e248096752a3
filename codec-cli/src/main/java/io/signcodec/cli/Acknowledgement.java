package io.signcodec.cli;

import io.netty.buffer.ByteBuf;

/**
 * What {@code serve} sends back for every batch it decodes, so that {@code send} can check that
 * the server's vectors are bit-identical to its own decode: 16 bytes, the batch's vector count and
 * {@link #digest} of its decoded floats, both little-endian uint64.
 */
record Acknowledgement(long vectors, long digest) {
  static final int BYTES = 16;

  /** FNV-1a (64-bit) over the little-endian bytes of the floats' bit patterns. */
  static long digest(float[] v, int off, int len) {
    long h = 0xcbf29ce484222325L;
    for (int i = off; i < off + len; i++) {
      int bits = Float.floatToRawIntBits(v[i]);
      for (int b = 0; b < 4; b++) {
        h ^= (bits >>> (8 * b)) & 0xFF;
        h *= 0x100000001b3L;
      }
    }
    return h;
  }

  void writeTo(ByteBuf out) {
    out.writeLongLE(vectors).writeLongLE(digest);
  }

  static Acknowledgement readFrom(ByteBuf in) {
    return new Acknowledgement(in.readLongLE(), in.readLongLE());
  }
}
