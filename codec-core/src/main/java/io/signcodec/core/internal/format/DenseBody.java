package io.signcodec.core.internal.format;

import io.signcodec.core.internal.form.DenseForm;
import java.io.IOException;

/** The body of a dense codebook, form 0 (docs/FORMAT.md §2.2): stage sizes, μ, B, A. */
final class DenseBody {
  private DenseBody() {}

  /** Bytes of what {@link #write} writes, the final checksum excluded. */
  static long bytes(DenseForm form) {
    long dimension = form.mean().length;
    long bits = form.decoderTransposed().length;
    int[] stageBits = form.stageBits();
    return 4L * stageBits.length + 4L * dimension + 8L * bits * dimension;
  }

  static void write(DenseForm form, FormatWriter out) throws IOException {
    int[] stageBits = form.stageBits();
    float[] mean = form.mean();
    float[][] encoderTransposed = form.encoderTransposed();
    float[][] decoderTransposed = form.decoderTransposed();
    int dimension = mean.length;
    int bits = decoderTransposed.length;
    for (int b : stageBits) {
      out.putInt(b);
    }
    out.putFloats(mean);
    for (int j = 0; j < bits; j++) { // B row j is column j of Bᵀ
      for (int t = 0; t < dimension; t++) {
        out.putFloat(encoderTransposed[t][j]);
      }
    }
    for (int t = 0; t < dimension; t++) { // A row t is column t of Aᵀ
      for (int j = 0; j < bits; j++) {
        out.putFloat(decoderTransposed[j][t]);
      }
    }
  }

  /**
   * Reads the body of a dense codebook whose header {@code in} has read and checked: stage sizes μ,
   * B, A, the CRC32C; then checks the values in that order (B row by row: finite, then not all
   * zeros). Memory grows only as bytes arrive: matrices are read in chunks, and laid out for the
   * kernels only once all of them are there and the checksum holds.
   */
  static DenseForm read(FormatReader in, int stages, int dimension, int bits) throws IOException {
    int d = dimension;
    long base = in.position();
    byte[] stageBytes = in.readBytes(4 * stages, "codebook stages");
    // μ, B and A as one run, so that a short input is reported against all that was expected.
    long nd = (long) bits * d;
    FormatReader.Floats values = in.readFloats(d + 2 * nd, "codebook matrices");
    in.checkCrc("codebook checksum mismatch");

    // In the order of the file.
    int[] stageBits = CodebookFormat.stageSizes(stageBytes, stages, 2L * d, bits, base, false);
    base += stageBytes.length;
    values.checkFinite(0, d, "mean", base);
    values.checkRows(d, bits, d, "encoder", base + 4L * d);
    values.checkFinite(d + nd, nd, "decoder", base + 4L * (d + nd));
    float[] mean = new float[d];
    for (int t = 0; t < d; t++) {
      mean[t] = values.get(t);
    }
    float[][] bt = new float[d][bits];
    for (int j = 0; j < bits; j++) {
      for (int t = 0; t < d; t++) {
        bt[t][j] = values.get(d + (long) j * d + t);
      }
    }
    float[][] at2 = new float[bits][d];
    for (int t = 0; t < d; t++) {
      for (int j = 0; j < bits; j++) {
        at2[j][t] = values.get(d + nd + (long) t * bits + j);
      }
    }
    return new DenseForm(stageBits, mean, bt, at2);
  }
}
