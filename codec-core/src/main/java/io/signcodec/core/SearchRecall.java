package io.signcodec.core;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.FloatKernels;
import io.signcodec.core.internal.Parallel;
import io.signcodec.core.internal.TopK;
import java.io.IOException;
import java.util.Objects;

/**
 * Recall@k of maximum-inner-product search on codes: how many of the k database vectors with the
 * largest exact inner product {@code ⟨q, x⟩} a search that scores the codes instead ({@code ⟨q,
 * x̂⟩} by {@link CodeScorer}, without decoding) also returns among its k best, averaged over
 * queries. {@code recall = mean over queries of |code top k ∩ exact top k| / k}, 1 when the codes
 * find exactly the true neighbours.
 *
 * <p>The database is streamed: {@link #measure} reads a {@link VectorSource} once, batch by batch,
 * and {@link #add} accepts batches from a caller that reads them itself (and may have encoded them
 * already). Vectors are gathered into blocks of up to {@value #MAX_BLOCK} (16 MiB of floats at
 * most); for every block and query two top-k lists are updated, the exact one from float32 dot
 * products (fused multiply-adds in ascending coordinate order) and the one scored on the block's
 * codes. The exact search costs {@code Q × N × d} multiply-adds for Q queries and N database
 * vectors; scoring the codes costs {@code Q × N × ⌈n/8⌉} table look-ups.
 *
 * <p>A third list per query is the search with a quantized first pass ({@link
 * CodeSearch#CodeSearch(Codebook, float[], int, int)} at {@link CodeSearch#DEFAULT_OVERSAMPLE}):
 * each block's {@code k·oversample} best codes by the query's {@linkplain
 * CodeScorer#prepareQuantized quantized} score (its nibble tables over the block {@linkplain
 * PackedCodes packed}; a block holds at most as many codes as the search's ranges), ranked by the
 * exact score on the codes; {@link #quantizedRecall} is its recall, {@link #quantizedSameAsCodes}
 * how often it returns the codes' list itself. The quantized queries are rebuilt for every block,
 * as the tables are.
 *
 * <p>Ties are broken towards the lower database index (the vector added first), in both lists, and
 * a NaN score (an overflow, {@code +∞ − ∞}) ranks below every other. Queries are split across the
 * common fork-join pool, each query's lists updated by one thread, so results are the same on any
 * number of threads and for any batch sizes.
 *
 * <p>Memory, besides the caller's queries (not copied): for every query its decoder weights {@code
 * w = Aᵀ q} and two top-k lists, {@link #bytesPerQuery} bytes; the block, its vectors transposed
 * and their codes; and per worker thread the scores of the block for a tile of up to 32 queries and
 * the score tables of eight queries, interleaved to be scored together as {@link
 * CodeScorer#prepareAll} scores ({@code 9·⌈n/8⌉} KiB with one query's tables to build them). The
 * tables are rebuilt from the weights for every block rather than kept: at one bit per coordinate
 * they are 32 times the query's size, and rebuilding them costs 256 additions per code byte against
 * the block's thousands of look-ups. The scores are bit for bit those of {@link CodeScorer#prepare
 * prepare(q)}{@code .scoreAll}.
 *
 * <p>Not thread-safe: one thread adds the batches.
 */
public final class SearchRecall {
  /**
   * Floats of database vectors scored together (16 MiB): the block is this many floats' worth of
   * vectors, between {@value #MIN_BLOCK} and {@value #MAX_BLOCK}.
   */
  static final int BLOCK_FLOATS = 1 << 22;

  static final int MIN_BLOCK = 256;
  static final int MAX_BLOCK = 16_384;

  /** Vectors {@link #measure} reads at a time unless told otherwise. */
  public static final int DEFAULT_BATCH_VECTORS = 4096;

  /** Queries whose exact scores are computed together, sharing each row of the block. */
  private static final int MAX_TILE = 32;

  /** Scores the codes; it holds the codebook. */
  private final CodeScorer scorer;

  private final int dimension;
  private final int codeBytes;
  private final float[] queries;
  private final int queryCount;
  private final int k;
  private final int tile;
  private final QueryBatch batch;
  private final TopK exact;
  private final TopK onCodes;
  private final TopK quantized;

  /** Vectors per block. */
  private final int block;

  private SignEncoder encoder;

  /** The block: its vectors as d columns, and their codes. */
  private float[][] transposed;

  private byte[] blockCodes;

  /** Vectors in the block, added but not yet scored. */
  private int pending;

  /** Vectors scored. */
  private long count;

  /**
   * A measurement of {@code k}-nearest-neighbour recall for {@code queries} (row-major, the
   * codebook's dimension, finite; not copied: the caller must not change the array while this is in
   * use), before any database vector is added.
   *
   * @throws IllegalArgumentException if there are no queries, their length is not whole vectors, a
   *     component is not finite, or k is below 1 or the lists would not fit in arrays
   */
  public SearchRecall(Codebook codebook, float[] queries, int k) {
    Objects.requireNonNull(codebook, "codebook");
    this.queries = Objects.requireNonNull(queries, "queries");
    this.dimension = codebook.dimension();
    this.codeBytes = codebook.codeBytes();
    this.scorer = CodeScorer.of(codebook);
    this.batch = QueryBatch.of(scorer, queries, k, "neighbours");
    this.queryCount = batch.count;
    this.k = k;
    // Tiles as large as MAX_TILE share the block's rows best, but a few queries still get one
    // tile per thread; the exact scores do not depend on the tiling.
    this.tile =
        Math.max(
            1,
            Math.min(MAX_TILE, (queryCount + Parallel.parallelism() - 1) / Parallel.parallelism()));
    this.block = Math.max(MIN_BLOCK, Math.min(MAX_BLOCK, BLOCK_FLOATS / dimension));
    this.exact = new TopK(queryCount, k);
    this.onCodes = new TopK(queryCount, k);
    this.quantized = new TopK(queryCount, k);
  }

  /**
   * Streams {@code database} once, in batches of {@value #DEFAULT_BATCH_VECTORS} vectors, and
   * returns the measurement.
   *
   * @throws IllegalArgumentException as the constructor; and if the database's dimension is not the
   *     codebook's, a vector has a component that is not finite, or it has fewer than k vectors
   * @throws IOException if reading the database fails
   */
  public static SearchRecall measure(
      Codebook codebook, float[] queries, int k, VectorSource database) throws IOException {
    return measure(codebook, queries, k, database, DEFAULT_BATCH_VECTORS);
  }

  /** As {@link #measure(Codebook, float[], int, VectorSource)}, reading batchVectors at a time. */
  public static SearchRecall measure(
      Codebook codebook, float[] queries, int k, VectorSource database, int batchVectors)
      throws IOException {
    Objects.requireNonNull(database, "database");
    Checks.checkAtLeast("batchVectors", batchVectors, 1);
    SearchRecall recall = new SearchRecall(codebook, queries, k);
    int d = recall.dimension;
    VectorChecks.checkDimension("database", database.dimension(), d);
    float[] batch = new float[Math.multiplyExact(batchVectors, d)];
    try (VectorReader reader = database.open()) {
      int n;
      while ((n = reader.read(batch, 0, batchVectors)) >= 0) {
        recall.add(batch, 0, n);
      }
    }
    if (recall.databaseVectors() < k) {
      throw new IllegalArgumentException(recall.tooFewMessage());
    }
    return recall;
  }

  /**
   * What one query costs in memory here, in bytes, besides the query itself: its decoder weights
   * ({@code 8·n}) and three lists of k scores and database indices ({@code 36·k}), with array
   * headers.
   */
  public static long bytesPerQuery(Codebook codebook, int k) {
    return 8L * codebook.bits() + 36L * k + 48;
  }

  /**
   * Adds the next {@code count} database vectors (row-major at {@code vectors[offset..]}), encoding
   * them with {@link SignEncoder#of}.
   *
   * @throws IllegalArgumentException if the range does not fit, a component is not finite or a
   *     vector cannot be encoded ({@link VectorChecks#checkEncodable}; numbered by its position in
   *     the database), before any of the vectors is added
   */
  public void add(float[] vectors, int offset, int count) {
    Objects.requireNonNull(vectors, "vectors");
    Checks.checkRange("vectors", vectors.length, offset, count, dimension);
    VectorChecks.checkEncodable(scorer.codebook(), vectors, offset, count, databaseVectors());
    if (encoder == null) {
      encoder = SignEncoder.of(scorer.codebook());
    }
    for (int done = 0; done < count; ) {
      int n = Math.min(room(), count - done);
      int from = offset + done * dimension;
      encoder.encode(vectors, from, blockCodes, pending * codeBytes, n);
      append(vectors, from, n);
      done += n;
    }
  }

  /**
   * Adds the next {@code count} database vectors with their codes, consecutive at {@code
   * codes[codesOffset..]}: the codes this codebook's {@link SignEncoder} gives (or any other
   * encoder's for the codebook, whose search quality is then what is measured).
   *
   * @throws IllegalArgumentException if a range does not fit or a component is not finite
   */
  public void add(float[] vectors, int vectorsOffset, byte[] codes, int codesOffset, int count) {
    Objects.requireNonNull(vectors, "vectors");
    Objects.requireNonNull(codes, "codes");
    Checks.checkRange("vectors", vectors.length, vectorsOffset, count, dimension);
    Checks.checkRange("codes", codes.length, codesOffset, count, codeBytes);
    Checks.checkFinite(vectors, vectorsOffset, count, dimension, databaseVectors());
    for (int done = 0; done < count; ) {
      int n = Math.min(room(), count - done);
      System.arraycopy(
          codes, codesOffset + done * codeBytes, blockCodes, pending * codeBytes, n * codeBytes);
      append(vectors, vectorsOffset + done * dimension, n);
      done += n;
    }
  }

  /**
   * Vectors the block can still take, allocating it on first use. Batches are gathered into whole
   * blocks whatever the caller's sizes (a file reader may hand over a few hundred vectors at a
   * time), because every block costs each query one rebuild of its tables.
   */
  private int room() {
    if (transposed == null) {
      transposed = new float[dimension][block];
      blockCodes = new byte[block * codeBytes];
    }
    return block - pending;
  }

  /** Copies n vectors into the block's columns (their codes are in place) and scores a full one. */
  private void append(float[] vectors, int offset, int n) {
    for (int i = 0; i < n; i++) {
      int row = offset + i * dimension;
      for (int c = 0; c < dimension; c++) {
        transposed[c][pending + i] = vectors[row + c];
      }
    }
    pending += n;
    if (pending == block) {
      flush();
    }
  }

  /** Scores the vectors in the block and their codes for every query and updates the lists. */
  private void flush() {
    int n = pending;
    if (n == 0) {
      return;
    }
    float[][] columns = transposed;
    byte[] codes = blockCodes;
    byte[] packed = new byte[(int) PackedCodes.packedBytes(n, scorer.codeBytes())];
    PackedCodes.pack(codes, 0, n, scorer.codeBytes(), packed, 0);
    long first = count;
    int tiles = (queryCount + tile - 1) / tile;
    Parallel.forRange(
        tiles,
        1,
        true,
        (fromTile, toTile) -> {
          float[][] scores = new float[tile][n];
          QueryBatch.Scratch scratch = batch.scratch(n);
          for (int t = fromTile; t < toTile; t++) {
            int q0 = t * tile;
            int m = Math.min(tile, queryCount - q0);
            FloatKernels.clear(scores, m, n);
            FloatKernels.multiplyAdd(
                queries, q0 * dimension, dimension, null, columns, 0, dimension, 0, n, scores, m);
            for (int i = 0; i < m; i++) {
              exact.offer(q0 + i, scores[i], n, first);
            }
            // Eight queries at a time on the codes, bit for bit as alone.
            for (int i = 0; i < m; i += CodeScorer.TILE) {
              int qn = Math.min(CodeScorer.TILE, m - i);
              batch.offer(q0 + i, qn, codes, 0, n, onCodes, q0 + i, first, scratch);
            }
            for (int q = q0; q < q0 + m; q++) {
              batch.offerQuantized(
                  q,
                  batch.quantized(q),
                  k * CodeSearch.DEFAULT_OVERSAMPLE,
                  codes,
                  packed,
                  0,
                  n,
                  quantized,
                  q,
                  first,
                  scratch);
            }
          }
        });
    count += n;
    pending = 0;
  }

  /** The codebook whose codes are searched. */
  public Codebook codebook() {
    return scorer.codebook();
  }

  /** Neighbours per query that are compared. */
  public int k() {
    return k;
  }

  /** The number of queries. */
  public int queryCount() {
    return queryCount;
  }

  /** Database vectors added so far. */
  public long databaseVectors() {
    return count + pending;
  }

  /*
   * The results below first score the vectors still waiting in the block, so that they count
   * every vector added; adding may go on afterwards.
   */

  /**
   * Recall@k: the mean over queries of {@link #recall(int)}.
   *
   * @throws IllegalStateException if fewer than k database vectors were added
   */
  public double recall() {
    flush();
    requireK();
    long hits = 0;
    for (int q = 0; q < queryCount; q++) {
      hits += hits(q);
    }
    return (double) hits / ((long) queryCount * k);
  }

  /**
   * The fraction of query {@code query}'s k exact nearest neighbours that the search on codes
   * returns among its k best.
   *
   * @throws IllegalStateException if fewer than k database vectors were added
   */
  public double recall(int query) {
    flush();
    requireK();
    Objects.checkIndex(query, queryCount);
    return (double) hits(query) / k;
  }

  /**
   * The database indices (from 0, in the order added) of the vectors with the largest exact inner
   * product with query {@code query}, best first: k of them, or all if fewer were added.
   */
  public long[] exactTopK(int query) {
    Objects.checkIndex(query, queryCount);
    flush();
    return exact.bestFirst(query);
  }

  /** As {@link #exactTopK}, ranked by the score on the codes. */
  public long[] codeTopK(int query) {
    Objects.checkIndex(query, queryCount);
    flush();
    return onCodes.bestFirst(query);
  }

  /**
   * Recall@k of the search with a quantized first pass (see the class comment): the mean over
   * queries of the fraction of the exact k nearest neighbours it returns.
   *
   * @throws IllegalStateException if fewer than k database vectors were added
   */
  public double quantizedRecall() {
    flush();
    requireK();
    long hits = 0;
    for (int q = 0; q < queryCount; q++) {
      hits += hits(exact, quantized, q);
    }
    return (double) hits / ((long) queryCount * k);
  }

  /**
   * The fraction of queries for which the search with a quantized first pass returns the same k
   * codes, in the same order, as the search on the codes' exact scores.
   *
   * @throws IllegalStateException if fewer than k database vectors were added
   */
  public double quantizedSameAsCodes() {
    flush();
    requireK();
    int same = 0;
    for (int q = 0; q < queryCount; q++) {
      same += java.util.Arrays.equals(onCodes.bestFirst(q), quantized.bestFirst(q)) ? 1 : 0;
    }
    return (double) same / queryCount;
  }

  /** As {@link #codeTopK}, from the search with a quantized first pass. */
  public long[] quantizedTopK(int query) {
    Objects.checkIndex(query, queryCount);
    flush();
    return quantized.bestFirst(query);
  }

  private int hits(int query) {
    return hits(exact, onCodes, query);
  }

  private static int hits(TopK exact, TopK found, int query) {
    long[] a = exact.sortedIndices(query);
    long[] b = found.sortedIndices(query);
    int hits = 0;
    for (int i = 0, j = 0; i < a.length && j < b.length; ) {
      if (a[i] == b[j]) {
        hits++;
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return hits;
  }

  private void requireK() {
    if (count < k) {
      throw new IllegalStateException(tooFewMessage());
    }
  }

  private String tooFewMessage() {
    long vectors = databaseVectors();
    return "the database has "
        + vectors
        + " vector"
        + (vectors == 1 ? "" : "s")
        + ", fewer than k = "
        + k
        + ": recall@k needs at least k";
  }
}
