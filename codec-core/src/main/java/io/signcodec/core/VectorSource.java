package io.signcodec.core;

import io.signcodec.core.internal.ArrayVectorSource;
import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.LimitedReader;
import io.signcodec.core.internal.ReadOnceSource;
import java.io.IOException;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * A sequence of float vectors of one dimension that can be read more than once, batch by batch.
 *
 * <p>Training reads its source twice (moments, then the decoder refit), so a source is a recipe for
 * opening readers rather than a reader itself. A source may be far larger than memory: nothing here
 * requires it to be materialised.
 */
public interface VectorSource {

  /** Dimension of every vector this source yields. */
  int dimension();

  /** Opens a new pass over the vectors from the first one. The caller closes the reader. */
  VectorReader open() throws IOException;

  /**
   * Reads one pass over this source in batches of at most {@code batchVectors} vectors, checks that
   * every component of a batch is finite before handing it to {@code consumer}, and tells {@code
   * progress} the number of vectors read so far after each batch. Training and the command line
   * read their input through this, so both refuse the same data with the same words.
   *
   * @return the number of vectors read
   * @throws IllegalArgumentException at the first non-finite component, naming the vector (numbered
   *     from 0 over the pass) and the component; the batches before it were delivered
   * @throws IOException if reading fails, or if the reader's dimension is not the source's
   */
  default long forEachBatch(int batchVectors, BatchConsumer consumer, LongConsumer progress)
      throws IOException {
    Checks.checkPositive("batchVectors", batchVectors);
    int d = dimension();
    float[] batch = new float[Math.multiplyExact(batchVectors, d)];
    long total = 0;
    try (VectorReader reader = open()) {
      if (reader.dimension() != d) {
        throw new IOException(
            "source declared dimension " + d + " but its reader yields " + reader.dimension());
      }
      int n;
      while ((n = reader.read(batch, 0, batchVectors)) >= 0) {
        if (n == 0) {
          continue;
        }
        Checks.checkFinite(batch, 0, n, d, total);
        consumer.accept(batch, n);
        total += n;
        progress.accept(total);
      }
    }
    return total;
  }

  /** Receives one batch of {@link #forEachBatch}: {@code count} finite vectors, row-major. */
  @FunctionalInterface
  interface BatchConsumer {
    /** The array is reused for the next batch: copy what must outlive this call. */
    void accept(float[] vectors, int count) throws IOException;
  }

  /**
   * The first {@code maxVectors} vectors of this source (all of them if it has fewer): every pass
   * over the result ends there.
   *
   * @throws IllegalArgumentException if {@code maxVectors} is negative
   */
  default VectorSource limit(long maxVectors) {
    Checks.checkAtLeast("maxVectors", maxVectors, 0);
    return map(reader -> new LimitedReader(reader, maxVectors));
  }

  /**
   * This source with every reader it opens seen through {@code view}, which must keep the
   * dimension: how a source is derived from another (its first vectors, its residuals under a
   * codebook, ...) without a class of its own. A {@link ForwardingVectorReader} is the usual view.
   */
  default VectorSource map(ReaderView view) {
    Objects.requireNonNull(view, "view");
    VectorSource source = this;
    return new VectorSource() {
      @Override
      public int dimension() {
        return source.dimension();
      }

      @Override
      public VectorReader open() throws IOException {
        VectorReader reader = source.open();
        try {
          return view.apply(reader);
        } catch (IOException | RuntimeException | Error e) {
          reader.close();
          throw e;
        }
      }
    };
  }

  /** What {@link #map} applies to each reader a source opens. */
  @FunctionalInterface
  interface ReaderView {
    /** A reader over what {@code reader} yields, owning it. */
    VectorReader apply(VectorReader reader) throws IOException;
  }

  /**
   * A source over {@code count} vectors stored row-major in {@code vectors} (not copied: the caller
   * must not change the array while the source is in use).
   */
  static VectorSource of(float[] vectors, int dimension) {
    Objects.requireNonNull(vectors, "vectors");
    Checks.checkPositive("dimension", dimension);
    if (vectors.length % dimension != 0) {
      throw new IllegalArgumentException(
          "array length " + vectors.length + " is not a multiple of the dimension " + dimension);
    }
    return new ArrayVectorSource(vectors, 0, vectors.length / dimension, dimension);
  }

  /**
   * A source that hands out the already open {@code reader} to its first {@link #open()} and
   * refuses a second: for standard input, a pipe or a socket, which cannot be read twice. Enough
   * for encoding and evaluation; training, which reads twice, fails on its second pass.
   *
   * @param name how the refusal calls the input, such as "standard input"
   */
  static VectorSource readOnce(VectorReader reader, String name) {
    return new ReadOnceSource(reader, name);
  }
}
