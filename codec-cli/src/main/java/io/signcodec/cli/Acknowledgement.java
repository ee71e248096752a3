package io.signcodec.cli;

import io.netty.buffer.ByteBuf;

/**
 * What {@code serve} sends back for every batch it decodes, so that {@code send} can check that the
 * server's vectors are bit-identical to its own decode: 16 bytes, the batch's vector count and
 * {@link #digest} of its decoded vectors, both little-endian uint64.
 *
 * <p>The server may decode one sent batch as several (a frame larger than its {@code
 * --max-batch-floats}), so the digest is built to be checked for any run of vectors: it hashes the
 * vectors' own digests in order, and the sender keeps one digest per vector it sent.
 */
record Acknowledgement(long vectors, long digest) {
  static final int BYTES = 16;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** FNV-1a (64-bit) over the little-endian bytes of one vector's float bit patterns. */
  static long vectorDigest(float[] v, int off, int d) {
    long h = FNV_OFFSET;
    for (int i = off; i < off + d; i++) {
      int bits = Float.floatToRawIntBits(v[i]);
      for (int b = 0; b < 4; b++) {
        h ^= (bits >>> (8 * b)) & 0xFF;
        h *= FNV_PRIME;
      }
    }
    return h;
  }

  /** The digest of {@code count} vectors of dimension {@code d}, from vector {@code first} on. */
  static long digest(float[] v, int first, int count, int d) {
    Chain chain = new Chain();
    for (int i = first; i < first + count; i++) {
      chain.add(vectorDigest(v, i * d, d));
    }
    return chain.value();
  }

  /** FNV-1a (64-bit) over the little-endian bytes of vector digests, added in order. */
  static final class Chain {
    private long h = FNV_OFFSET;

    void add(long vectorDigest) {
      for (int b = 0; b < 8; b++) {
        h ^= (vectorDigest >>> (8 * b)) & 0xFF;
        h *= FNV_PRIME;
      }
    }

    long value() {
      return h;
    }
  }

  void writeTo(ByteBuf out) {
    out.writeLongLE(vectors).writeLongLE(digest);
  }

  static Acknowledgement readFrom(ByteBuf in) {
    return new Acknowledgement(in.readLongLE(), in.readLongLE());
  }
}
