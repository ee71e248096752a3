package io.signcodec.core;

import static io.signcodec.core.Caps.MAX_DIMENSION;
import static io.signcodec.core.Caps.MAX_STAGES;
import static io.signcodec.core.Caps.maxBits;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The codebook file format (see {@code docs/FORMAT.md} §2). All integers and floats are
 * little-endian. Every codebook starts with the same 56 bytes; version 4, which the library writes,
 * follows them with a CRC32C of its own, so that a damaged header is reported as such before any
 * size it declares is trusted, and says in a form byte whether matrices (dense), a seed
 * (structured) or bits allocated over a basis follow. Versions 1 (dense, one stage), 2 (dense,
 * stages) and 3 (structured) have no header checksum; they are still read, and a codebook read from
 * one is written back in it, byte for byte, so that its fingerprint and the streams that carry it
 * stay valid.
 *
 * <pre>
 * offset  size  field
 *      0     8  magic "SGNCBOOK"
 *      8     2  format version (1, 2, 3 or 4)
 *     10     2  K, number of stages (v1: reserved, 0)
 *     12     4  d, dimension (1..65536)
 *     16     4  n, code bits (1..maxBits(d, K))
 *     20     1  method (0 trained, 1 isotropic, 2 external)
 *     21     1  v4: form (0 dense, 1 structured, 2 allocated); v1-v3: reserved, 0
 *     22     2  reserved, 0
 *     24     8  seed (int64)
 *     32     8  training vectors (int64, ≥ 0)
 *     40     8  training NMSE (float64, NaN if unknown)
 *     48     8  predicted NMSE (float64, NaN if unknown)
 *     56     4  v4 only: CRC32C of bytes 0..55
 * dense (v1, v2, v4 form 0)
 *            4K  stage sizes n_0..n_{K-1} (v2 and v4 only)
 *            4d  mean μ (float32)
 *           4nd  encoder B, n rows of d (float32)
 *           4dn  decoder A, d rows of n (float32)
 *             4  CRC32C of every byte before it
 * structured (v3, v4 form 1)
 *             4  rounds (3)
 *           12K  per stage: n_k (uint32), c_k (float64)
 *            4d  mean μ (float32)
 *             4  CRC32C of every byte before it
 * allocated (v4 form 2)
 *            4K  stage sizes n_0..n_{K-1}, non-increasing; m = n_0 directions
 *             1  basis (0 dense, 1 structured), then 3 reserved bytes
 *     4md or 4  dense: the m rows u_i (float32); structured: rounds (3)
 *            4n  scales c_{i,k} in code order (float32)
 *            4d  mean μ (float32)
 *             4  CRC32C of every byte before it
 * </pre>
 *
 * <p>The reader checks the fields in the order of the file (docs/FORMAT.md §2.5): each header field
 * as soon as it is read (in version 4, after the header checksum), what sizes the body as soon as
 * it is read, and the rest of the body once the final checksum holds. It reads the body in bounded
 * chunks, so a short input that claims a huge codebook fails without a huge allocation.
 */
final class CodebookFormat {
  /** The first 8 bytes of every codebook. */
  public static final byte[] MAGIC = "SGNCBOOK".getBytes(StandardCharsets.US_ASCII);

  /**
   * The format version the library reads and writes: every form, with a header checksum. Versions 1
   * to 3 were development formats, never released, and are not read.
   */
  public static final int VERSION = 4;

  /** The oldest format version a signcodec release wrote. */
  static final int FIRST_RELEASED_VERSION = 4;

  /** Bytes of the header before its checksum. */
  public static final int HEADER_BYTES = 56;

  /** Form byte of version 4: matrices. */
  static final int FORM_DENSE = 0;

  /** Form byte of version 4: fast transforms from a seed. */
  static final int FORM_STRUCTURED = 1;

  /** Form byte of version 4: bits allocated over the directions of one basis. */
  static final int FORM_ALLOCATED = 2;

  private CodebookFormat() {}

  static long size(Codebook cb) {
    return HEADER_BYTES + 4 + cb.form().bodyBytes() + 4;
  }

  /** Writes {@code cb} to {@code out}. */
  static void write(Codebook cb, OutputStream out) throws IOException {
    FormatWriter w = new FormatWriter(out);
    writeContent(cb, w);
    w.putCrc();
    w.finish();
  }

  /** The first 8 bytes of the SHA-256 of everything {@link #write} writes before the final CRC. */
  static long fingerprint(Codebook cb) {
    FormatWriter w = new FormatWriter(null);
    try {
      writeContent(cb, w);
      return w.fingerprint();
    } catch (IOException e) {
      throw new AssertionError("no output, nothing to fail", e);
    }
  }

  /** Header, its checksum and the body: every byte but the final CRC. */
  private static void writeContent(Codebook cb, FormatWriter w) throws IOException {
    CodebookInfo info = cb.info();
    w.putBytes(MAGIC)
        .putShort(VERSION)
        .putShort(cb.stageCount())
        .putInt(cb.dimension())
        .putInt(cb.bits())
        .putByte(info.method().code())
        .putByte(cb.form().formCode())
        .putShort(0)
        .putLong(info.seed())
        .putLong(info.trainVectors())
        .putDouble(info.trainNmse())
        .putDouble(info.predictedNmse());
    w.putCrc();
    cb.form().writeBody(w);
  }

  /**
   * Reads one codebook, checking the header's fields in the order of the file, each as soon as it
   * is read (in version 4, as soon as the header's checksum, which follows them, holds); then the
   * body ({@link DenseForm#read}, {@link StructuredForm#read}, {@link AllocatedForm#read}).
   * docs/FORMAT.md §2.5 lists the checks and their messages.
   */
  static Codebook read(InputStream stream) throws IOException {
    FormatReader in = new FormatReader(stream);
    byte[] header = new byte[HEADER_BYTES];
    try {
      in.readFully(header, 0, MAGIC.length, "codebook magic");
    } catch (TruncatedInputException e) {
      checkMagic(header, (int) e.offset()); // a short input that is not a codebook says so
      throw e;
    }
    checkMagic(header, MAGIC.length);
    ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    in.readFully(header, 8, 2, "codebook format version");
    int version = Short.toUnsignedInt(h.getShort(8));
    if (version != VERSION) {
      throw version >= 1 && version < FIRST_RELEASED_VERSION
          ? new UnsupportedVersionException(
              "codebook format",
              version,
              "a development version that no release reads; train the codebook again",
              8)
          : new UnsupportedVersionException("codebook format", version, VERSION, 8);
    }
    in.readFully(header, 10, HEADER_BYTES - 10, "codebook header");
    in.checkCrc("corrupt codebook header");
    // The whole header is read and its checksum holds: its fields are checked in file order.
    int stageCount = Short.toUnsignedInt(h.getShort(10));
    boolean allocated = header[21] == FORM_ALLOCATED; // the allocated form's cap is checked with K
    int maxStages = allocated ? TiedLevels.MAX_DEPTH : MAX_STAGES;
    if (stageCount < 1 || stageCount > maxStages) {
      throw new MalformedInputException(
          "codebook stage count "
              + stageCount
              + " out of range 1.."
              + maxStages
              + (allocated ? " for the allocated form" : ""),
          10);
    }
    int k = stageCount;
    long d = Integer.toUnsignedLong(h.getInt(12));
    if (d < 1 || d > MAX_DIMENSION) {
      throw new MalformedInputException(
          "codebook dimension " + d + " out of range 1.." + MAX_DIMENSION, 12);
    }
    long n = Integer.toUnsignedLong(h.getInt(16));
    if (n < 1 || n > maxBits((int) d, k)) {
      throw new MalformedInputException(
          "codebook bits " + n + " out of range 1.." + maxBits((int) d, k) + " for dimension " + d,
          16);
    }
    CodebookInfo.Method method = CodebookInfo.Method.fromCode(header[20]);
    if (method == null) {
      throw new MalformedInputException("unknown codebook method " + header[20], 20);
    }
    int form = header[21];
    if (form != FORM_DENSE && form != FORM_STRUCTURED && form != FORM_ALLOCATED) {
      throw new MalformedInputException("unknown codebook form " + header[21], 21);
    }
    checkReserved(header, 22, 24);
    long seed = h.getLong(24);
    long trainVectors = h.getLong(32);
    if (trainVectors < 0) {
      throw new MalformedInputException("negative training vector count " + trainVectors, 32);
    }
    CodebookInfo info =
        new CodebookInfo(method, seed, trainVectors, h.getDouble(40), h.getDouble(48));
    if (form == FORM_ALLOCATED) {
      AllocatedForm body = AllocatedForm.read(in, k, (int) d, n, seed);
      return Codebook.ofValidated(body.stageBits(), body.mean(), info, body);
    }
    if (form == FORM_STRUCTURED) {
      StructuredForm body = StructuredForm.read(in, k, (int) d, n, seed);
      return Codebook.ofValidated(body.stageBits(), body.mean(), info, body);
    }
    DenseForm body = DenseForm.read(in, k, (int) d, (int) n);
    return Codebook.ofValidated(body.stageBits(), body.mean(), info, body);
  }

  /** Throws if one of the first {@code len} bytes of {@code header} is not the magic's. */
  private static void checkMagic(byte[] header, int len) throws MalformedInputException {
    for (int i = 0; i < len; i++) {
      if (header[i] != MAGIC[i]) {
        throw new MalformedInputException("not a signcodec codebook: bad magic", i);
      }
    }
  }

  /** Throws if the header's reserved bytes {@code from..to-1} are not all zero. */
  private static void checkReserved(byte[] header, int from, int to)
      throws MalformedInputException {
    for (int i = from; i < to; i++) {
      if (header[i] != 0) {
        throw new MalformedInputException("codebook reserved field is not zero", from);
      }
    }
  }

  /**
   * Parses and checks the {@code stages} uint32 stage sizes of a body, in order: each in {@code
   * 1..maxStage} (and, if {@code nonIncreasing}, at most the one before it), then that together
   * they are {@code bits}; {@code at} is their offset in the input.
   */
  static int[] stageSizes(
      byte[] bytes, int stages, long maxStage, long bits, long at, boolean nonIncreasing)
      throws MalformedInputException {
    ByteBuffer sb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int[] sizes = new int[stages];
    long sum = 0;
    for (int i = 0; i < stages; i++) {
      long b = Integer.toUnsignedLong(sb.getInt(4 * i));
      if (b < 1 || b > maxStage) {
        throw new MalformedInputException(
            "codebook stage " + i + " has " + b + " bits, out of range 1.." + maxStage,
            at + 4L * i);
      }
      if (nonIncreasing && i > 0 && b > sizes[i - 1]) {
        throw new MalformedInputException(
            "codebook stage "
                + i
                + " has "
                + b
                + " bits, more than stage "
                + (i - 1)
                + " ("
                + sizes[i - 1]
                + ")",
            at + 4L * i);
      }
      sizes[i] = (int) b;
      sum += b;
    }
    if (sum != bits) {
      throw new MalformedInputException(
          "codebook stages hold " + sum + " bits, header says " + bits, at);
    }
    return sizes;
  }

  static void checkFinite(float[] a, String name, long base) throws MalformedInputException {
    for (int i = 0; i < a.length; i++) {
      if (!Float.isFinite(a[i])) {
        throw new MalformedInputException(
            "codebook " + name + "[" + i + "] is not finite: " + a[i], base + 4L * i);
      }
    }
  }
}
