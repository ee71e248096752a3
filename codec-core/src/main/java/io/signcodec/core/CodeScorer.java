package io.signcodec.core;

import io.signcodec.core.internal.form.AllocatedForm;
import io.signcodec.core.internal.form.GainLevels;
import java.util.Objects;

/**
 * Inner products between float queries and encoded vectors, without decoding them.
 *
 * <p>Because decoding is linear, {@code ⟨q, μ + A z⟩ = ⟨q, μ⟩ + Σ_j w_j z_j} with {@code w = Aᵀ q}.
 * With {@code z_j = ±1} that is {@code ⟨q, μ⟩ − Σ_j w_j + 2 Σ_{j: bit set} w_j}, and the last sum
 * is read byte by byte from tables of 256 partial sums per code byte. Preparing a query costs one
 * {@code n×d} product and {@code 256·⌈n/8⌉} table entries; scoring a code then costs {@code ⌈n/8⌉}
 * table look-ups instead of the {@code n·d} multiply-adds of decoding. Works for multi-stage
 * codebooks too, whose decoder is the same single linear map.
 *
 * <p>A code with a per-vector gain ({@link Codebook#gainBits()}) decodes as {@code μ + ŝ A z}: its
 * score is {@code ⟨q, μ⟩ + ŝ (Σ_j w_j z_j)}, the sum from the tables (the gain's bits weigh nothing
 * there) and {@code ŝ} the level the code's gain bits index, one more look-up per code.
 *
 * <p>Thread-safe; so is every {@link Query} it prepares.
 */
public final class CodeScorer {
  private final Codebook codebook;
  private final int dimension;
  private final int codeBytes;

  /** The codes' per-vector gain, or null. */
  private final GainLevels gain;

  private CodeScorer(Codebook codebook) {
    this.codebook = codebook;
    this.dimension = codebook.dimension();
    this.codeBytes = codebook.codeBytes();
    this.gain = codebook.form() instanceof AllocatedForm a && a.gain() != null ? a.gain() : null;
  }

  public static CodeScorer of(Codebook codebook) {
    return new CodeScorer(Objects.requireNonNull(codebook, "codebook"));
  }

  public Codebook codebook() {
    return codebook;
  }

  /** Prepares {@code query} (the codebook's dimension, finite) for scoring many codes. */
  public Query prepare(float[] query) {
    VectorChecks.checkDimension("query", query, dimension);
    io.signcodec.core.internal.Checks.checkFinite(query, 0, 1, dimension);
    Weights weights = weights(query);
    float[] tables = new float[codeBytes * 256];
    fillTables(weights.bitWeights, tables);
    return new Query(weights.constant, weights.base, gain, tables, codeBytes);
  }

  /**
   * Prepares {@code query} (the codebook's dimension, finite) for quantized scoring: the {@value
   * io.signcodec.core.internal.QueryPlanes#HEAD_BYTES} code bytes with the largest weights read
   * from exact tables, and every other bit weight {@code w_j} of {@code Σ_j w_j z_j} rounded to 8
   * bits on a step of its own 64-bit word (a power-of-two fraction of the query's), held as bit
   * planes, so that those bytes score with eight 64-bit ANDs and population counts per 64 code bits
   * instead of eight table look-ups, and the query needs no more than the head bytes' tables (the
   * planes are built on the first score: the {@code m×d} product of the projections, and one pass
   * over the n weights). For an allocated codebook with a dense basis and codes of more than
   * {@value io.signcodec.core.internal.QueryPlanes#HEAD_BYTES} bytes, the planes' projections read
   * the directions rounded to bfloat16 (8 significant bits: each projection within {@code 2^−8 ‖q‖
   * ‖u_i‖}, the order of the planes' own rounding), half the bytes, which the product waits on (d =
   * 784, 735 directions: 13.5 µs against 35; in Lucene's HNSW at d = 384, 5 to 9 % more queries per
   * second); recall@10 of the quantized scores on Fashion-MNIST, every code scored, did not change
   * (0.947 at r = 4; 0.914 against 0.910 at r = 2), nor, within 0.006, that of a graph search on
   * MiniLM. Packed codes' tables use the exact projections. Scores differ from {@link
   * Query#score}'s by at most {@link QuantizedQuery#maxError}, and in practice by far less: the
   * roundings are independent, of either sign. A first pass for a search whose candidates the exact
   * scores then rank, or a graph search (HNSW) that tolerates scores this close. Codes of at most
   * that many bytes, with exact projections, score exactly, to float rounding.
   *
   * <p>The counts are whole numbers, so a code's score is the same float on every JVM and CPU: with
   * the Vector API ({@code --add-modules jdk.incubator.vector}) on JDK 19 or later they run on
   * {@code LongVector}s, else on {@link Long#bitCount}. They pay where the CPU counts bits in
   * vectors ({@code vpopcntq}, AVX-512): measured at d = 768, 1.2 to 1.3 (r = 1) and 2.5 to 3.1 (r
   * = 2) times the codes per second of {@link Query#scoreAll}; with AVX2's emulated count, or on
   * JDK 17, they score fewer, 0.3 to 0.8 times (BENCHMARKS.md, "Quantized queries").
   *
   * <p>For {@linkplain PackedCodes packed codes} the query builds, on their first use, 8-bit tables
   * of 16 entries per code nibble (32 bytes per code byte), whose scan ({@link
   * QuantizedQuery#scoreAll(PackedCodes, int, int, float[], int)}) looks up 32 codes' nibbles at
   * once in registers: the fastest way to score many codes for one query: at d = 768, 4.6 to 7.2
   * times the codes per second of {@link Query#scoreAll} with the Vector API on JDK 25 (AVX-512 and
   * AVX2), 2.9 to 4.4 times on JDK 17, half as many without the Vector API (BENCHMARKS.md, "Packed
   * codes"); and the first pass of {@link CodeSearch#CodeSearch(Codebook, float[], int, int)}.
   */
  public QuantizedQuery prepareQuantized(float[] query) {
    VectorChecks.checkDimension("query", query, dimension);
    io.signcodec.core.internal.Checks.checkFinite(query, 0, 1, dimension);
    return new QuantizedQuery(this, query.clone(), null);
  }

  /** The quantized query of {@link #weights}' results, for both its planes and its tables. */
  QuantizedQuery quantized(float constant, float base, double[] bitWeights) {
    return new QuantizedQuery(this, null, new Weights(constant, base, bitWeights));
  }

  /**
   * Prepares {@code count} queries (row-major at {@code queries[offset ..]}, the codebook's
   * dimension, finite) to score codes together: {@link Queries#scoreAll} gives each query's scores
   * bit for bit as {@link #prepare prepare}{@code (query).scoreAll} does, at about 1.5 to 1.7 times
   * the scores per second, tables of eight queries interleaved so that one cache line serves the
   * eight look-ups of a code byte. The tables take {@code ⌈n/8⌉} KiB per query (per eight, rounded
   * up), as {@link #prepare}'s do.
   *
   * @throws IllegalArgumentException if count is below 1, the range does not fit in the array or a
   *     component is not finite
   */
  public Queries prepareAll(float[] queries, int offset, int count) {
    Objects.requireNonNull(queries, "queries");
    io.signcodec.core.internal.Checks.checkAtLeast("count", count, 1);
    io.signcodec.core.internal.Checks.checkRange(
        "queries", queries.length, offset, count, dimension);
    io.signcodec.core.internal.Checks.checkFinite(queries, offset, count, dimension);
    QueryBatch batch = QueryBatch.prepare(this, queries, offset, count);
    float[][] tiles = new float[(count + TILE - 1) / TILE][];
    float[] single = new float[codeBytes * 256];
    for (int t = 0; t < tiles.length; t++) {
      tiles[t] = new float[codeBytes * 256 * TILE];
      fillTiledTables(
          batch.bitWeights, t * TILE, Math.min(TILE, count - t * TILE), single, tiles[t]);
    }
    return new Queries(batch.constants, batch.bases, gain, tiles, codeBytes);
  }

  /**
   * The costly half of {@link #prepare}, one {@code n×d} product: {@code w = Aᵀ q} and the constant
   * {@code ⟨q, μ⟩ − Σ_j w_j} (with a gain, {@code −Σ_j w_j} and the base {@code ⟨q, μ⟩} apart).
   * {@link QueryBatch} keeps these for many queries ({@link CodeSearch}, {@link SearchRecall},
   * {@link #prepareAll}) and builds the tables ({@code n/8} KiB per query, 32 times the query's
   * size at one bit per coordinate) when it needs them, with {@link #fillTables} or {@link
   * #fillTiledTables}, so that its scores are exactly {@link Query#scoreAll}'s. The query is of the
   * codebook's dimension and finite: its callers check it once, where it comes in.
   */
  Weights weights(float[] query) {
    return weights(query, false);
  }

  /**
   * {@link #weights(float[])}, or with {@code approximate} from the form's cheaper projection
   * ({@code CodebookForm.approximateWeights}), for a quantized query's planes.
   */
  Weights weights(float[] query, boolean approximate) {
    float[] mean = codebook.meanArray();
    double constant = 0;
    for (int k = 0; k < dimension; k++) {
      constant += (double) query[k] * mean[k];
    }
    double[] w =
        approximate
            ? codebook.form().approximateWeights(query)
            : codebook.form().decoderWeights(query);
    double sum = -sum(w);
    if (gain == null) {
      return new Weights((float) (constant + sum), 0f, w);
    }
    return new Weights((float) sum, (float) constant, w);
  }

  /**
   * {@code Σ w_j} in four interleaved sums, added in pairs: one chain of dependent additions would
   * wait on each one's latency.
   */
  private static double sum(double[] w) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = 0;
    for (; j + 4 <= w.length; j += 4) {
      s0 += w[j];
      s1 += w[j + 1];
      s2 += w[j + 2];
      s3 += w[j + 3];
    }
    for (; j < w.length; j++) {
      s0 += w[j];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** What {@link #weights} computes for one query. */
  static final class Weights {
    final float constant;

    /** {@code ⟨q, μ⟩} for codes with a gain, which the constant then leaves out; else 0. */
    final float base;

    final double[] bitWeights;

    Weights(float constant, float base, double[] bitWeights) {
      this.constant = constant;
      this.base = base;
      this.bitWeights = bitWeights;
    }
  }

  /** The codes' per-vector gain, or null. */
  GainLevels gain() {
    return gain;
  }

  /**
   * A score from its table sum {@code sum} ({@link #score}'s, or {@link #scoreTile}'s): itself for
   * codes without a gain ({@code gain} null), else {@code base + ŝ · sum} with {@code ŝ} the gain
   * of the code at {@code codes[offset ..]}. Every path of every scorer finishes a score with this,
   * so their scores are the same floats.
   */
  static float finish(GainLevels gain, float base, float sum, byte[] codes, int offset) {
    return gain == null ? sum : base + gain.gain(codes, offset) * sum;
  }

  /** Bytes per code: the number of 256-entry tables a query needs. */
  int codeBytes() {
    return codeBytes;
  }

  /**
   * Fills {@code tables[0 .. 256·codeBytes)}: entry {@code v} of table {@code b} is {@code Σ 2 w_j}
   * over the bits j set in byte value v of code byte b, as the float sum of its two nibbles' sums
   * (each summed in float32 from bit 0 up): 32 partial sums and 256 additions per byte, in loops
   * the JIT vectorizes.
   */
  void fillTables(double[] w, float[] tables) {
    float[] low = new float[16];
    float[] high = new float[16];
    for (int b = 0; b < codeBytes; b++) {
      int base = b * 256;
      // the weights cover the directions' bits; a gain's bits after them weigh nothing
      int width = Math.max(0, Math.min(8, w.length - 8 * b));
      nibbleSums(w, 8 * b, Math.min(4, width), low);
      nibbleSums(w, 8 * b + 4, Math.max(0, width - 4), high);
      for (int h = 0; h < 16; h++) {
        float add = high[h];
        int at = base + (h << 4);
        for (int l = 0; l < 16; l++) {
          tables[at + l] = low[l] + add;
        }
      }
    }
  }

  /**
   * {@code sums[v]}, v = 0 … 15: {@code Σ 2 w_{from + k}} over the bits k of v below {@code width},
   * each extending the sum of v without its highest set bit.
   */
  private static void nibbleSums(double[] w, int from, int width, float[] sums) {
    sums[0] = 0f;
    for (int v = 1; v < 16; v++) {
      int top = 31 - Integer.numberOfLeadingZeros(v);
      sums[v] = sums[v & ~(1 << top)] + (top < width ? (float) (2 * w[from + top]) : 0f);
    }
  }

  /**
   * Fills {@code dst[0 .. 32·codeBytes)} with each code byte's two nibble tables as {@link
   * #fillTables} computes them: {@code dst[32 b + v]} the low nibble's sum for value v, {@code
   * dst[32 b + 16 + v]} the high nibble's. 32 partial sums per code byte, against the 256 entries
   * of a full table.
   */
  void fillNibbleTables(double[] w, float[] dst) {
    float[] low = new float[16];
    float[] high = new float[16];
    for (int b = 0; b < codeBytes; b++) {
      int width = Math.max(0, Math.min(8, w.length - 8 * b));
      nibbleSums(w, 8 * b, Math.min(4, width), low);
      nibbleSums(w, 8 * b + 4, Math.max(0, width - 4), high);
      System.arraycopy(low, 0, dst, 32 * b, 16);
      System.arraycopy(high, 0, dst, 32 * b + 16, 16);
    }
  }

  /**
   * {@link #score}'s sum from {@link #fillNibbleTables}' tables: each code byte's entry the sum of
   * its two nibbles' entries, added in the same order, so the same float bit for bit; two look-ups
   * per code byte.
   */
  static float exactSum(float[] nibbles, float constant, byte[] codes, int offset, int codeBytes) {
    float s = constant;
    for (int b = 0; b < codeBytes; b++) {
      int v = codes[offset + b] & 0xFF;
      s += nibbles[32 * b + (v & 15)] + nibbles[32 * b + 16 + (v >>> 4)];
    }
    return s;
  }

  /** {@code ⟨q, x̂⟩} of the code at {@code codes[offset..]}, from a query's constant and tables. */
  static float score(float constant, float[] tables, int codeBytes, byte[] codes, int offset) {
    float s = constant;
    for (int b = 0; b < codeBytes; b++) {
      s += tables[(b << 8) | (codes[offset + b] & 0xFF)];
    }
    return s;
  }

  /**
   * {@link #score} of {@code count} consecutive codes into {@code scores[scoresOffset..]}, each
   * {@link #finish finished} with {@code gain} and {@code base}.
   */
  static void scoreAll(
      float constant,
      float base,
      GainLevels gain,
      float[] tables,
      int codeBytes,
      byte[] codes,
      int offset,
      int count,
      float[] scores,
      int scoresOffset) {
    for (int i = 0; i < count; i++) {
      int at = offset + i * codeBytes;
      scores[scoresOffset + i] =
          finish(gain, base, score(constant, tables, codeBytes, codes, at), codes, at);
    }
  }

  /** Queries {@link #scoreTile} scores together. */
  static final int TILE = 8;

  /**
   * Fills {@code tiled[0 .. 256·codeBytes·TILE)} with the tables of queries {@code from .. from +
   * count} ({@code count ≤ TILE}) of {@code weights}, interleaved entry by entry: entry e of the
   * t-th query's tables at {@code tiled[e·TILE + t]}; the entries of absent queries are 0. {@code
   * single} is scratch for one query's tables.
   */
  void fillTiledTables(double[][] weights, int from, int count, float[] single, float[] tiled) {
    int entries = codeBytes * 256;
    if (count < TILE) {
      java.util.Arrays.fill(tiled, 0, entries * TILE, 0f);
    }
    for (int t = 0; t < count; t++) {
      fillTables(weights[from + t], single);
      for (int e = 0; e < entries; e++) {
        tiled[e * TILE + t] = single[e];
      }
    }
  }

  /**
   * The scores of {@code count} consecutive codes for the {@link #TILE} queries whose tables {@code
   * tiled} interleaves ({@link #fillTiledTables}) and whose constants are {@code constants[from
   * ..]} (0 past its end): code i's table sum for query t at {@code scores[i·TILE + t]}, still to
   * be {@link #finish finished}. Each is summed as {@link #score} sums it, so bit for bit the same;
   * the eight sums run side by side, and one cache line of the interleaved tables serves all eight
   * look-ups of a code byte (about 1.5-1.7 times as fast per score as one query at a time, measured
   * at 48 to 392 code bytes).
   */
  static void scoreTile(
      float[] constants,
      int from,
      float[] tiled,
      int codeBytes,
      byte[] codes,
      int offset,
      int count,
      float[] scores) {
    float c0 = constant(constants, from);
    float c1 = constant(constants, from + 1);
    float c2 = constant(constants, from + 2);
    float c3 = constant(constants, from + 3);
    float c4 = constant(constants, from + 4);
    float c5 = constant(constants, from + 5);
    float c6 = constant(constants, from + 6);
    float c7 = constant(constants, from + 7);
    for (int i = 0; i < count; i++) {
      int off = offset + i * codeBytes;
      float s0 = c0;
      float s1 = c1;
      float s2 = c2;
      float s3 = c3;
      float s4 = c4;
      float s5 = c5;
      float s6 = c6;
      float s7 = c7;
      for (int b = 0; b < codeBytes; b++) {
        int at = ((b << 8) | (codes[off + b] & 0xFF)) * TILE;
        s0 += tiled[at];
        s1 += tiled[at + 1];
        s2 += tiled[at + 2];
        s3 += tiled[at + 3];
        s4 += tiled[at + 4];
        s5 += tiled[at + 5];
        s6 += tiled[at + 6];
        s7 += tiled[at + 7];
      }
      int o = i * TILE;
      scores[o] = s0;
      scores[o + 1] = s1;
      scores[o + 2] = s2;
      scores[o + 3] = s3;
      scores[o + 4] = s4;
      scores[o + 5] = s5;
      scores[o + 6] = s6;
      scores[o + 7] = s7;
    }
  }

  private static float constant(float[] constants, int i) {
    return i < constants.length ? constants[i] : 0f;
  }

  /** Prepared queries ({@link #prepareAll}): score codes of their codebook together. Immutable. */
  public static final class Queries {
    /** Codes scored at a time into a buffer of one tile's scores. */
    private static final int CHUNK = 256;

    private final float[] constants;
    private final float[] bases;
    private final GainLevels gain;
    private final float[][] tiles;
    private final int codeBytes;

    private Queries(
        float[] constants, float[] bases, GainLevels gain, float[][] tiles, int codeBytes) {
      this.constants = constants;
      this.bases = bases;
      this.gain = gain;
      this.tiles = tiles;
      this.codeBytes = codeBytes;
    }

    /** The number of queries. */
    public int count() {
      return constants.length;
    }

    /**
     * Scores {@code count} consecutive codes at {@code codes[offset ..]} for every query: query q's
     * score of code i into {@code scores[q][scoresOffset + i]}, bit for bit {@link Query#score}'s.
     *
     * @throws IllegalArgumentException if a range does not fit, or there are fewer score rows than
     *     queries
     */
    public void scoreAll(byte[] codes, int offset, int count, float[][] scores, int scoresOffset) {
      io.signcodec.core.internal.Checks.checkRange("codes", codes.length, offset, count, codeBytes);
      if (scores.length < constants.length) {
        throw new IllegalArgumentException(
            "scores: " + scores.length + " rows for " + constants.length + " queries");
      }
      for (float[] row : java.util.Arrays.copyOf(scores, constants.length)) {
        io.signcodec.core.internal.Checks.checkRange("scores", row.length, scoresOffset, count, 1);
      }
      float[] buffer = new float[Math.min(CHUNK, count) * TILE];
      for (int t = 0; t < tiles.length; t++) {
        int q0 = t * TILE;
        int qn = Math.min(TILE, constants.length - q0);
        for (int from = 0; from < count; from += CHUNK) {
          int m = Math.min(CHUNK, count - from);
          int at = offset + from * codeBytes;
          scoreTile(constants, q0, tiles[t], codeBytes, codes, at, m, buffer);
          for (int q = 0; q < qn; q++) {
            float[] row = scores[q0 + q];
            float base = bases[q0 + q];
            for (int i = 0; i < m; i++) {
              row[scoresOffset + from + i] =
                  finish(gain, base, buffer[i * TILE + q], codes, at + i * codeBytes);
            }
          }
        }
      }
    }
  }

  /** A prepared query: scores codes of its codebook. Immutable. */
  public static final class Query {
    private final float constant;
    private final float base;
    private final GainLevels gain;
    private final float[] tables;
    private final int codeBytes;

    private Query(float constant, float base, GainLevels gain, float[] tables, int codeBytes) {
      this.constant = constant;
      this.base = base;
      this.gain = gain;
      this.tables = tables;
      this.codeBytes = codeBytes;
    }

    /** {@code ⟨q, x̂⟩} for the code at {@code codes[offset..]}. */
    public float score(byte[] codes, int offset) {
      io.signcodec.core.internal.Checks.checkRange("codes", codes.length, offset, 1, codeBytes);
      return finish(
          gain, base, CodeScorer.score(constant, tables, codeBytes, codes, offset), codes, offset);
    }

    /** Scores {@code count} consecutive codes into {@code scores[scoresOffset..]}. */
    public void scoreAll(byte[] codes, int offset, int count, float[] scores, int scoresOffset) {
      io.signcodec.core.internal.Checks.checkRange("codes", codes.length, offset, count, codeBytes);
      io.signcodec.core.internal.Checks.checkRange("scores", scores.length, scoresOffset, count, 1);
      CodeScorer.scoreAll(
          constant, base, gain, tables, codeBytes, codes, offset, count, scores, scoresOffset);
    }
  }

  /**
   * A query prepared for quantized scoring ({@link #prepareQuantized}): scores codes of its
   * codebook to within {@link #maxError} of {@link Query#score}, and packed codes to within {@link
   * #packedMaxError}. Immutable.
   */
  public static final class QuantizedQuery {
    private final CodeScorer scorer;
    private final GainLevels gain;
    private final Codebook codebook;
    private final int codeBytes;
    private final double largestGain;

    /** The query, when prepared from it; else null and {@link #given} holds its weights. */
    private final float[] query;

    private final Weights given;

    /**
     * What the planes score with and what the nibble tables scan with, each built on its first use:
     * a graph search uses only the planes, a scan of packed codes only the tables. Prepared from a
     * query, the planes' weights come from the cheaper projection ({@code
     * CodebookForm.approximateWeights}: half the bytes to read where the basis is dense), unless
     * the code is short enough to be read from exact tables alone, and the tables' from the exact
     * one. Both immutable (final fields), so a race that builds one twice publishes equal objects.
     */
    private volatile Planes planes;

    private volatile Nibbles nibbles;

    private QuantizedQuery(CodeScorer scorer, float[] query, Weights given) {
      this.scorer = scorer;
      this.gain = scorer.gain;
      this.codebook = scorer.codebook;
      this.codeBytes = codebook.codeBytes();
      this.query = query;
      this.given = given;
      double largest = 1;
      if (gain != null) {
        largest = 0;
        for (float level : gain.levels()) {
          largest = Math.max(largest, Math.abs(level));
        }
      }
      this.largestGain = largest;
    }

    /** The planes and the constants they score with. */
    private static final class Planes {
      final float constant;
      final float base;
      final io.signcodec.core.internal.QueryPlanes planes;

      /** The bound on the weights' projection against the exact one's ({@code ‖q‖·E}). */
      final double projectionError;

      Planes(Weights w, int codeBytes, double projectionError) {
        this.constant = w.constant;
        this.base = w.base;
        this.planes = io.signcodec.core.internal.QueryPlanes.of(w.bitWeights, codeBytes);
        this.projectionError = projectionError;
      }
    }

    /** The nibble tables and the constants they scan with. */
    private static final class Nibbles {
      final float constant;
      final float base;
      final io.signcodec.core.internal.NibbleTables tables;

      Nibbles(Weights w, int codeBytes) {
        this.constant = w.constant;
        this.base = w.base;
        this.tables = io.signcodec.core.internal.NibbleTables.of(w.bitWeights, codeBytes);
      }
    }

    private Planes planes() {
      Planes p = planes;
      if (p == null) {
        if (query == null) {
          p = new Planes(given, codeBytes, 0);
        } else if (codeBytes <= io.signcodec.core.internal.QueryPlanes.HEAD_BYTES) {
          // every byte read from exact tables: no planes for the cheaper projection to serve
          p = new Planes(scorer.weights(query), codeBytes, 0);
        } else {
          double norm = 0;
          for (float v : query) {
            norm += (double) v * v;
          }
          p =
              new Planes(
                  scorer.weights(query, true),
                  codeBytes,
                  Math.sqrt(norm) * codebook.form().approximationError());
        }
        planes = p;
      }
      return p;
    }

    private Nibbles nibbles() {
      Nibbles t = nibbles;
      if (t == null) {
        t = new Nibbles(query == null ? given : scorer.weights(query), codeBytes);
        nibbles = t;
      }
      return t;
    }

    /** The estimate of {@code ⟨q, x̂⟩} for the code at {@code codes[offset..]}. */
    public float score(byte[] codes, int offset) {
      io.signcodec.core.internal.Checks.checkRange("codes", codes.length, offset, 1, codeBytes);
      return estimate(planes(), codes, offset);
    }

    /** Scores {@code count} consecutive codes into {@code scores[scoresOffset..]}. */
    public void scoreAll(byte[] codes, int offset, int count, float[] scores, int scoresOffset) {
      io.signcodec.core.internal.Checks.checkRange("codes", codes.length, offset, count, codeBytes);
      io.signcodec.core.internal.Checks.checkRange("scores", scores.length, scoresOffset, count, 1);
      Planes p = planes();
      for (int i = 0; i < count; i++) {
        scores[scoresOffset + i] = estimate(p, codes, offset + i * codeBytes);
      }
    }

    /** {@link #score} without the range check. */
    private float estimate(Planes p, byte[] codes, int offset) {
      float sum = (float) (p.constant + p.planes.sum(codes, offset));
      return finish(gain, p.base, sum, codes, offset);
    }

    /**
     * Scores the {@code count} packed codes from index {@code from} into {@code
     * scores[scoresOffset..]}: the estimates of {@code ⟨q, x̂⟩} from 8-bit tables of 16 entries per
     * code nibble, looked up for 32 codes at a time in registers. Not the same floats as {@link
     * #score}'s (the weights are rounded otherwise): within {@link #packedMaxError} of {@link
     * Query#score}.
     *
     * @throws IllegalArgumentException if the codes are of another codebook (fingerprints differ),
     *     or either range does not fit
     */
    public void scoreAll(PackedCodes codes, int from, int count, float[] scores, int scoresOffset) {
      Objects.requireNonNull(codes, "codes");
      if (codes.codebook().fingerprint() != codebook.fingerprint()) {
        throw new IllegalArgumentException(
            "packed codes of codebook "
                + codes.codebook().fingerprintHex()
                + ", query of codebook "
                + codebook.fingerprintHex());
      }
      io.signcodec.core.internal.Checks.checkRange("codes", codes.size(), from, count, 1);
      io.signcodec.core.internal.Checks.checkRange("scores", scores.length, scoresOffset, count, 1);
      int block = PackedCodes.BLOCK;
      int[] sums = new int[Math.min(count + 2 * block, PACKED_CHUNK)];
      for (int done = 0; done < count; ) {
        int first = from + done;
        int firstBlock = first / block;
        int blocks =
            Math.min(sums.length / block, (first + count - done - 1) / block - firstBlock + 1);
        int n = Math.min(count - done, blocks * block - first % block);
        estimatePacked(
            codes.packed(), firstBlock, first % block, n, sums, scores, scoresOffset + done);
        done += n;
      }
    }

    /** Sums held at once by {@link #scoreAll(PackedCodes, int, int, float[], int)}. */
    private static final int PACKED_CHUNK = 32 * 1024;

    /**
     * Scores {@code count} packed codes from column {@code skip} of block {@code firstBlock} of
     * {@code packed} into {@code scores[scoresOffset ..]}, no range check; {@code sums} holds the
     * blocks' sums.
     */
    void estimatePacked(
        byte[] packed,
        int firstBlock,
        int skip,
        int count,
        int[] sums,
        float[] scores,
        int scoresOffset) {
      int block = PackedCodes.BLOCK;
      int blocks = (skip + count + block - 1) / block;
      Nibbles n = nibbles();
      n.tables.scan(packed, firstBlock * block * codeBytes, blocks, sums, 0);
      for (int i = 0; i < count; i++) {
        int c = skip + i;
        float sum = (float) (n.constant + n.tables.estimate(sums[c]));
        scores[scoresOffset + i] =
            gain == null
                ? sum
                : n.base
                    + gain.level(
                            gain.read(
                                packed,
                                (firstBlock + c / block) * block * codeBytes + c % block,
                                block))
                        * sum;
      }
    }

    /**
     * Values that order the {@code count} packed codes from block {@code firstBlock} of {@code
     * packed} as their estimates do ({@link #estimatePacked}), into {@code out[0 ..]}: without a
     * gain the sums themselves (below 2^24, exact as floats; the estimate grows with them), with
     * one the estimates.
     */
    void rankPacked(byte[] packed, int firstBlock, int count, int[] sums, float[] out) {
      if (gain != null) {
        estimatePacked(packed, firstBlock, 0, count, sums, out, 0);
        return;
      }
      int block = PackedCodes.BLOCK;
      nibbles()
          .tables
          .scan(packed, firstBlock * block * codeBytes, (count + block - 1) / block, sums, 0);
      for (int i = 0; i < count; i++) {
        out[i] = sums[i];
      }
    }

    /**
     * A bound on {@code |score − }{@link Query#score}{@code |} for every code, up to float
     * rounding: the roundings of all the code's weights at their largest, added up, plus, for an
     * allocated codebook with a dense basis, the projection's: {@code 2^−8 ‖q‖ Σ_i ‖u_i‖ Σ_{bits j
     * of i} |c_j|} (with a gain, all times its largest level). A bound for every code at once: the
     * errors of one code are independent and of either sign, and far smaller.
     */
    public double maxError() {
      Planes p = planes();
      return (p.planes.maxError() + p.projectionError) * largestGain;
    }

    /**
     * As {@link #maxError}, for the scores of packed codes ({@link #scoreAll(PackedCodes, int, int,
     * float[], int)}): half a table step per code nibble (with a gain, times its largest level),
     * the step {@code 1/255} of the widest nibble's span of sums.
     */
    public double packedMaxError() {
      return nibbles().tables.maxError() * largestGain;
    }
  }
}
