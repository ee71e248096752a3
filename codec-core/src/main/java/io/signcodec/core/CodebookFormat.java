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
 * The codebook file format (see {@code docs/FORMAT.md}). All integers and floats are
 * little-endian. Single-stage codebooks are written as version 1; multi-stage ones as version 2,
 * which stores the number of stages K in the reserved field at offset 10 and K uint32 stage sizes
 * right after the 56-byte header. The reader takes both.
 *
 * <pre>
 * offset  size  field
 *      0     8  magic "SGNCBOOK"
 *      8     2  format version (1)
 *     10     2  reserved, 0
 *     12     4  d, dimension (1..65536)
 *     16     4  n, code bits (1..2d), with n·d ≤ 2^26
 *     20     1  method (0 trained, 1 isotropic, 2 external)
 *     21     3  reserved, 0
 *     24     8  seed (int64)
 *     32     8  training vectors (int64, ≥ 0)
 *     40     8  training NMSE (float64, NaN if unknown)
 *     48     8  predicted NMSE (float64, NaN if unknown)
 *     56    4d  mean μ (float32)
 *          4nd  encoder B, n rows of d (float32)
 *          4dn  decoder A, d rows of n (float32)
 *            4  CRC32C of every byte before it
 * </pre>
 *
 * <p>The reader checks magic, version, reserved bytes and sizes before it reads the payload, and
 * reads the payload in bounded chunks, so a short input that claims a huge codebook fails without
 * a huge allocation.
 */
public final class CodebookFormat {
  /** The first 8 bytes of every codebook. */
  public static final byte[] MAGIC = "SGNCBOOK".getBytes(StandardCharsets.US_ASCII);
  /** The format version of single-stage codebooks. */
  public static final int VERSION = 1;
  /** The format version of multi-stage codebooks. */
  public static final int VERSION_STAGED = 2;
  /** The format version of structured codebooks. */
  public static final int VERSION_STRUCTURED = 3;
  /** Most stages a codebook may have. */
  public static final int MAX_STAGES = 64;
  /** Most bits per coordinate of a multi-stage codebook (a single stage has at most 2). */
  public static final int MAX_STAGED_RATE = 8;
  /** Bytes before the mean. */
  public static final int HEADER_BYTES = 56;
  /** Largest dimension a codebook may have. */
  public static final int MAX_DIMENSION = 65_536;
  /** Largest n·d: 2^26 elements, 256 MiB per float32 matrix. */
  public static final long MAX_MATRIX_ELEMENTS = 1L << 26;

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

  static byte[] serialize(Codebook cb) {
    if (cb.isStructured()) {
      return serializeStructured(cb);
    }
    int d = cb.dimension();
    int n = cb.bits();
    int[] stages = cb.stageBitsArray();
    int k = stages.length;
    long size = HEADER_BYTES + (k > 1 ? 4L * k : 0) + 4L * d + 8L * n * d + 4;
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
    CodebookInfo info = cb.info();
    buf.put(MAGIC)
        .putShort((short) (k > 1 ? VERSION_STAGED : VERSION))
        .putShort((short) (k > 1 ? k : 0))
        .putInt(d)
        .putInt(n)
        .put((byte) info.method().code())
        .put(new byte[3])
        .putLong(info.seed())
        .putLong(info.trainVectors())
        .putDouble(info.trainNmse())
        .putDouble(info.predictedNmse());
    if (k > 1) {
      for (int bits : stages) {
        buf.putInt(bits);
      }
    }
    buf.asFloatBuffer().put(cb.meanArray());
    buf.position(buf.position() + 4 * d);
    buf.asFloatBuffer().put(cb.encoder());
    buf.position(buf.position() + 4 * n * d);
    buf.asFloatBuffer().put(cb.decoder());
    buf.position(buf.position() + 4 * n * d);
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    return buf.array();
  }

  private static byte[] serializeStructured(Codebook cb) {
    int d = cb.dimension();
    int[] stages = cb.stageBitsArray();
    int k = stages.length;
    double[] scales = cb.structure().scales();
    ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + 4 + 12 * k + 4 * d + 4)
        .order(ByteOrder.LITTLE_ENDIAN);
    CodebookInfo info = cb.info();
    buf.put(MAGIC)
        .putShort((short) VERSION_STRUCTURED)
        .putShort((short) k)
        .putInt(d)
        .putInt(cb.bits())
        .put((byte) info.method().code())
        .put(new byte[3])
        .putLong(info.seed())
        .putLong(info.trainVectors())
        .putDouble(info.trainNmse())
        .putDouble(info.predictedNmse())
        .putInt(StructuredTransform.ROUNDS);
    for (int i = 0; i < k; i++) {
      buf.putInt(stages[i]).putDouble(scales[i]);
    }
    for (float m : cb.meanArray()) {
      buf.putFloat(m);
    }
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    return buf.array();
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
    byte[] header = new byte[HEADER_BYTES];
    readFully(in, header, 0, HEADER_BYTES, 0, "codebook header");
    ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < MAGIC.length; i++) {
      if (header[i] != MAGIC[i]) {
        throw new MalformedInputException("not a signcodec codebook: bad magic", i);
      }
    }
    int version = Short.toUnsignedInt(h.getShort(8));
    if (version != VERSION && version != VERSION_STAGED && version != VERSION_STRUCTURED) {
      throw new UnsupportedVersionException("codebook format", version, VERSION_STRUCTURED, 8);
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
    if (header[21] != 0 || header[22] != 0 || header[23] != 0) {
      throw new MalformedInputException("codebook reserved field is not zero", 21);
    }
    long seed = h.getLong(24);
    long trainVectors = h.getLong(32);
    if (trainVectors < 0) {
      throw new MalformedInputException("negative training vector count " + trainVectors, 32);
    }
    double trainNmse = h.getDouble(40);
    double predictedNmse = h.getDouble(48);
    CodebookInfo info = new CodebookInfo(method, seed, trainVectors, trainNmse, predictedNmse);
    if (version == VERSION_STRUCTURED) {
      return readStructured(in, header, k, (int) d, n, info);
    }

    int[] stages = {(int) n};
    byte[] stageBytes = new byte[0];
    if (k > 1) {
      stageBytes = new byte[4 * k];
      readFully(in, stageBytes, 0, stageBytes.length, HEADER_BYTES, "codebook stages");
      ByteBuffer sb = ByteBuffer.wrap(stageBytes).order(ByteOrder.LITTLE_ENDIAN);
      stages = new int[k];
      long sum = 0;
      for (int i = 0; i < k; i++) {
        long bits = Integer.toUnsignedLong(sb.getInt(4 * i));
        if (bits < 1 || bits > 2 * d) {
          throw new MalformedInputException("codebook stage " + i + " has " + bits
              + " bits, out of range 1.." + 2 * d, HEADER_BYTES + 4L * i);
        }
        stages[i] = (int) bits;
        sum += bits;
      }
      if (sum != n) {
        throw new MalformedInputException("codebook stages hold " + sum + " bits, header says "
            + n, HEADER_BYTES);
      }
    }
    long base = HEADER_BYTES + stageBytes.length;

    // Payload and checksum in chunks: memory grows only as real bytes arrive.
    long payload = 4 * d + 8 * n * d + 4;
    ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(payload, CHUNK));
    byte[] chunk = new byte[(int) Math.min(payload, CHUNK)];
    long done = 0;
    while (done < payload) {
      int len = (int) Math.min(chunk.length, payload - done);
      readFully(in, chunk, 0, len, base + done, "codebook matrices");
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

    int di = (int) d;
    int ni = (int) n;
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] mean = new float[di];
    float[] encoder = new float[ni * di];
    float[] decoder = new float[di * ni];
    b.asFloatBuffer().get(mean);
    b.position(4 * di);
    b.asFloatBuffer().get(encoder);
    b.position(4 * di + 4 * ni * di);
    b.asFloatBuffer().get(decoder);
    checkFinite(mean, "mean", base);
    checkFinite(encoder, "encoder", base + 4L * di);
    checkFinite(decoder, "decoder", base + 4L * di + 4L * ni * di);
    String zeroRow = Codebook.zeroRow(encoder, ni, di);
    if (zeroRow != null) {
      throw new MalformedInputException("invalid codebook: " + zeroRow, base + 4L * di);
    }
    return Codebook.ofValidated(di, stages, mean, encoder, decoder, info);
  }

  /** Version 3: after the header, rounds, (bits, scale) per stage, the mean, the CRC. */
  private static Codebook readStructured(InputStream in, byte[] header, int k, int d, long n,
      CodebookInfo info) throws IOException {
    byte[] body = new byte[(int) (4 + 12L * k + 4 * d + 4)];
    readFully(in, body, 0, body.length, HEADER_BYTES, "structured codebook");
    CRC32C crc = new CRC32C();
    crc.update(header);
    crc.update(body, 0, body.length - 4);
    ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    int stored = b.getInt(body.length - 4);
    if (stored != (int) crc.getValue()) {
      throw new ChecksumMismatchException(String.format(
          "codebook checksum mismatch: stored CRC32C %08x, computed %08x", stored,
          (int) crc.getValue()), HEADER_BYTES + body.length - 4);
    }
    int rounds = b.getInt(0);
    if (rounds != StructuredTransform.ROUNDS) {
      throw new MalformedInputException("structured codebook has " + rounds
          + " rounds; this library implements " + StructuredTransform.ROUNDS, HEADER_BYTES);
    }
    int[] stages = new int[k];
    double[] scales = new double[k];
    long sum = 0;
    for (int i = 0; i < k; i++) {
      long bits = Integer.toUnsignedLong(b.getInt(4 + 12 * i));
      double scale = b.getDouble(8 + 12 * i);
      long at = HEADER_BYTES + 4 + 12L * i;
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
    checkFinite(mean, "mean", HEADER_BYTES + 4 + 12L * k);
    return Codebook.ofValidatedStructured(d, stages, mean, scales, info);
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
    int done = 0;
    while (done < len) {
      int r = in.read(b, off + done, len - done);
      if (r < 0) {
        throw new TruncatedInputException("premature end of stream while reading " + what
            + ": " + done + " of " + len + " bytes", position + done);
      }
      done += r;
    }
  }
}
