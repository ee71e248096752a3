package io.signcodec.core.internal.format;

import static io.signcodec.core.Caps.MAX_DEPTH;
import static io.signcodec.core.Caps.MAX_DIMENSION;
import static io.signcodec.core.Caps.MAX_PLAIN_DEPTH;
import static io.signcodec.core.Caps.MAX_STAGES;
import static io.signcodec.core.Caps.maxBits;

import io.signcodec.core.CodebookInfo;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import io.signcodec.core.UnsupportedVersionException;
import io.signcodec.core.internal.form.AllocatedForm;
import io.signcodec.core.internal.form.CodebookForm;
import io.signcodec.core.internal.form.DenseForm;
import io.signcodec.core.internal.form.StructuredForm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes codebooks in the format of docs/FORMAT.md §2, which is its specification: the
 * layout, every check the reader makes and its message. The reader checks the fields in the order
 * of the file, the header's once its checksum holds, and reads a body in bounded chunks, so that a
 * short input that claims a huge codebook fails without a huge allocation.
 */
public final class CodebookFormat {
  /** The first 8 bytes of every codebook. */
  public static final byte[] MAGIC = "SGNCBOOK".getBytes(StandardCharsets.US_ASCII);

  /**
   * The format version the library reads and writes: every form, with a header checksum. Versions 1
   * to 3 were development formats, never released, and are not read.
   */
  public static final int VERSION = 4;

  /**
   * The format version of an allocated codebook whose codes carry a per-vector gain: version 4 with
   * the gain's bits in a byte that version 4 reserves, and its levels after the scales. Codebooks
   * without a gain are written as version 4, byte for byte as before, so their fingerprints stay.
   */
  public static final int VERSION_GAIN = 5;

  /**
   * The format version of an allocated codebook whose gain the encoder searches jointly with the
   * directions' levels: version 5's layout, that encoder rule, and up to {@value
   * io.signcodec.core.Caps#MAX_DEPTH} stages.
   */
  public static final int VERSION_JOINT_GAIN = 6;

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

  /** What a codebook file holds: the header's information and the maps. */
  public record Contents(CodebookInfo info, CodebookForm form) {}

  /** Bytes {@link #write} writes for {@code form}. */
  public static long size(CodebookForm form) {
    return HEADER_BYTES + 4 + bodyBytes(form) + 4;
  }

  /** Writes the codebook of {@code info} and {@code form} to {@code out}. */
  public static void write(CodebookInfo info, CodebookForm form, OutputStream out)
      throws IOException {
    FormatWriter w = new FormatWriter(out);
    writeContent(info, form, w);
    w.putCrc();
    w.finish();
  }

  /** The first 8 bytes of the SHA-256 of everything {@link #write} writes before the final CRC. */
  public static long fingerprint(CodebookInfo info, CodebookForm form) {
    FormatWriter w = new FormatWriter(null);
    try {
      writeContent(info, form, w);
      return w.fingerprint();
    } catch (IOException e) {
      throw new AssertionError("no output, nothing to fail", e);
    }
  }

  /** Header, its checksum and the body: every byte but the final CRC. */
  private static void writeContent(CodebookInfo info, CodebookForm form, FormatWriter w)
      throws IOException {
    int[] stageBits = form.stageBits();
    boolean gain = form instanceof AllocatedForm a && a.gain() != null;
    boolean joint = gain && ((AllocatedForm) form).gain().joint();
    w.putBytes(MAGIC)
        .putShort(joint ? VERSION_JOINT_GAIN : gain ? VERSION_GAIN : VERSION)
        .putShort(stageBits.length)
        .putInt(form.mean().length)
        .putInt(
            java.util.Arrays.stream(stageBits).sum()
                + (gain ? ((AllocatedForm) form).gain().bits() : 0))
        .putByte(info.method().code())
        .putByte(formCode(form))
        .putShort(0)
        .putLong(info.seed())
        .putLong(info.trainVectors())
        .putDouble(info.trainNmse())
        .putDouble(info.predictedNmse());
    w.putCrc();
    if (form instanceof DenseForm dense) {
      DenseBody.write(dense, w);
    } else if (form instanceof StructuredForm structured) {
      StructuredBody.write(structured, w);
    } else {
      AllocatedBody.write((AllocatedForm) form, w);
    }
  }

  /** The value of the form byte (offset 21). */
  private static int formCode(CodebookForm form) {
    if (form instanceof DenseForm) {
      return FORM_DENSE;
    }
    return form instanceof StructuredForm ? FORM_STRUCTURED : FORM_ALLOCATED;
  }

  private static long bodyBytes(CodebookForm form) {
    if (form instanceof DenseForm dense) {
      return DenseBody.bytes(dense);
    }
    if (form instanceof StructuredForm structured) {
      return StructuredBody.bytes(structured);
    }
    return AllocatedBody.bytes((AllocatedForm) form);
  }

  /**
   * Reads one codebook, checking the header's fields in the order of the file, each as soon as it
   * is read (in version 4, as soon as the header's checksum, which follows them, holds); then the
   * body ({@link DenseBody#read}, {@link StructuredBody#read}, {@link AllocatedBody#read}).
   * docs/FORMAT.md §2.5 lists the checks and their messages.
   */
  public static Contents read(InputStream stream) throws IOException {
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
    if (version != VERSION && version != VERSION_GAIN && version != VERSION_JOINT_GAIN) {
      throw version >= 1 && version < FIRST_RELEASED_VERSION
          ? new UnsupportedVersionException(
              "codebook format",
              version,
              "a development version that no release reads; train the codebook again",
              8)
          : new UnsupportedVersionException("codebook format", version, VERSION_JOINT_GAIN, 8);
    }
    in.readFully(header, 10, HEADER_BYTES - 10, "codebook header");
    in.checkCrc("corrupt codebook header");
    // The whole header is read and its checksum holds: its fields are checked in file order.
    int stageCount = Short.toUnsignedInt(h.getShort(10));
    boolean allocated = header[21] == FORM_ALLOCATED; // the allocated form's cap is checked with K
    int maxStages =
        allocated ? (version == VERSION_JOINT_GAIN ? MAX_DEPTH : MAX_PLAIN_DEPTH) : MAX_STAGES;
    if (stageCount < 1 || stageCount > maxStages) {
      throw new MalformedInputException(
          "codebook stage count "
              + stageCount
              + " out of range 1.."
              + maxStages
              + (allocated ? " for the allocated form in format version " + version : ""),
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
    if (version != VERSION && form != FORM_ALLOCATED) {
      throw new MalformedInputException(
          "codebook form "
              + form
              + " in format version "
              + version
              + ", which only allocated codebooks use",
          21);
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
      return new Contents(info, AllocatedBody.read(in, k, (int) d, n, seed, version));
    }
    if (form == FORM_STRUCTURED) {
      return new Contents(info, StructuredBody.read(in, k, (int) d, n, seed));
    }
    return new Contents(info, DenseBody.read(in, k, (int) d, (int) n));
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
