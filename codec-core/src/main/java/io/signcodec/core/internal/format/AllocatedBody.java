package io.signcodec.core.internal.format;

import io.signcodec.core.MalformedInputException;
import io.signcodec.core.internal.form.AllocatedForm;
import io.signcodec.core.internal.form.GainLevels;
import io.signcodec.core.internal.form.StructuredTransform;
import io.signcodec.core.internal.form.TiedLevels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The body of an allocated codebook, form 2 (docs/FORMAT.md §2.4): stage sizes, the basis byte and
 * (versions 5 and 6) the gain's bits, the basis rows or the rounds, the scales in code order,
 * (versions 5 and 6) the gain's levels, μ. Version 6 is version 5 whose gain the encoder searches
 * jointly with the directions.
 */
final class AllocatedBody {
  /** Basis byte: m dense rows follow. */
  static final int BASIS_DENSE = 0;

  /** Basis byte: the transform is drawn from the header's seed. */
  static final int BASIS_STRUCTURED = 1;

  private AllocatedBody() {}

  /** Bytes of what {@link #write} writes, the final checksum excluded. */
  static long bytes(AllocatedForm form) {
    long dimension = form.mean().length;
    long directions = form.directions();
    long bits = form.bitScales().length;
    long gain = form.gain() == null ? 0 : 1L << form.gain().bits();
    return 4L * form.stageBits().length
        + 4
        + (form.structuredBasis() ? 4 : 4L * directions * dimension)
        + 4L * bits
        + 4L * gain
        + 4L * dimension;
  }

  static void write(AllocatedForm form, FormatWriter out) throws IOException {
    int[] stageBits = form.stageBits();
    boolean structured = form.structuredBasis();
    for (int b : stageBits) {
      out.putInt(b);
    }
    GainLevels gain = form.gain();
    out.putByte(structured ? BASIS_STRUCTURED : BASIS_DENSE)
        .putByte(gain == null ? 0 : gain.bits())
        .putShort(0);
    if (structured) {
      out.putInt(StructuredTransform.ROUNDS);
    } else {
      for (float[] row : form.rows()) {
        out.putFloats(row);
      }
    }
    out.putFloats(form.bitScales());
    if (gain != null) {
      out.putFloats(gain.levels());
    }
    out.putFloats(form.mean());
  }

  /**
   * Reads the body of an allocated codebook whose header {@code in} has read and checked. What
   * sizes the body is checked as soon as it is read: n_0 (the number of directions), then the basis
   * byte. The rest is read to the CRC32C, which is checked, and then every field in the order of
   * the file: the stage sizes, the gain's bits and the reserved bytes, the rounds or the basis
   * rows, the scales (then each direction's levels), the gain's levels, the mean. In version 4 the
   * byte of the gain's bits is reserved (zero); in versions 5 and 6 it is 1 to {@value
   * GainLevels#MAX_BITS}, and the stages hold the header's bits less the gain's.
   */
  static AllocatedForm read(
      FormatReader in, int stages, int dimension, long bits, long seed, int version)
      throws IOException {
    long base = in.position();
    byte[] stageBytes = new byte[4 * stages];
    in.readFully(stageBytes, 0, 4, "codebook stages");
    // The basis length follows from n_0: bound it by d now, so that a damaged size cannot claim
    // a huge basis.
    long directions =
        Integer.toUnsignedLong(
            ByteBuffer.wrap(stageBytes).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
    if (directions < 1 || directions > dimension) {
      throw new MalformedInputException(
          "codebook stage 0 has " + directions + " bits, out of" + " range 1.." + dimension, base);
    }
    in.readFully(stageBytes, 4, 4 * (stages - 1), "codebook stages");
    byte[] basisKind = in.readBytes(4, "codebook basis");
    boolean structured = basisKind[0] == BASIS_STRUCTURED;
    if (basisKind[0] != BASIS_DENSE && !structured) {
      throw new MalformedInputException(
          "unknown codebook basis " + basisKind[0], base + 4L * stages);
    }
    // Version 5: the gain's bits size the body, so they are checked now; in version 4 the byte is
    // reserved, and checked with the others once the checksum holds.
    boolean joint = version == CodebookFormat.VERSION_JOINT_GAIN;
    boolean gained = version == CodebookFormat.VERSION_GAIN || joint;
    int gainBits = gained ? basisKind[1] : 0;
    if (gained && (gainBits < 1 || gainBits > GainLevels.MAX_BITS || gainBits >= bits)) {
      throw new MalformedInputException(
          "codebook gain has "
              + gainBits
              + " bits, out of range 1.."
              + Math.min(GainLevels.MAX_BITS, bits - 1),
          base + 4L * stages + 1);
    }
    int m = (int) directions;
    byte[] rounds = structured ? in.readBytes(4, "codebook basis") : new byte[0];
    FormatReader.Floats basis =
        structured ? null : in.readFloats((long) m * dimension, "codebook basis");
    long directionBits = bits - gainBits;
    FormatReader.Floats scales = in.readFloats(directionBits, "codebook scales");
    FormatReader.Floats gainLevels =
        gainBits > 0 ? in.readFloats(1L << gainBits, "codebook gain") : null;
    FormatReader.Floats mean = in.readFloats(dimension, "codebook mean");
    in.checkCrc("codebook checksum mismatch");

    int[] stageBits =
        CodebookFormat.stageSizes(stageBytes, stages, dimension, directionBits, base, true);
    if ((!gained && basisKind[1] != 0) || basisKind[2] != 0 || basisKind[3] != 0) {
      throw new MalformedInputException(
          "codebook reserved field is not zero", base + 4L * stages + (gained ? 2 : 1));
    }
    long at = base + 4L * stages + 4;
    if (structured) {
      int r = ByteBuffer.wrap(rounds).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (r != StructuredTransform.ROUNDS) {
        throw new MalformedInputException(
            "structured basis has "
                + r
                + " rounds; this library"
                + " implements "
                + StructuredTransform.ROUNDS,
            at);
      }
      at += 4;
    } else {
      basis.checkRows(0, m, dimension, "basis", at);
      at += 4L * m * dimension;
    }
    float[] c = new float[(int) directionBits];
    for (int j = 0; j < c.length; j++) {
      c[j] = scales.get(j);
      if (!Float.isFinite(c[j])) {
        throw new MalformedInputException(
            "codebook scale[" + j + "] is not finite: " + c[j], at + 4L * j);
      }
      if (!(c[j] > 0)) {
        throw new MalformedInputException(
            "codebook scale[" + j + "] is not positive: " + c[j], at + 4L * j);
      }
    }
    TiedLevels[] levels = AllocatedForm.levels(stageBits, c);
    int overflowing = AllocatedForm.overflowingDirection(levels);
    if (overflowing >= 0) {
      // named at the direction's first scale, c_{i,0}: code bit i
      throw new MalformedInputException(
          "codebook direction "
              + overflowing
              + " overflows"
              + " float32: "
              + levels[overflowing].nonFinite(),
          at + 4L * overflowing);
    }
    at += 4 * directionBits;
    float[] gain = null;
    if (gainLevels != null) {
      gain = new float[1 << gainBits];
      for (int j = 0; j < gain.length; j++) {
        gain[j] = gainLevels.get(j);
      }
      String problem = GainLevels.problem(gain);
      if (problem != null) {
        int bad = Math.max(0, GainLevels.firstBadLevel(gain)); // 0: the count is at fault
        throw new MalformedInputException("codebook " + problem, at + 4L * bad);
      }
      at += 4L * gain.length;
    }
    mean.checkFinite(0, dimension, "mean", at);
    float[] mu = new float[dimension];
    for (int t = 0; t < dimension; t++) {
      mu[t] = mean.get(t);
    }
    float[][] rows = null;
    if (!structured) {
      rows = new float[m][dimension];
      for (int i = 0; i < m; i++) {
        for (int t = 0; t < dimension; t++) {
          rows[i][t] = basis.get((long) i * dimension + t);
        }
      }
    }
    return new AllocatedForm(
        mu, stageBits, c, levels, rows, structured ? seed : 0, structured, gain, joint);
  }
}
