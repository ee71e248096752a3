package io.signcodec.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32C;

/**
 * The codebook file format (see {@code docs/FORMAT.md} §2). All integers and floats are
 * little-endian. Every codebook starts with the same 56 bytes; version 4, which the library
 * writes, follows them with a CRC32C of its own, so that a damaged header is reported as such
 * before any size it declares is trusted, and says in a form byte whether matrices (dense) or a
 * seed (structured) follow. Versions 1 (dense, one stage), 2 (dense, stages) and 3 (structured)
 * have no header checksum; they are still read, and a codebook read from one is written back in
 * it, byte for byte, so that its fingerprint and the streams that carry it stay valid.
 *
 * <pre>
 * offset  size  field
 *      0     8  magic "SGNCBOOK"
 *      8     2  format version (1, 2, 3 or 4)
 *     10     2  K, number of stages (v1: reserved, 0)
 *     12     4  d, dimension (1..65536)
 *     16     4  n, code bits (1..maxBits(d, K))
 *     20     1  method (0 trained, 1 isotropic, 2 external)
 *     21     1  v4: form (0 dense, 1 structured); v1-v3: reserved, 0
 *     22     2  reserved, 0
 *     24     8  seed (int64)
 *     32     8  training vectors (int64, ≥ 0)
 *     40     8  training NMSE (float64, NaN if unknown)
 *     48     8  predicted NMSE (float64, NaN if unknown)
 *     56     4  v4 only: CRC32C of bytes 0..55
 * dense (v1, v2, v4 form 0)
 *            4K  stage sizes n_1..n_K (v2 and v4 only)
 *            4d  mean μ (float32)
 *           4nd  encoder B, n rows of d (float32)
 *           4dn  decoder A, d rows of n (float32)
 *             4  CRC32C of every byte before it
 * structured (v3, v4 form 1)
 *             4  rounds (3)
 *           12K  per stage: n_k (uint32), c_k (float64)
 *            4d  mean μ (float32)
 *             4  CRC32C of every byte before it
 * </pre>
 *
 * <p>The reader checks magic, version, the header checksum (v4), reserved bytes and sizes before
 * it reads the payload, and reads the payload in bounded chunks, so a short input that claims a
 * huge codebook fails without a huge allocation.
 */
public final class CodebookFormat {
  /** The first 8 bytes of every codebook. */
  public static final byte[] MAGIC = "SGNCBOOK".getBytes(StandardCharsets.US_ASCII);
  /** The format version of single-stage dense codebooks without a header checksum. */
  public static final int VERSION = 1;
  /** The format version of multi-stage dense codebooks without a header checksum. */
  public static final int VERSION_STAGED = 2;
  /** The format version of structured codebooks without a header checksum. */
  public static final int VERSION_STRUCTURED = 3;
  /** The format version the library writes: every form, with a header checksum. */
  public static final int VERSION_CHECKED = 4;
  /** Most stages a codebook may have. */
  public static final int MAX_STAGES = 64;
  /** Most bits per coordinate of a multi-stage codebook (a single stage has at most 2). */
  public static final int MAX_STAGED_RATE = 8;
  /** Bytes of the header common to every version; version 4 adds its 4-byte checksum. */
  public static final int HEADER_BYTES = 56;
  /** Largest dimension a codebook may have. */
  public static final int MAX_DIMENSION = 65_536;
  /** Largest n·d: 2^26 elements, 256 MiB per float32 matrix. */
  public static final long MAX_MATRIX_ELEMENTS = 1L << 26;

  private static final int FORM_DENSE = 0;
  private static final int FORM_STRUCTURED = 1;
  private static final int CHUNK = 1 << 20;

  private CodebookFormat() {}

  /**
   * Largest code length for a dimension and number of stages: 2d for one stage, 8d for more,
   * within {@link #MAX_MATRIX_ELEMENTS}.
   */
  public static int maxBits(int dimension, int stages) {
    long rate = stages == 1 ? 2 : MAX_STAGED_RATE;
    return (int) Math.min(rate * dimension, MAX_MATRIX_ELEMENTS / dimension);
  }

  /**
   * Largest code length any codebook of this dimension may have, whatever its form or number of
   * stages: {@code min(8d, 2^26 / d)}. Containers and frames accept exactly this, so that every
   * codebook's codes can be written and read back.
   */
  public static int maxCodeBits(int dimension) {
    return maxBits(dimension, MAX_STAGES);
  }

  /** Whether a codebook of this form and this many stages can be written in {@code version}. */
  static boolean canWrite(int version, boolean structured, int stages) {
    switch (version) {
      case VERSION:
        return !structured && stages == 1;
      case VERSION_STAGED:
        return !structured && stages > 1;
      case VERSION_STRUCTURED:
        return structured;
      case VERSION_CHECKED:
        return true;
      default:
        return false;
    }
  }

  static byte[] serialize(Codebook cb) {
    int version = cb.formatVersion();
    int d = cb.dimension();
    int n = cb.bits();
    int[] stages = cb.stageBitsArray();
    int k = stages.length;
    boolean structured = cb.isStructured();
    long size = headerBytes(version);
    if (structured) {
      size += 4 + 12L * k + 4L * d + 4;
    } else {
      size += (version == VERSION ? 0 : 4L * k) + 4L * d + 8L * n * d + 4;
    }
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
    CodebookInfo info = cb.info();
    buf.put(MAGIC)
        .putShort((short) version)
        .putShort((short) (version == VERSION ? 0 : k))
        .putInt(d)
        .putInt(n)
        .put((byte) info.method().code())
        .put((byte) (version == VERSION_CHECKED && structured ? FORM_STRUCTURED : FORM_DENSE))
        .putShort((short) 0)
        .putLong(info.seed())
        .putLong(info.trainVectors())
        .putDouble(info.trainNmse())
        .putDouble(info.predictedNmse());
    if (version == VERSION_CHECKED) {
      putCrc(buf);
    }
    if (structured) {
      double[] scales = cb.structure().scales();
      buf.putInt(StructuredTransform.ROUNDS);
      for (int i = 0; i < k; i++) {
        buf.putInt(stages[i]).putDouble(scales[i]);
      }
      for (float m : cb.meanArray()) {
        buf.putFloat(m);
      }
    } else {
      if (version != VERSION) {
        for (int bits : stages) {
          buf.putInt(bits);
        }
      }
      putFloats(buf, cb.meanArray());
      putFloats(buf, cb.encoder());
      putFloats(buf, cb.decoder());
    }
    putCrc(buf);
    return buf.array();
  }

  private static int headerBytes(int version) {
    return HEADER_BYTES + (version == VERSION_CHECKED ? 4 : 0);
  }

  private static void putFloats(ByteBuffer buf, float[] values) {
    buf.asFloatBuffer().put(values);
    buf.position(buf.position() + 4 * values.length);
  }

  /** Appends the CRC32C of every byte before the buffer's position. */
  private static void putCrc(ByteBuffer buf) {
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
  }

  static long fingerprint(byte[] serialized) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(serialized, 0, serialized.length - 4);
      return ByteBuffer.wrap(sha.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every Java platform", e);
    }
  }

  static Codebook read(InputStream in) throws IOException {
    byte[] header = new byte[HEADER_BYTES + 4];
    readFully(in, header, 0, HEADER_BYTES, 0, "codebook header");
    ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < MAGIC.length; i++) {
      if (header[i] != MAGIC[i]) {
        throw new MalformedInputException("not a signcodec codebook: bad magic", i);
      }
    }
    int version = Short.toUnsignedInt(h.getShort(8));
    if (version < VERSION || version > VERSION_CHECKED) {
      throw new UnsupportedVersionException("codebook format", version, VERSION_CHECKED, 8);
    }
    if (version == VERSION_CHECKED) {
      readFully(in, header, HEADER_BYTES, 4, HEADER_BYTES, "codebook header");
      CRC32C crc = new CRC32C();
      crc.update(header, 0, HEADER_BYTES);
      int stored = h.getInt(HEADER_BYTES);
      if (stored != (int) crc.getValue()) {
        throw new ChecksumMismatchException(String.format(
            "corrupt codebook header: stored CRC32C %08x, computed %08x", stored,
            (int) crc.getValue()), HEADER_BYTES);
      }
    } else {
      header = java.util.Arrays.copyOf(header, HEADER_BYTES);
    }
    boolean structured = version == VERSION_STRUCTURED
        || (version == VERSION_CHECKED && header[21] == FORM_STRUCTURED);
    if (version == VERSION_CHECKED && header[21] != FORM_DENSE && !structured) {
      throw new MalformedInputException("unknown codebook form " + header[21], 21);
    }
    int stageCount = Short.toUnsignedInt(h.getShort(10));
    if (version == VERSION && stageCount != 0) {
      throw new MalformedInputException("codebook reserved field is not zero", 10);
    }
    int minStages = version == VERSION_STAGED ? 2 : 1;
    if (version != VERSION && (stageCount < minStages || stageCount > MAX_STAGES)) {
      throw new MalformedInputException("codebook stage count " + stageCount
          + " out of range " + minStages + ".." + MAX_STAGES, 10);
    }
    int k = version == VERSION ? 1 : stageCount;
    long d = Integer.toUnsignedLong(h.getInt(12));
    long n = Integer.toUnsignedLong(h.getInt(16));
    if (d < 1 || d > MAX_DIMENSION) {
      throw new MalformedInputException("codebook dimension " + d + " out of range 1.."
          + MAX_DIMENSION, 12);
    }
    if (n < 1 || n > maxBits((int) d, k)) {
      throw new MalformedInputException("codebook bits " + n + " out of range 1.."
          + maxBits((int) d, k) + " for dimension " + d, 16);
    }
    CodebookInfo.Method method = CodebookInfo.Method.fromCode(header[20]);
    if (method == null) {
      throw new MalformedInputException("unknown codebook method " + header[20], 20);
    }
    int reservedFrom = version == VERSION_CHECKED ? 22 : 21;
    for (int i = reservedFrom; i < 24; i++) {
      if (header[i] != 0) {
        throw new MalformedInputException("codebook reserved field is not zero", reservedFrom);
      }
    }
    long seed = h.getLong(24);
    long trainVectors = h.getLong(32);
    if (trainVectors < 0) {
      throw new MalformedInputException("negative training vector count " + trainVectors, 32);
    }
    double trainNmse = h.getDouble(40);
    double predictedNmse = h.getDouble(48);
    CodebookInfo info = new CodebookInfo(method, seed, trainVectors, trainNmse, predictedNmse);
    return structured
        ? readStructured(in, header, version, k, (int) d, n, info)
        : readDense(in, header, version, k, (int) d, n, info);
  }

  /** Versions 1, 2 and 4 form 0: the stage sizes (not in v1), μ, B, A, the CRC. */
  private static Codebook readDense(InputStream in, byte[] header, int version, int k, int d,
      long n, CodebookInfo info) throws IOException {
    byte[] stageBytes = new byte[version == VERSION ? 0 : 4 * k];
    readPayload(in, stageBytes, stageBytes.length, header.length, version, "codebook stages");
    long base = header.length + stageBytes.length;

    // Payload and checksum in chunks: memory grows only as real bytes arrive.
    long payload = 4L * d + 8 * n * d + 4;
    ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(payload, CHUNK));
    byte[] chunk = new byte[(int) Math.min(payload, CHUNK)];
    long done = 0;
    while (done < payload) {
      int len = (int) Math.min(chunk.length, payload - done);
      readPayload(in, chunk, len, base + done, version, "codebook matrices");
      body.write(chunk, 0, len);
      done += len;
    }
    byte[] bytes = body.toByteArray();
    int bodyLen = bytes.length - 4;
    CRC32C crc = new CRC32C();
    crc.update(header);
    crc.update(stageBytes);
    crc.update(bytes, 0, bodyLen);
    int stored = ByteBuffer.wrap(bytes, bodyLen, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != (int) crc.getValue()) {
      throw new ChecksumMismatchException(String.format(
          "codebook checksum mismatch: stored CRC32C %08x, computed %08x",
          stored, (int) crc.getValue()), base + bodyLen);
    }

    int[] stages = {(int) n};
    if (version != VERSION) {
      ByteBuffer sb = ByteBuffer.wrap(stageBytes).order(ByteOrder.LITTLE_ENDIAN);
      stages = new int[k];
      long sum = 0;
      for (int i = 0; i < k; i++) {
        long bits = Integer.toUnsignedLong(sb.getInt(4 * i));
        if (bits < 1 || bits > 2L * d) {
          throw new MalformedInputException("codebook stage " + i + " has " + bits
              + " bits, out of range 1.." + 2L * d, header.length + 4L * i);
        }
        stages[i] = (int) bits;
        sum += bits;
      }
      if (sum != n) {
        throw new MalformedInputException("codebook stages hold " + sum + " bits, header says "
            + n, header.length);
      }
    }
    int ni = (int) n;
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] mean = new float[d];
    float[] encoder = new float[ni * d];
    float[] decoder = new float[d * ni];
    b.asFloatBuffer().get(mean);
    b.position(4 * d);
    b.asFloatBuffer().get(encoder);
    b.position(4 * d + 4 * ni * d);
    b.asFloatBuffer().get(decoder);
    checkFinite(mean, "mean", base);
    checkFinite(encoder, "encoder", base + 4L * d);
    checkFinite(decoder, "decoder", base + 4L * d + 4L * ni * d);
    String zeroRow = Codebook.zeroRow(encoder, ni, d);
    if (zeroRow != null) {
      throw new MalformedInputException("invalid codebook: " + zeroRow, base + 4L * d);
    }
    return Codebook.ofValidated(version, d, stages, mean, encoder, decoder, info);
  }

  /** Versions 3 and 4 form 1: rounds, (bits, scale) per stage, the mean, the CRC. */
  private static Codebook readStructured(InputStream in, byte[] header, int version, int k,
      int d, long n, CodebookInfo info) throws IOException {
    byte[] body = new byte[(int) (4 + 12L * k + 4L * d + 4)];
    readPayload(in, body, body.length, header.length, version, "structured codebook");
    CRC32C crc = new CRC32C();
    crc.update(header);
    crc.update(body, 0, body.length - 4);
    ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    int stored = b.getInt(body.length - 4);
    if (stored != (int) crc.getValue()) {
      throw new ChecksumMismatchException(String.format(
          "codebook checksum mismatch: stored CRC32C %08x, computed %08x", stored,
          (int) crc.getValue()), header.length + body.length - 4);
    }
    int rounds = b.getInt(0);
    if (rounds != StructuredTransform.ROUNDS) {
      throw new MalformedInputException("structured codebook has " + rounds
          + " rounds; this library implements " + StructuredTransform.ROUNDS, header.length);
    }
    int[] stages = new int[k];
    double[] scales = new double[k];
    long sum = 0;
    for (int i = 0; i < k; i++) {
      long bits = Integer.toUnsignedLong(b.getInt(4 + 12 * i));
      double scale = b.getDouble(8 + 12 * i);
      long at = header.length + 4 + 12L * i;
      if (bits < 1 || bits > d) {
        throw new MalformedInputException("structured stage " + i + " has " + bits
            + " bits, out of range 1.." + d, at);
      }
      if (!(scale > 0) || Double.isInfinite(scale)) {
        throw new MalformedInputException("structured stage " + i + " has scale " + scale, at + 4);
      }
      stages[i] = (int) bits;
      scales[i] = scale;
      sum += bits;
    }
    if (sum != n) {
      throw new MalformedInputException("codebook stages hold " + sum + " bits, header says " + n,
          16);
    }
    float[] mean = new float[d];
    for (int i = 0; i < d; i++) {
      mean[i] = b.getFloat(4 + 12 * k + 4 * i);
    }
    checkFinite(mean, "mean", header.length + 4 + 12L * k);
    return Codebook.ofValidatedStructured(version, d, stages, mean, scales, info);
  }

  /**
   * Reads part of the payload that the header's sizes call for. An input that ends inside it is
   * truncated; before version 4 it may instead have a damaged size field, which only the header
   * checksum of version 4 tells apart, so the message says both.
   */
  private static void readPayload(InputStream in, byte[] b, int len, long position, int version,
      String what) throws IOException {
    readFully(in, b, 0, len, position, what, version == VERSION_CHECKED ? ""
        : "; the input is cut short, or the sizes in its header are damaged (format version "
            + version + " has no header checksum)");
  }

  private static void checkFinite(float[] a, String name, long base) throws IOException {
    for (int i = 0; i < a.length; i++) {
      if (!Float.isFinite(a[i])) {
        throw new MalformedInputException("codebook " + name + "[" + i + "] is not finite: " + a[i],
            base + 4L * i);
      }
    }
  }

  private static void readFully(InputStream in, byte[] b, int off, int len, long position,
      String what) throws IOException {
    readFully(in, b, off, len, position, what, "");
  }

  private static void readFully(InputStream in, byte[] b, int off, int len, long position,
      String what, String note) throws IOException {
    int done = 0;
    while (done < len) {
      int r = in.read(b, off + done, len - done);
      if (r < 0) {
        throw new TruncatedInputException("premature end of stream while reading " + what
            + ": " + done + " of " + len + " bytes" + note, position + done);
      }
      done += r;
    }
  }
}
