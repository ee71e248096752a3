package io.signcodec.bench;

import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.pq.ProductQuantization;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.ByteSequence;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import io.signcodec.core.Caps;
import io.signcodec.core.CodeScorer;
import io.signcodec.core.Codebook;
import io.signcodec.core.DistortionBounds;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.VectorSource;
import io.signcodec.core.internal.Matrices;
import io.signcodec.core.internal.Parallel;
import io.signcodec.core.train.CodebookTrainer;
import io.signcodec.core.train.CovarianceAccumulator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.IntFunction;

/** The compressors the distortion report compares, all at the same number of bits per vector. */
final class Methods {
  private Methods() {}

  /** A compressor fitted to a training set. */
  interface Fitted {
    /**
     * Compresses and decompresses {@code count} row-major vectors of {@code x} into {@code out}.
     */
    void reconstruct(float[] x, int count, float[] out);

    /** The Gaussian prediction of the NMSE from the training covariance, or NaN. */
    default double predictedNmse() {
      return Double.NaN;
    }

    /**
     * The top {@link Retrieval#K} of {@code dbCount} row-major {@code database} vectors for each
     * query, searched in compressed form; {@code decoded} is the database as this method
     * reconstructs it. By default an exact search over {@code decoded}.
     */
    default int[] search(
        float[] queries, int queryCount, float[] database, float[] decoded, int dbCount, int d) {
      return Retrieval.topK(queries, queryCount, decoded, dbCount, d);
    }
  }

  /** What every method may reuse about one training set. */
  static final class TrainingSet {
    final float[] vectors;
    final int dimension;
    final float[] mean;
    final double[] covariance;
    private Linalg.Eigen eigen;

    TrainingSet(float[] vectors, int dimension) {
      this.vectors = vectors;
      this.dimension = dimension;
      CovarianceAccumulator m = Linalg.moments(vectors, dimension);
      double[] mu = m.mean();
      this.mean = new float[dimension];
      for (int k = 0; k < dimension; k++) {
        mean[k] = (float) mu[k];
      }
      this.covariance = m.covariance();
    }

    synchronized Linalg.Eigen eigen() {
      if (eigen == null) {
        eigen = Linalg.symmetricEigen(covariance, dimension);
      }
      return eigen;
    }
  }

  /** One compressor. */
  interface Method {
    /** Stable identifier (JSON, plots). */
    String id();

    /** Name in tables and legends. */
    String label();

    /** Bits per vector this method spends at a budget of {@code bits}, or 0 if it cannot. */
    int bitsUsed(int dimension, int bits);

    Fitted fit(TrainingSet train, int bits) throws IOException;
  }

  /** Trainer settings for the signcodec methods, and the trainer of each. */
  record TrainerSettings(int maxSteps, double tolerance, long seed) {
    static final TrainerSettings DEFAULTS = new TrainerSettings(150, 1e-6, 1);

    /**
     * The library's default allocation, bits over principal directions with tied levels, without
     * the mean's direction (which the default codes first on data far from centred: the next
     * method) and without a per-vector gain, so that the columns compare the allocation with and
     * without each.
     */
    CodebookTrainer trainer(int bits) {
      return builder(bits).meanDirectionBits(0).gainBits(0).build();
    }

    /**
     * The allocation with the mean's direction coded first, with 8 of the bits: the per-vector term
     * for inner-product search on data that are not centred. No gain.
     */
    CodebookTrainer meanDirectionTrainer(int bits) {
      return builder(bits).meanDirectionBits(Math.min(8, bits)).gainBits(0).build();
    }

    /**
     * The allocation with 4 of the bits for a per-vector gain (at most half of them), the mean's
     * direction as the default decides.
     */
    CodebookTrainer gainTrainer(int bits) {
      return builder(bits).gainBits(Math.min(4, bits / 2)).build();
    }

    /**
     * As {@link #gainTrainer}, the gain searched jointly with the directions (format version 6):
     * levels fitted to vectors scaled to a common norm, the mean direction on evenly spaced levels.
     */
    CodebookTrainer jointGainTrainer(int bits) {
      return builder(bits).gainBits(Math.min(4, bits / 2), true).build();
    }

    /** The library's defaults: the mean's direction and the gain as the trainer decides. */
    CodebookTrainer defaultTrainer(int bits) {
      return builder(bits).build();
    }

    /**
     * The previous default, kept to measure against: sign codes trained by gradient ascent, one
     * stage up to d bits, stages of d bits above.
     */
    CodebookTrainer stagedTrainer(int bits) {
      return ascending(builder(bits).staged()).build();
    }

    /** One stage whatever the bits (at most 2d): the plain sign autoencoder, a frame above d. */
    CodebookTrainer shallowTrainer(int bits) {
      return ascending(builder(bits).shallow()).build();
    }

    /** The data-free form as the CLI's {@code train --isotropic} makes it: structured. */
    CodebookTrainer structuredTrainer(int bits) {
      return builder(bits).structured().build();
    }

    private CodebookTrainer.Builder builder(int bits) {
      return CodebookTrainer.builder().bits(bits).seed(seed);
    }

    /**
     * The ascent's settings, for the sign codes only: the trainer refuses them for the allocated
     * codebooks and the structured data-free form, which run no gradient ascent.
     */
    private CodebookTrainer.Builder ascending(CodebookTrainer.Builder sign) {
      return sign.maxSteps(maxSteps).tolerance(tolerance);
    }
  }

  static List<Method> all(TrainerSettings settings, boolean gaussianPrediction) {
    return List.of(
        new SigncodecTrainer(
            "signcodec-trained", "signcodec trained (allocated)", settings::trainer, false),
        new SigncodecTrainer(
            "signcodec-mean8",
            "signcodec trained, mean direction 8 bits",
            settings::meanDirectionTrainer,
            false),
        new SigncodecTrainer(
            "signcodec-gain4",
            "signcodec trained, gain 4 bits (mean direction: default)",
            settings::gainTrainer,
            false),
        new SigncodecTrainer(
            "signcodec-joint4",
            "signcodec trained, gain 4 bits searched jointly (mean direction: default)",
            settings::jointGainTrainer,
            false),
        new SigncodecTrainer(
            "signcodec-default",
            "signcodec trained, the library's defaults (gain: auto)",
            settings::defaultTrainer,
            false),
        new SigncodecTrainer(
            "signcodec-staged", "signcodec sign code, staged", settings::stagedTrainer, false),
        new SigncodecTrainer(
            "signcodec-shallow",
            "signcodec trained, one shallow stage",
            settings::shallowTrainer,
            true),
        new SigncodecDataFree(
            "signcodec-data-free", "signcodec data-free", settings, gaussianPrediction),
        LeastSquaresSigns.coordinates(),
        LeastSquaresSigns.rotations(),
        new JVectorPq("jvector-pq", "peer: JVector PQ (256 centroids/subspace)"),
        LeastSquaresSigns.principal());
  }

  /**
   * Runs a codec-core codebook pair (possibly the same codebook twice); searches score the codes
   * with the decoding codebook's {@link CodeScorer}.
   */
  static Fitted codec(Codebook encoding, Codebook decoding, double predicted) {
    SignEncoder encoder = SignEncoder.of(encoding);
    LinearDecoder decoder = LinearDecoder.of(decoding);
    CodeScorer scorer = CodeScorer.of(decoding);
    return new Fitted() {
      @Override
      public int[] search(
          float[] queries, int queryCount, float[] database, float[] decoded, int dbCount, int d) {
        byte[] codes = new byte[dbCount * encoder.codeBytes()];
        encoder.encode(database, 0, codes, 0, dbCount);
        return Retrieval.topKOnCodes(queries, queryCount, scorer, codes, dbCount);
      }

      @Override
      public void reconstruct(float[] x, int count, float[] out) {
        byte[] codes = new byte[count * encoder.codeBytes()];
        encoder.encode(x, 0, codes, 0, count);
        decoder.decode(codes, 0, out, 0, count);
      }

      @Override
      public double predictedNmse() {
        return predicted;
      }
    };
  }

  /**
   * signcodec learned from the data by {@link CodebookTrainer#train}, with one of the trainer
   * settings the report compares (see {@link TrainerSettings}).
   *
   * @param trainer the trainer for a budget of so many bits
   * @param shallowRange whether it is measured only where one shallow stage differs from the
   *     default, above one bit per coordinate up to two; else up to the staged codes' cap
   */
  record SigncodecTrainer(
      String id, String label, IntFunction<CodebookTrainer> trainer, boolean shallowRange)
      implements Method {
    @Override
    public int bitsUsed(int dimension, int bits) {
      boolean measured =
          shallowRange
              ? bits > dimension && bits <= 2 * dimension
              : bits <= Caps.MAX_STAGED_RATE * dimension;
      return measured ? bits : 0;
    }

    @Override
    public Fitted fit(TrainingSet train, int bits) throws IOException {
      Codebook cb = trainer.apply(bits).train(VectorSource.of(train.vectors, train.dimension));
      return codec(cb, cb, cb.info().predictedNmse());
    }
  }

  /**
   * signcodec's data-free form: {@link CodebookTrainer#trainIsotropic}, structured (randomized
   * Hadamard rotations stored as a seed) and in stages above one bit per coordinate, as {@code
   * train --isotropic} makes it.
   */
  record SigncodecDataFree(String id, String label, TrainerSettings settings, boolean predict)
      implements Method {
    @Override
    public int bitsUsed(int dimension, int bits) {
      return bits <= Caps.MAX_STAGED_RATE * dimension ? bits : 0;
    }

    @Override
    public Fitted fit(TrainingSet train, int bits) throws IOException {
      Codebook cb =
          settings
              .structuredTrainer(bits)
              .trainIsotropic(VectorSource.of(train.vectors, train.dimension));
      double predicted =
          predict ? DistortionBounds.predictedNmse(cb, train.covariance) : Double.NaN;
      return codec(cb, cb, predicted);
    }
  }

  /**
   * The peers that take the sign of fixed projections of the centred vector ({@code bits} rows of
   * d) and decode with the least-squares decoder ({@link SignLeastSquares}); they differ in their
   * rows and in the budgets they can spend.
   *
   * @param usable whether the peer can spend {@code bits} bits in dimension d
   * @param rows the projections for a budget, {@code bits × d} row-major
   */
  record LeastSquaresSigns(
      String id,
      String label,
      BiPredicate<Integer, Integer> usable,
      BiFunction<TrainingSet, Integer, double[]> rows)
      implements Method {
    /**
     * Peer 1: the sign of each centred coordinate, as "binary quantization" in vector stores does.
     * One bit per coordinate, so r = 1 only.
     */
    static LeastSquaresSigns coordinates() {
      return new LeastSquaresSigns(
          "coordinate-signs",
          "peer: sign of centred coordinates + LS",
          (d, bits) -> bits.equals(d),
          (train, bits) -> {
            int d = train.dimension;
            double[] identity = new double[d * d];
            for (int k = 0; k < d; k++) {
              identity[k * d + k] = 1;
            }
            return identity;
          });
    }

    /**
     * Peer 2: a random rotation then the sign (RaBitQ-style). Above one bit per coordinate, rows
     * come from independent rotations stacked.
     */
    static LeastSquaresSigns rotations() {
      return new LeastSquaresSigns(
          "rotation-signs",
          "peer: random rotation + sign + LS",
          (d, bits) -> bits <= 2 * d,
          (train, bits) -> {
            int d = train.dimension;
            Random random = new Random(7);
            double[] rows = new double[bits * d];
            for (int row = 0; row < bits; ) {
              int take = Math.min(d, bits - row);
              double[] q = Matrices.randomOrthonormalRows(take, d, random).data;
              System.arraycopy(q, 0, rows, row * d, take * d);
              row += take;
            }
            return rows;
          });
    }

    /**
     * Peer 4: one bit for each of the top-n principal directions. There are only d directions, so r
     * ≤ 1.
     */
    static LeastSquaresSigns principal() {
      return new LeastSquaresSigns(
          "principal-signs",
          "peer: top-n principal directions + sign + LS",
          (d, bits) -> bits <= d,
          (train, bits) ->
              java.util.Arrays.copyOf(train.eigen().vectorsAsRows(), bits * train.dimension));
    }

    @Override
    public int bitsUsed(int dimension, int bits) {
      return usable.test(dimension, bits) ? bits : 0;
    }

    @Override
    public Fitted fit(TrainingSet train, int bits) {
      SignLeastSquares.Pair p =
          SignLeastSquares.fit(
              train.vectors, train.dimension, train.mean, rows.apply(train, bits), bits);
      return codec(p.encoding(), p.decoding(), Double.NaN);
    }
  }

  /**
   * Peer 3: JVector's product quantization, 256 k-means centroids (8 bits) per subspace, as many
   * subspaces as the budget allows ({@code floor(bits / 8)}, at most d), globally centred,
   * unweighted (MSE) k-means; reconstruction is JVector's own {@code decode}.
   */
  record JVectorPq(String id, String label) implements Method {
    static final int CLUSTERS = 256;

    @Override
    public int bitsUsed(int dimension, int bits) {
      int m = subspaces(dimension, bits);
      return m == 0 ? 0 : 8 * m;
    }

    static int subspaces(int dimension, int bits) {
      int m = bits / 8;
      return m >= 1 && m <= dimension ? m : 0;
    }

    @Override
    public Fitted fit(TrainingSet train, int bits) {
      int d = train.dimension;
      int m = subspaces(d, bits);
      ProductQuantization pq =
          ProductQuantization.compute(ravv(train.vectors, d), m, CLUSTERS, true);
      return (x, count, out) -> {
        VectorTypeSupport vts = VectorizationProvider.getInstance().getVectorTypeSupport();
        Parallel.forRange(
            count,
            64,
            true,
            (from, to) -> {
              ByteSequence<?> code = vts.createByteSequence(m);
              VectorFloat<?> decoded = vts.createFloatVector(d);
              for (int i = from; i < to; i++) {
                pq.encodeTo(
                    vts.createFloatVector(java.util.Arrays.copyOfRange(x, i * d, i * d + d)), code);
                pq.decode(code, decoded);
                for (int k = 0; k < d; k++) {
                  out[i * d + k] = decoded.get(k);
                }
              }
            });
      };
    }

    static ListRandomAccessVectorValues ravv(float[] x, int d) {
      VectorTypeSupport vts = VectorizationProvider.getInstance().getVectorTypeSupport();
      int count = x.length / d;
      List<VectorFloat<?>> list = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        list.add(vts.createFloatVector(java.util.Arrays.copyOfRange(x, i * d, i * d + d)));
      }
      return new ListRandomAccessVectorValues(list, d);
    }
  }
}
