package io.signcodec.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A sign-autoencoder codebook: {@code x ↦ z = sign(B (x − μ))} with {@code n} bits, and back
 * {@code x̂ = μ + A z}. Immutable and safe to share between threads.
 *
 * <p>{@code B} (the encoder, n×d) and {@code A} (the decoder, d×n) are stored row-major as float32.
 * The {@link #fingerprint() fingerprint} identifies the exact serialized content, so streams
 * written with one codebook can refuse to be decoded with another.
 *
 * <p>Obtain one from {@link io.signcodec.core.train.CodebookTrainer}, from {@link #read}, or from
 * {@link #of} with matrices of your own.
 */
public final class Codebook {
  private final int dimension;
  private final int bits;
  private final float[] mean;
  private final float[] encoder;
  private final float[] decoder;
  private final CodebookInfo info;

  // Kernel layouts: Bᵀ (d×n) for X·Bᵀ, Aᵀ (n×d) for Z·Aᵀ.
  private final float[][] encoderTransposed;
  private final float[][] decoderTransposed;
  private final byte[] serialized;
  private final long fingerprint;

  private Codebook(int dimension, int bits, float[] mean, float[] encoder, float[] decoder,
      CodebookInfo info) {
    this.dimension = dimension;
    this.bits = bits;
    this.mean = mean;
    this.encoder = encoder;
    this.decoder = decoder;
    this.info = info;
    this.encoderTransposed = transpose(encoder, bits, dimension);
    this.decoderTransposed = transpose(decoder, dimension, bits);
    this.serialized = CodebookFormat.serialize(this);
    this.fingerprint = CodebookFormat.fingerprint(serialized);
  }

  /**
   * A codebook from explicit matrices, copied. Every value must be finite and no encoder row may
   * be all zeros.
   *
   * @param mean μ, length d
   * @param encoder B, n×d row-major
   * @param decoder A, d×n row-major
   */
  public static Codebook of(int dimension, int bits, float[] mean, float[] encoder,
      float[] decoder, CodebookInfo info) {
    checkShape(dimension, bits);
    Objects.requireNonNull(info, "info");
    checkArray("mean", mean, dimension);
    checkArray("encoder", encoder, (long) bits * dimension);
    checkArray("decoder", decoder, (long) dimension * bits);
    String zeroRow = zeroRow(encoder, bits, dimension);
    if (zeroRow != null) {
      throw new IllegalArgumentException(zeroRow);
    }
    return new Codebook(dimension, bits, mean.clone(), encoder.clone(), decoder.clone(), info);
  }

  /** Used by the reader once the bytes have been validated; takes ownership of the arrays. */
  static Codebook ofValidated(int dimension, int bits, float[] mean, float[] encoder,
      float[] decoder, CodebookInfo info) {
    return new Codebook(dimension, bits, mean, encoder, decoder, info);
  }

  static void checkShape(int dimension, int bits) {
    if (dimension < 1 || dimension > CodebookFormat.MAX_DIMENSION) {
      throw new IllegalArgumentException("dimension must be in 1.." + CodebookFormat.MAX_DIMENSION
          + ": " + dimension);
    }
    if (bits < 1 || bits > CodebookFormat.maxBits(dimension)) {
      throw new IllegalArgumentException("bits must be in 1.." + CodebookFormat.maxBits(dimension)
          + " for dimension " + dimension + ": " + bits);
    }
  }

  private static void checkArray(String name, float[] a, long length) {
    Objects.requireNonNull(a, name);
    if (a.length != length) {
      throw new IllegalArgumentException(name + " has length " + a.length + ", expected " + length);
    }
    for (int i = 0; i < a.length; i++) {
      if (!Float.isFinite(a[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] is not finite: " + a[i]);
      }
    }
  }

  /** A message naming the first all-zero encoder row, or null if there is none. */
  static String zeroRow(float[] encoder, int bits, int dimension) {
    for (int i = 0; i < bits; i++) {
      boolean zero = true;
      for (int k = 0; k < dimension && zero; k++) {
        zero = encoder[i * dimension + k] == 0f;
      }
      if (zero) {
        return "encoder row " + i + " is all zeros";
      }
    }
    return null;
  }

  /** The transpose of a rows×cols row-major matrix, as cols arrays of rows entries. */
  private static float[][] transpose(float[] m, int rows, int cols) {
    float[][] t = new float[cols][rows];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j][i] = m[i * cols + j];
      }
    }
    return t;
  }

  /** Dimension d of the vectors this codebook codes. */
  public int dimension() {
    return dimension;
  }

  /** Code length n in bits. */
  public int bits() {
    return bits;
  }

  /** Bytes per code, {@code ceil(n / 8)}. */
  public int codeBytes() {
    return SignCodes.codeBytes(bits);
  }

  /** Rate r = n / d in bits per coordinate. */
  public double rate() {
    return (double) bits / dimension;
  }

  /** A copy of the mean μ. */
  public float[] mean() {
    return mean.clone();
  }

  /** A copy of the encoder B, n×d row-major. */
  public float[] encoder() {
    return encoder.clone();
  }

  /** A copy of the decoder A, d×n row-major. */
  public float[] decoder() {
    return decoder.clone();
  }

  /** How this codebook was made. */
  public CodebookInfo info() {
    return info;
  }

  float[] meanArray() {
    return mean;
  }

  float[][] encoderTransposed() {
    return encoderTransposed;
  }

  float[][] decoderTransposed() {
    return decoderTransposed;
  }

  /**
   * The first 8 bytes of the SHA-256 of the serialized codebook (everything but its trailing
   * checksum), as a big-endian long. Equal codebooks have equal fingerprints on every platform.
   */
  public long fingerprint() {
    return fingerprint;
  }

  /** {@link #fingerprint()} as 16 lowercase hex digits. */
  public String fingerprintHex() {
    return String.format("%016x", fingerprint);
  }

  /** Bytes {@link #write} produces. */
  public int serializedSize() {
    return serialized.length;
  }

  /** Writes the codebook in the format of {@link CodebookFormat}. Does not flush or close. */
  public void write(OutputStream out) throws IOException {
    out.write(serialized);
  }

  /** The serialized codebook. */
  public byte[] toByteArray() {
    return serialized.clone();
  }

  /**
   * Reads one codebook, consuming exactly its bytes.
   *
   * @throws TruncatedInputException if the input ends inside the codebook
   * @throws UnsupportedVersionException if the format version is not one this library reads
   * @throws ChecksumMismatchException if the bytes were altered
   * @throws MalformedInputException if the input is not a codebook or declares sizes beyond the caps
   */
  public static Codebook read(InputStream in) throws IOException {
    return CodebookFormat.read(in);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Codebook && Arrays.equals(serialized, ((Codebook) o).serialized);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(fingerprint);
  }

  @Override
  public String toString() {
    return "Codebook[d=" + dimension + ", n=" + bits + ", r=" + rate() + ", method="
        + info.method() + ", fingerprint=" + fingerprintHex() + "]";
  }
}
