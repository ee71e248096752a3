package io.signcodec.core;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.FloatKernels;
import java.util.Objects;

/**
 * Codes of one codebook packed for the fastest quantized scan ({@link
 * CodeScorer.QuantizedQuery#scoreAll(PackedCodes, int, int, float[], int)}): in blocks of {@value
 * #BLOCK} codes, each block byte-major, byte b of the block's code c at {@code 32 b + c}, so that a
 * query looks up the nibbles of 32 codes with one register shuffle rather than 64 table reads (the
 * layout of FAISS's "fast scan"). The last block is padded with zero codes. Immutable, thread-safe;
 * it takes the codes' bytes rounded up to a whole block, as a copy.
 *
 * <p>Pack once, scan for many queries: packing reads and writes every byte once, about what one
 * exact scan ({@link CodeScorer.Query#scoreAll}) costs. {@link CodeSearch} with an oversample packs
 * each block of codes it gathers and scans it for all its queries.
 */
public final class PackedCodes {
  /** Codes per block. */
  public static final int BLOCK = FloatKernels.NIBBLE_BLOCK;

  private final Codebook codebook;
  private final int size;
  private final byte[] packed;

  private PackedCodes(Codebook codebook, int size, byte[] packed) {
    this.codebook = codebook;
    this.size = size;
    this.packed = packed;
  }

  /**
   * Packs the {@code count} codes of {@code codebook} at {@code codes[offset ..]} (consecutive,
   * {@link Codebook#codeBytes()} each).
   *
   * @throws IllegalArgumentException if the range does not fit in the array, or the packed codes
   *     would not fit in one array
   */
  public static PackedCodes of(Codebook codebook, byte[] codes, int offset, int count) {
    Objects.requireNonNull(codebook, "codebook");
    Objects.requireNonNull(codes, "codes");
    int codeBytes = codebook.codeBytes();
    Checks.checkRange("codes", codes.length, offset, count, codeBytes);
    long bytes = packedBytes(count, codeBytes);
    if (bytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          count
              + " codes of "
              + codeBytes
              + " bytes take "
              + bytes
              + " bytes packed, more than one array holds");
    }
    byte[] packed = new byte[(int) bytes];
    pack(codes, offset, count, codeBytes, packed, 0);
    return new PackedCodes(codebook, count, packed);
  }

  /** Bytes that {@code count} codes of {@code codeBytes} take packed: whole blocks. */
  static long packedBytes(int count, int codeBytes) {
    return ((count + (long) BLOCK - 1) / BLOCK) * BLOCK * codeBytes;
  }

  /**
   * Packs {@code count} codes at {@code codes[offset ..]} into blocks from {@code dst[dstOffset
   * ..]}; the last block's unused columns are zeroed.
   */
  static void pack(byte[] codes, int offset, int count, int codeBytes, byte[] dst, int dstOffset) {
    int blocks = (count + BLOCK - 1) / BLOCK;
    for (int i = 0; i < blocks; i++) {
      int base = dstOffset + i * BLOCK * codeBytes;
      int inBlock = Math.min(BLOCK, count - i * BLOCK);
      if (inBlock < BLOCK) {
        java.util.Arrays.fill(dst, base, base + BLOCK * codeBytes, (byte) 0);
      }
      for (int c = 0; c < inBlock; c++) {
        int from = offset + (i * BLOCK + c) * codeBytes;
        for (int b = 0; b < codeBytes; b++) {
          dst[base + BLOCK * b + c] = codes[from + b];
        }
      }
    }
  }

  /** The codebook whose codes these are. */
  public Codebook codebook() {
    return codebook;
  }

  /** The number of codes. */
  public int size() {
    return size;
  }

  /**
   * Copies code {@code index} to {@code dst[dstOffset ..]} as it was given to {@link #of}.
   *
   * @throws IndexOutOfBoundsException if index is not below {@link #size()}
   * @throws IllegalArgumentException if the code does not fit in dst
   */
  public void code(int index, byte[] dst, int dstOffset) {
    Objects.checkIndex(index, size);
    int codeBytes = codebook.codeBytes();
    Checks.checkRange("dst", dst.length, dstOffset, 1, codeBytes);
    int at = (index / BLOCK) * BLOCK * codeBytes + index % BLOCK;
    for (int b = 0; b < codeBytes; b++) {
      dst[dstOffset + b] = packed[at + BLOCK * b];
    }
  }

  /** The packed bytes, not copied. */
  byte[] packed() {
    return packed;
  }
}
