package io.signcodec.core;

import io.signcodec.core.internal.form.AllocatedForm;
import io.signcodec.core.internal.form.CodebookForm;
import io.signcodec.core.internal.form.DenseForm;
import io.signcodec.core.internal.form.GainLevels;
import io.signcodec.core.internal.form.StructuredForm;
import io.signcodec.core.internal.form.TiedLevels;
import io.signcodec.core.internal.format.CodebookFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A sign-autoencoder codebook: {@code x ↦ z = sign(B (x − μ))} with {@code n} bits, and back {@code
 * x̂ = μ + A z}. Immutable and safe to share between threads.
 *
 * <p>A codebook may code in K stages (docs/THEORY.md §5): B and A are split into K consecutive
 * blocks of rows and columns, stage k = 0 … K−1 codes the residual the stages before it left,
 * {@code z^(k) = sign(B^(k) (x − μ − Σ_{l<k} A^(l) z^(l)))}, and decoding is still the one linear
 * map {@code x̂ = μ + A z} on the concatenated code. A single-stage codebook is the case K = 1.
 *
 * <p>Its maps come in one of three forms: dense float32 matrices ({@link #of}), randomized fast
 * orthogonal transforms stored as a seed ({@link #structured}, {@link #isStructured()}), or tied
 * bits allocated over the directions of one basis ({@link #allocated}, {@link #isAllocated()}). An
 * allocated codebook's codes may end with a per-vector gain ({@link #gainBits()}): {@code x̂ = μ +
 * ŝ A z}, {@code ŝ} the level the gain's bits index. The {@link #fingerprint() fingerprint}
 * identifies the exact serialized content, so streams written with one codebook can refuse to be
 * decoded with another.
 *
 * <p>Obtain one from {@link io.signcodec.core.train.CodebookTrainer}, from {@link #read}, or from
 * {@link #of} with matrices of your own.
 *
 * <p>Java serialization (for cluster jobs that ship a codebook to their workers) writes the
 * codebook's own format, {@link #toByteArray}, and reads it back with {@link #read}, checks and
 * all; nothing else of the object is serialized.
 */
public final class Codebook implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final int dimension;
  private final int bits;
  private final int[] stageBits;
  private final float[] mean;
  private final CodebookInfo info;
  private final CodebookForm form;
  private final long fingerprint;

  private Codebook(int[] stageBits, float[] mean, CodebookInfo info, CodebookForm form) {
    this.dimension = mean.length;
    this.stageBits = stageBits;
    this.bits =
        Arrays.stream(stageBits).sum()
            + (form instanceof AllocatedForm a && a.gain() != null ? a.gain().bits() : 0);
    this.mean = mean;
    this.info = info;
    this.form = form;
    this.fingerprint = CodebookFormat.fingerprint(info, form);
  }

  /**
   * A codebook from explicit matrices, copied. Every value must be finite and no encoder row may be
   * all zeros.
   *
   * @param mean μ, length d
   * @param encoder B, n×d row-major
   * @param decoder A, d×n row-major
   */
  public static Codebook of(
      int dimension, int bits, float[] mean, float[] encoder, float[] decoder, CodebookInfo info) {
    return of(dimension, new int[] {bits}, mean, encoder, decoder, info);
  }

  /**
   * A multi-stage codebook from explicit matrices, copied: stage k owns the next {@code
   * stageBits[k]} rows of B and columns of A.
   */
  public static Codebook of(
      int dimension,
      int[] stageBits,
      float[] mean,
      float[] encoder,
      float[] decoder,
      CodebookInfo info) {
    Objects.requireNonNull(stageBits, "stageBits");
    int bits = checkStages(dimension, stageBits);
    Objects.requireNonNull(info, "info");
    checkArray("mean", mean, dimension);
    checkArray("encoder", encoder, (long) bits * dimension);
    checkArray("decoder", decoder, (long) dimension * bits);
    String zeroRow = zeroRow(encoder, bits, dimension);
    if (zeroRow != null) {
      throw new IllegalArgumentException(zeroRow);
    }
    int[] stages = stageBits.clone();
    float[] mu = mean.clone();
    return new Codebook(stages, mu, info, DenseForm.of(stages, mu, encoder, decoder));
  }

  /**
   * A structured codebook (docs/THEORY.md §6): stage k projects on the first {@code stageBits[k]}
   * outputs of a randomized fast orthogonal transform (see {@code docs/FORMAT.md}) drawn from
   * {@code info.seed()}, and decodes with that transform's transpose times {@code scales[k]}.
   * Encoding and decoding cost O(d log d) per stage, and the file holds the seed, not matrices.
   *
   * @param stageBits bits of each stage, each 1..d
   * @param scales the decoder scale of each stage, finite and positive also once rounded to the
   *     float32 in which it is used
   */
  public static Codebook structured(
      int dimension, int[] stageBits, float[] mean, double[] scales, CodebookInfo info) {
    Objects.requireNonNull(stageBits, "stageBits");
    Objects.requireNonNull(scales, "scales");
    Objects.requireNonNull(info, "info");
    checkStages(dimension, stageBits);
    checkArray("mean", mean, dimension);
    if (scales.length != stageBits.length) {
      throw new IllegalArgumentException(
          scales.length + " scales for " + stageBits.length + " stages");
    }
    for (int k = 0; k < stageBits.length; k++) {
      if (stageBits[k] > dimension) {
        throw new IllegalArgumentException(
            "a structured stage codes at most d = "
                + dimension
                + " bits: stage "
                + k
                + " has "
                + stageBits[k]);
      }
      if (!StructuredForm.positiveFiniteFloat(scales[k])) {
        throw new IllegalArgumentException(
            "scale of stage "
                + k
                + " must be finite and positive"
                + " in float32, where it is used: "
                + scales[k]);
      }
    }
    int[] stages = stageBits.clone();
    float[] mu = mean.clone();
    return new Codebook(
        stages, mu, info, new StructuredForm(stages, mu, scales.clone(), info.seed()));
  }

  /**
   * An allocated codebook (docs/THEORY.md §7): m directions of one orthonormal basis, direction i
   * coded with {@code b_i} tied bits, {@code x̂ = μ + Σ_i u_i Σ_k c_{i,k} z_{i,k}}. The code is
   * stage-major: stage k holds bit k of directions {@code 0 … stageBits[k] − 1}, so {@code
   * stageBits} is non-increasing, {@code m = stageBits[0]} and direction i has as many bits as
   * there are stages with more than i.
   *
   * @param stageBits non-increasing, each 1..d, at most {@value Caps#MAX_PLAIN_DEPTH} stages
   * @param scales {@code c_{i,k}} of every bit in code order (bit {@code f_k + i} of stage k),
   *     finite and positive, and such that every level and threshold of a direction is finite in
   *     float32
   * @param basis the m rows {@code u_i} (m×d, row-major), orthonormal for the levels to mean what
   *     they say; or null for the first m outputs of the randomized Hadamard transform drawn from
   *     {@code info.seed()}
   */
  public static Codebook allocated(
      int dimension,
      int[] stageBits,
      float[] mean,
      float[] scales,
      float[] basis,
      CodebookInfo info) {
    return allocated(dimension, stageBits, mean, scales, basis, null, info);
  }

  /**
   * An allocated codebook whose codes end with a per-vector gain (docs/THEORY.md §7, per-vector
   * gain): {@code g} more bits after the directions' index one of {@code 2^g} levels {@code ŝ}, and
   * {@code x̂ = μ + ŝ Σ_i u_i Σ_k c_{i,k} z_{i,k}}. The encoder codes the directions as without a
   * gain, then picks the level nearest to the least-squares gain of the vector's projections on its
   * levels. The code has {@code Σ stageBits + g} bits.
   *
   * @param gain the levels, strictly increasing, finite and positive, a power of two of them from 2
   *     to 256 (g = 1 to 8 bits); or null for no gain, as {@link #allocated(int, int[], float[],
   *     float[], float[], CodebookInfo)}
   * @see #allocated(int, int[], float[], float[], float[], CodebookInfo)
   */
  public static Codebook allocated(
      int dimension,
      int[] stageBits,
      float[] mean,
      float[] scales,
      float[] basis,
      float[] gain,
      CodebookInfo info) {
    return allocated(dimension, stageBits, mean, scales, basis, gain, false, info);
  }

  /**
   * An allocated codebook whose per-vector gain the encoder searches jointly with the directions'
   * levels if {@code jointGain} (docs/THEORY.md §7, docs/FORMAT.md §2.4, version 6): for each gain
   * level {@code s_j} it codes every {@code y_i / s_j} by its nearest level and keeps the level
   * whose codes leave the least squared error, so the levels are those of the vectors scaled to a
   * common norm. Such a codebook may give a direction up to {@value Caps#MAX_DEPTH} bits; others at
   * most {@value Caps#MAX_PLAIN_DEPTH}. Decoding is the same either way.
   *
   * @param jointGain the encoder's rule for the gain; needs {@code gain}
   * @see #allocated(int, int[], float[], float[], float[], float[], CodebookInfo)
   */
  public static Codebook allocated(
      int dimension,
      int[] stageBits,
      float[] mean,
      float[] scales,
      float[] basis,
      float[] gain,
      boolean jointGain,
      CodebookInfo info) {
    Objects.requireNonNull(stageBits, "stageBits");
    Objects.requireNonNull(info, "info");
    int bits = checkStages(dimension, stageBits);
    if (jointGain && gain == null) {
      throw new IllegalArgumentException("a jointly searched gain needs gain levels");
    }
    int maxDepth = jointGain ? Caps.MAX_DEPTH : Caps.MAX_PLAIN_DEPTH;
    if (stageBits.length > maxDepth) {
      throw new IllegalArgumentException(
          "an allocated codebook has at most "
              + maxDepth
              + " stages"
              + (jointGain ? "" : " without a jointly searched gain")
              + ": "
              + stageBits.length);
    }
    for (int k = 0; k < stageBits.length; k++) {
      if (stageBits[k] > dimension || (k > 0 && stageBits[k] > stageBits[k - 1])) {
        throw new IllegalArgumentException(
            "stage bits must be non-increasing and at most d = "
                + dimension
                + ": "
                + Arrays.toString(stageBits));
      }
    }
    checkArray("mean", mean, dimension);
    checkArray("scales", scales, bits);
    for (int j = 0; j < bits; j++) {
      if (!(scales[j] > 0)) {
        throw new IllegalArgumentException("scales[" + j + "] is not positive: " + scales[j]);
      }
    }
    int[] stages = stageBits.clone();
    TiedLevels[] levels = AllocatedForm.levels(stages, scales);
    int overflowing = AllocatedForm.overflowingDirection(levels);
    if (overflowing >= 0) {
      throw new IllegalArgumentException(
          "direction " + overflowing + " overflows float32: " + levels[overflowing].nonFinite());
    }
    if (gain != null) {
      String problem = GainLevels.problem(gain);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      int g = Integer.numberOfTrailingZeros(gain.length);
      int max = Caps.maxBits(dimension, stageBits.length);
      if (bits + g > max) {
        throw new IllegalArgumentException(
            "bits must be in 1.."
                + max
                + " for dimension "
                + dimension
                + ": "
                + bits
                + " of directions and "
                + g
                + " of gain");
      }
    }
    float[] mu = mean.clone();
    if (basis == null) {
      return new Codebook(
          stages,
          mu,
          info,
          AllocatedForm.structured(mu, stages, scales.clone(), info.seed(), gain, jointGain));
    }
    checkArray("basis", basis, (long) stages[0] * dimension);
    String zeroRow = zeroRow(basis, stages[0], dimension);
    if (zeroRow != null) {
      throw new IllegalArgumentException(zeroRow.replace("encoder", "basis"));
    }
    return new Codebook(
        stages, mu, info, AllocatedForm.dense(mu, stages, scales.clone(), basis, gain, jointGain));
  }

  /**
   * Whether this codebook's maps are fast transforms stored as a seed rather than dense matrices
   * (structured codebooks, and allocated ones on a structured basis).
   */
  public boolean isStructured() {
    return form instanceof StructuredForm
        || (form instanceof AllocatedForm && ((AllocatedForm) form).structuredBasis());
  }

  /**
   * Whether this codebook allocates its bits over the directions of one basis, several tied bits
   * per direction ({@link #allocated}), rather than one sign per projection.
   */
  public boolean isAllocated() {
    return form instanceof AllocatedForm;
  }

  CodebookForm form() {
    return form;
  }

  /** Checks the shape and returns the total bits. */
  static int checkStages(int dimension, int[] stageBits) {
    if (dimension < 1 || dimension > Caps.MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "dimension must be in 1.." + Caps.MAX_DIMENSION + ": " + dimension);
    }
    if (stageBits.length < 1 || stageBits.length > Caps.MAX_STAGES) {
      throw new IllegalArgumentException(
          "stages must number 1.." + Caps.MAX_STAGES + ": " + stageBits.length);
    }
    long bits = 0;
    for (int k = 0; k < stageBits.length; k++) {
      if (stageBits[k] < 1 || stageBits[k] > 2L * dimension) {
        throw new IllegalArgumentException(
            "stage "
                + k
                + " bits must be in 1.."
                + 2L * dimension
                + " for dimension "
                + dimension
                + ": "
                + stageBits[k]);
      }
      bits += stageBits[k];
    }
    int max = Caps.maxBits(dimension, stageBits.length);
    if (bits > max) {
      throw new IllegalArgumentException(
          "bits must be in 1.." + max + " for dimension " + dimension + ": " + bits);
    }
    return (int) bits;
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

  /** Number of stages K (1 for a plain sign autoencoder). */
  public int stageCount() {
    return stageBits.length;
  }

  /**
   * The bits of an allocated codebook's per-vector gain, the code's last ({@link #allocated(int,
   * int[], float[], float[], float[], float[], CodebookInfo)}); 0 if its codes have none.
   */
  public int gainBits() {
    return form instanceof AllocatedForm a && a.gain() != null ? a.gain().bits() : 0;
  }

  /**
   * Whether the encoder searches the per-vector gain jointly with the directions' levels ({@link
   * #allocated(int, int[], float[], float[], float[], float[], boolean, CodebookInfo)}); false if
   * the codes have no gain or take the level nearest to the least-squares gain after the
   * directions.
   */
  public boolean gainSearchedJointly() {
    return form instanceof AllocatedForm a && a.gain() != null && a.gain().joint();
  }

  /** The levels of the per-vector gain, ascending (a copy); null if the codes have none. */
  public float[] gainLevels() {
    return form instanceof AllocatedForm a && a.gain() != null ? a.gain().levels() : null;
  }

  /**
   * Bits of each stage, in coding order; they sum to {@link #bits()}, less the {@link #gainBits()}
   * that follow them.
   */
  public int[] stageBits() {
    return stageBits.clone();
  }

  /** Rate r = n / d in bits per coordinate. */
  public double rate() {
    return (double) bits / dimension;
  }

  /** A copy of the mean μ. */
  public float[] mean() {
    return mean.clone();
  }

  /**
   * The encoder B, n×d row-major, as a new array (computed, for a structured codebook); the rows of
   * the gain's bits, if the codes have a gain, are zero.
   */
  public float[] encoder() {
    return form.denseEncoder();
  }

  /**
   * The decoder A, d×n row-major, as a new array (computed, for a structured codebook). With a
   * per-vector gain ({@link #gainBits()} above 0) the gain's columns are zero and a code decodes as
   * {@code μ + ŝ A z}, {@code ŝ} the level its gain bits index.
   */
  public float[] decoder() {
    return form.denseDecoder();
  }

  /** How this codebook was made. */
  public CodebookInfo info() {
    return info;
  }

  float[] meanArray() {
    return mean;
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
    return Math.toIntExact(CodebookFormat.size(form));
  }

  /** Writes the codebook in the format of docs/FORMAT.md §2. Does not flush or close. */
  public void write(OutputStream out) throws IOException {
    CodebookFormat.write(info, form, Objects.requireNonNull(out, "out"));
  }

  /** The serialized codebook. */
  public byte[] toByteArray() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(serializedSize());
    try {
      write(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a byte array does not fail
    }
    return out.toByteArray();
  }

  /**
   * Reads one codebook, consuming exactly its bytes.
   *
   * @throws TruncatedInputException if the input ends inside the codebook
   * @throws UnsupportedVersionException if the format version is not one this library reads
   * @throws ChecksumMismatchException if the bytes were altered
   * @throws MalformedInputException if the input is not a codebook or declares sizes beyond the
   *     caps
   */
  public static Codebook read(InputStream in) throws IOException {
    CodebookFormat.Contents contents = CodebookFormat.read(in);
    CodebookForm form = contents.form();
    return new Codebook(form.stageBits(), form.mean(), contents.info(), form);
  }

  /** Equal when the two write the same bytes. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Codebook)) {
      return false;
    }
    Codebook c = (Codebook) o;
    return fingerprint == c.fingerprint && info.equals(c.info) && form.sameAs(c.form);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(fingerprint);
  }

  @Override
  public String toString() {
    return "Codebook[d="
        + dimension
        + ", n="
        + bits
        + ", r="
        + rate()
        + (stageBits.length > 1 ? ", stages=" + Arrays.toString(stageBits) : "")
        + ", method="
        + info.method()
        + ", fingerprint="
        + fingerprintHex()
        + "]";
  }

  /** Serialized as its format bytes: the reader then checks them as {@link #read} does. */
  private Object writeReplace() {
    return new SerializedCodebook(toByteArray());
  }

  private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("a Codebook is serialized as its format bytes");
  }

  /** The serialized form of a {@link Codebook}: its bytes in the codebook format. */
  private static final class SerializedCodebook implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    SerializedCodebook(byte[] bytes) {
      this.bytes = bytes;
    }

    private Object readResolve() throws java.io.ObjectStreamException {
      try {
        java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(bytes);
        Codebook codebook = read(in);
        if (in.available() != 0) {
          throw new java.io.InvalidObjectException(
              in.available() + " bytes follow the serialized codebook");
        }
        return codebook;
      } catch (IOException e) {
        java.io.InvalidObjectException invalid =
            new java.io.InvalidObjectException("serialized codebook: " + e.getMessage());
        invalid.initCause(e);
        throw invalid;
      }
    }
  }
}
