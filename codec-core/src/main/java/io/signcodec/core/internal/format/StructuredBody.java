package io.signcodec.core.internal.format;

import io.signcodec.core.MalformedInputException;
import io.signcodec.core.internal.form.StructuredForm;
import io.signcodec.core.internal.form.StructuredTransform;
import java.io.IOException;

/**
 * The body of a structured codebook, form 1 (docs/FORMAT.md §2.3): rounds, (bits, scale) per stage,
 * μ; the transforms come from the header's seed.
 */
final class StructuredBody {
  private StructuredBody() {}

  /** Bytes of what {@link #write} writes, the final checksum excluded. */
  static long bytes(StructuredForm form) {
    int[] stageBits = form.stageBits();
    long dimension = form.mean().length;
    return 4 + 12L * stageBits.length + 4L * dimension;
  }

  static void write(StructuredForm form, FormatWriter out) throws IOException {
    int[] stageBits = form.stageBits();
    double[] scales = form.scales();
    float[] mean = form.mean();
    out.putInt(StructuredTransform.ROUNDS);
    for (int k = 0; k < stageBits.length; k++) {
      out.putInt(stageBits[k]).putDouble(scales[k]);
    }
    out.putFloats(mean);
  }

  /**
   * Reads the body of a structured codebook whose header {@code in} has read and checked: rounds,
   * (bits, scale) per stage, the mean, the CRC32C; then checks the values in that order.
   */
  static StructuredForm read(FormatReader in, int stages, int dimension, long bits, long seed)
      throws IOException {
    long base = in.position();
    byte[] body = in.readBytes(4 + 12 * stages + 4 * dimension, "structured codebook");
    in.checkCrc("codebook checksum mismatch");
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int rounds = b.getInt(0);
    if (rounds != StructuredTransform.ROUNDS) {
      throw new MalformedInputException(
          "structured codebook has "
              + rounds
              + " rounds; this library implements "
              + StructuredTransform.ROUNDS,
          base);
    }
    int[] stageBits = new int[stages];
    double[] scales = new double[stages];
    long sum = 0;
    for (int i = 0; i < stages; i++) {
      long n = Integer.toUnsignedLong(b.getInt(4 + 12 * i));
      double scale = b.getDouble(8 + 12 * i);
      long at = base + 4 + 12L * i;
      if (n < 1 || n > dimension) {
        throw new MalformedInputException(
            "structured stage " + i + " has " + n + " bits, out of range 1.." + dimension, at);
      }
      if (!StructuredForm.positiveFiniteFloat(scale)) {
        throw new MalformedInputException(
            "structured stage "
                + i
                + " has scale "
                + scale
                + ", which is "
                + (float) scale
                + " in float32 (it must be finite and positive)",
            at + 4);
      }
      stageBits[i] = (int) n;
      scales[i] = scale;
      sum += n;
    }
    if (sum != bits) {
      throw new MalformedInputException(
          "codebook stages hold " + sum + " bits, header says " + bits, base + 4);
    }
    float[] mean = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      mean[i] = b.getFloat(4 + 12 * stages + 4 * i);
    }
    CodebookFormat.checkFinite(mean, "mean", base + 4 + 12L * stages);
    return new StructuredForm(stageBits, mean, scales, seed);
  }
}
