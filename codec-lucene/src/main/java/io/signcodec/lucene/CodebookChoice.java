package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.index.FieldInfo;

/**
 * Which codebook a format writes a field with: the caller's, or the data-free form for the field's
 * dimension. Readers never need it: each segment records its codebook.
 */
final class CodebookChoice {
  private final Codebook given;
  private final double rate;
  private final long seed;
  private final Map<Integer, Codebook> dataFree = new ConcurrentHashMap<>();

  private CodebookChoice(Codebook given, double rate, long seed) {
    this.given = given;
    this.rate = rate;
    this.seed = seed;
  }

  static CodebookChoice given(Codebook codebook) {
    Objects.requireNonNull(codebook, "codebook");
    if (codebook.dimension() > SigncodecFlatVectorsFormat.MAX_DIMENSIONS) {
      throw new IllegalArgumentException(
          "codebook dimension "
              + codebook.dimension()
              + " is above the format's maximum "
              + SigncodecFlatVectorsFormat.MAX_DIMENSIONS);
    }
    return new CodebookChoice(codebook, Double.NaN, 0);
  }

  static CodebookChoice dataFree(double rate, long seed) {
    if (!(rate > 0)) {
      throw new IllegalArgumentException("rate must be positive: " + rate);
    }
    // Builds one codebook to check the options now rather than at the first flush.
    CodebookChoice choice = new CodebookChoice(null, rate, seed);
    choice.forDimension(8);
    return choice;
  }

  /**
   * The codebook for a float field, refusing one whose dimension the given codebook does not have.
   */
  Codebook forField(FieldInfo field) {
    int d = field.getVectorDimension();
    if (given != null) {
      if (given.dimension() != d) {
        throw new IllegalArgumentException(
            "field \""
                + field.name
                + "\" has dimension "
                + d
                + ", the format's codebook "
                + given.fingerprintHex()
                + " has "
                + given.dimension());
      }
      return given;
    }
    return forDimension(d);
  }

  private Codebook forDimension(int d) {
    return dataFree.computeIfAbsent(d, this::unitNormForm);
  }

  /**
   * The data-free (structured, allocated) form fitted to mean 0 and a root mean square of {@code
   * 1/√d} per coordinate, that of unit vectors: what DOT_PRODUCT and COSINE fields hold and what
   * most embedding models emit. The trainer fits the data-free form to a source's mean and overall
   * scale alone, so two opposite constant vectors of that scale give exactly those.
   */
  private Codebook unitNormForm(int d) {
    float[] two = new float[2 * d];
    float s = (float) (1 / Math.sqrt(d));
    Arrays.fill(two, 0, d, s);
    Arrays.fill(two, d, 2 * d, -s);
    try {
      return CodebookTrainer.builder()
          .rate(rate)
          .seed(seed)
          .structured()
          .build()
          .trainIsotropic(VectorSource.of(two, d));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory source does not fail
    }
  }

  @Override
  public String toString() {
    return given != null
        ? "codebook=" + given.fingerprintHex()
        : "dataFree(rate=" + rate + ", seed=" + seed + ")";
  }
}
