package io.signcodec.core;

import io.signcodec.core.internal.Checks;
import io.signcodec.core.internal.Parallel;
import io.signcodec.core.internal.TopK;
import java.io.IOException;
import java.util.Objects;

/**
 * Top-k maximum-inner-product search on codes, for a batch of queries: the {@code k} codes whose
 * reconstructions {@code x̂} have the largest {@code ⟨q, x̂⟩} for each query, scored without
 * decoding ({@link CodeScorer}'s tables, so every score is bit for bit {@link CodeScorer#prepare
 * prepare(q)}{@code .score}).
 *
 * <p>The codes are streamed: {@link #add} takes them in batches of any size, from an array or a
 * {@linkplain io.signcodec.core.stream.SignStreamReader#readCodes container stream}, and nothing
 * but the current block is kept; {@link #search} does it for one array. Ids are the codes'
 * positions in the order added, from 0. Ranks are by score, ties towards the lower id; a NaN score
 * ranks below every other.
 *
 * <p>Codes are gathered into blocks of at most {@value #MAX_BLOCK} codes (4 MiB at most). Each
 * block is scored for every query on the common fork-join pool, split by tiles of eight queries
 * (scored together, one cache line of their interleaved tables serving the eight look-ups of a code
 * byte) and, when there are fewer tiles than threads, by ranges of the block; each query's list
 * keeps the k best of the block. Results do not depend on the number of threads or on the batch
 * sizes.
 *
 * <p>Memory, besides the caller's queries (not copied): for every query its decoder weights and its
 * list, {@link #bytesPerQuery} bytes; the block; and per task the tables of one tile ({@code
 * 9·⌈n/8⌉} KiB: eight queries' interleaved, and one query's to build them) and the block's scores
 * for the tile. The tables are rebuilt from the weights for each block and tile, 256 additions per
 * code byte and query against the block's thousands of look-ups. With an oversample (below), no
 * tables: per query its quantized query, the block again packed, and per task a range's sums,
 * estimates and candidates.
 *
 * <p>With an oversample o ({@link #CodeSearch(Codebook, float[], int, int)}), each block is first
 * {@linkplain PackedCodes packed} (blocks of 32 codes, byte-major: one more copy of the block), and
 * a first pass scores it with every query's {@linkplain CodeScorer#prepareQuantized quantized
 * query} by its 8-bit nibble tables, 32 codes' nibbles looked up at once in registers ({@link
 * CodeScorer.QuantizedQuery#scoreAll(PackedCodes, int, int, float[], int)}); it keeps the {@code
 * k·o} best codes by that estimate in each range of {@value #QUANTIZED_RANGE} codes of a block, and
 * scores those exactly (from the query's 16-entry float tables per code nibble, without the full
 * tables): the scores kept are still bit for bit {@link CodeScorer.Query#score}'s, and the hits are
 * the exact scan's unless one of its top k ranked below {@code k·o} in its range by the estimate.
 * In the search report that happened for at most 4.1 % of the queries at an oversample of 2, 0.9 %
 * at 4 and none at 8 (BENCHMARKS.md, "Search on codes"), where the first pass ran at 1.4 to 4.3
 * times the exact scan's queries per second from r = 1 on (1.0 to 1.6 times at r = 0.5), with the
 * Vector API; without it, the packed scan runs at half the tables' speed and the exact scan is the
 * faster.
 *
 * <p>To rank by the exact inner product {@code ⟨q, x⟩} where the float vectors are at hand (codes
 * in memory, floats on disk), search for more than k hits and {@link Hits#rescore} each query's
 * hits.
 *
 * <p>Not thread-safe: one thread adds the codes.
 */
public final class CodeSearch {
  /** Bytes of codes scored together, at most. */
  static final int BLOCK_BYTES = 4 << 20;

  /** Codes per block, at most: fewer when a code is more than {@code BLOCK_BYTES / MAX_BLOCK}. */
  public static final int MAX_BLOCK = 65_536;

  /**
   * The oversample of the quantized first pass that the measurements support: in the search report
   * (Gaussian, Fashion-MNIST and MiniLM data, r = 0.5 to 4, 1 000 queries each) its hits equalled
   * the exact scan's for every query at an oversample of 8, and for 99.1 to 100 % at 4
   * (Fashion-MNIST, whose codebooks search their gain jointly with the directions and code the mean
   * direction on up to 16 bits, which widens the query's table step, is the lowest); the exact
   * scores of the 8k candidates per {@value #QUANTIZED_RANGE} codes cost a few per cent of the
   * pass.
   */
  public static final int DEFAULT_OVERSAMPLE = 8;

  /**
   * Codes of a block whose {@code k·oversample} best by the quantized scores are kept together: the
   * first pass's unit, fixed so that the hits do not depend on the number of threads.
   */
  static final int QUANTIZED_RANGE = 16_384;

  /** Codes a task scores at least, when a block is split for a few queries. */
  private static final int MIN_RANGE = 1024;

  private final CodeScorer scorer;
  private final int codeBytes;
  private final int queryCount;
  private final int k;
  private final QueryBatch batch;
  private final TopK lists;
  private final int block;

  /** Each query's quantized query, or null for the exact scan. */
  private final CodeScorer.QuantizedQuery[] quantized;

  private final int candidates;

  private byte[] blockCodes;

  /** With an oversample, the block's codes packed for the first pass; else null. */
  private byte[] blockPacked;

  private int pending;
  private long count;

  /**
   * A search for the {@code k} best codes of each of {@code queries} (row-major, the codebook's
   * dimension, finite; not copied, and not read after the constructor), before any code is added.
   *
   * @throws IllegalArgumentException if there are no queries, their length is not whole vectors, a
   *     component is not finite, or k is below 1 or the lists would not fit in arrays
   */
  public CodeSearch(Codebook codebook, float[] queries, int k) {
    this(codebook, queries, k, 0, false);
  }

  /**
   * As {@link #CodeSearch(Codebook, float[], int)}, with a quantized first pass that keeps {@code
   * k·oversample} candidates per {@value #QUANTIZED_RANGE} codes for the exact scores to rank (see
   * the class comment).
   *
   * @throws IllegalArgumentException as the other constructor, or if oversample is below 1
   */
  public CodeSearch(Codebook codebook, float[] queries, int k, int oversample) {
    this(codebook, queries, k, oversample, true);
  }

  private CodeSearch(Codebook codebook, float[] queries, int k, int oversample, boolean quantize) {
    Objects.requireNonNull(codebook, "codebook");
    Objects.requireNonNull(queries, "queries");
    if (quantize) {
      Checks.checkAtLeast("oversample", oversample, 1);
    }
    this.codeBytes = codebook.codeBytes();
    this.scorer = CodeScorer.of(codebook);
    this.batch = QueryBatch.of(scorer, queries, k, "hits");
    this.queryCount = batch.count;
    this.k = k;
    this.block = Math.max(1, Math.min(MAX_BLOCK, BLOCK_BYTES / codeBytes));
    this.lists = new TopK(queryCount, k);
    this.quantized = quantize ? batch.quantized() : null;
    this.candidates = (int) Math.min(block, (long) k * oversample);
  }

  /**
   * The {@code k} best of the {@code count} codes at {@code codes[offset ..]} for each query: a
   * search to which those codes are added.
   *
   * @throws IllegalArgumentException as the constructor, or if the codes do not fit in the array
   */
  public static Hits[] search(
      Codebook codebook, float[] queries, int k, byte[] codes, int offset, int count) {
    CodeSearch search = new CodeSearch(codebook, queries, k);
    search.add(codes, offset, count);
    return search.hits();
  }

  /**
   * As {@link #search(Codebook, float[], int, byte[], int, int)}, with a quantized first pass of
   * {@code oversample} ({@link #CodeSearch(Codebook, float[], int, int)}).
   *
   * @throws IllegalArgumentException as that constructor, or if the codes do not fit in the array
   */
  public static Hits[] search(
      Codebook codebook,
      float[] queries,
      int k,
      int oversample,
      byte[] codes,
      int offset,
      int count) {
    CodeSearch search = new CodeSearch(codebook, queries, k, oversample);
    search.add(codes, offset, count);
    return search.hits();
  }

  /**
   * What one query costs in memory here, in bytes, besides the query itself: its decoder weights
   * ({@code 8·n}), for a search with an oversample its quantized query's nibble tables (32 bytes
   * per code byte), and a list of k scores and ids ({@code 12·k}), with array headers.
   */
  public static long bytesPerQuery(Codebook codebook, int k) {
    return 8L * codebook.bits() + 32L * codebook.codeBytes() + 12L * k + 176;
  }

  /**
   * Adds the next {@code count} codes, consecutive at {@code codes[offset ..]}: ids {@link
   * #codesAdded()} onwards.
   *
   * @throws IllegalArgumentException if the range does not fit in the array
   */
  public void add(byte[] codes, int offset, int count) {
    Objects.requireNonNull(codes, "codes");
    Checks.checkRange("codes", codes.length, offset, count, codeBytes);
    if (blockCodes == null && count > 0) {
      blockCodes = new byte[block * codeBytes];
    }
    for (int done = 0; done < count; ) {
      int n = Math.min(block - pending, count - done);
      System.arraycopy(
          codes, offset + done * codeBytes, blockCodes, pending * codeBytes, n * codeBytes);
      pending += n;
      done += n;
      if (pending == block) {
        flush();
      }
    }
  }

  /**
   * Scores the block for every query and keeps each query's k best. Queries go in tiles of {@link
   * CodeScorer#TILE}, scored together ({@link CodeScorer#scoreTile}); a tile of one query is scored
   * alone.
   */
  private void flush() {
    int n = pending;
    if (n == 0) {
      return;
    }
    byte[] codes = blockCodes;
    long first = count;
    int tile = CodeScorer.TILE;
    int tiles = (queryCount + tile - 1) / tile;
    // A few tiles still use every thread: each takes a range of the block.
    int threads = Parallel.parallelism();
    // With a quantized first pass, candidates are kept per range: ranges of a fixed size, whatever
    // the number of threads.
    int ranges =
        quantized != null
            ? (n + QUANTIZED_RANGE - 1) / QUANTIZED_RANGE
            : tiles >= threads ? 1 : Math.max(1, Math.min(threads / tiles, n / MIN_RANGE));
    int span = quantized != null ? QUANTIZED_RANGE : (n + ranges - 1) / ranges;
    byte[] packed = quantized != null ? pack(codes, n, ranges) : null;
    int tasks = tiles * ranges;
    TopK[] partial = ranges > 1 ? new TopK[tasks] : null;
    Parallel.forRange(
        tasks,
        1,
        true,
        (from, to) -> {
          QueryBatch.Scratch scratch = batch.scratch(span, quantized != null);
          for (int t = from; t < to; t++) {
            int q0 = (t / ranges) * tile;
            int qn = Math.min(tile, queryCount - q0);
            int start = (t % ranges) * span;
            int m = Math.min(span, n - start);
            TopK into = lists;
            int base = q0;
            if (partial != null) {
              into = partial[t] = new TopK(qn, k);
              base = 0;
            }
            long firstId = first + start; // start is 0 without ranges
            if (quantized == null) {
              batch.offer(q0, qn, codes, start * codeBytes, m, into, base, firstId, scratch);
            } else {
              for (int i = 0; i < qn; i++) {
                batch.offerQuantized(
                    q0 + i,
                    quantized[q0 + i],
                    candidates,
                    codes,
                    packed,
                    start,
                    m,
                    into,
                    base + i,
                    firstId,
                    scratch);
              }
            }
          }
        });
    if (partial != null) {
      // The k best by (score, id) are the same whatever the order the ranges are merged in.
      long[] ids = new long[k];
      float[] scores = new float[k];
      for (int t = 0; t < tasks; t++) {
        int q0 = (t / ranges) * tile;
        for (int q = 0; q < Math.min(tile, queryCount - q0); q++) {
          int size = partial[t].size(q);
          partial[t].bestFirst(q, ids, scores);
          for (int i = 0; i < size; i++) {
            lists.offer(q0 + q, scores[i], ids[i]);
          }
        }
      }
    }
    count += n;
    pending = 0;
  }

  /**
   * The block's n codes packed ({@link PackedCodes#pack}) into the reused {@link #blockPacked}, a
   * range of {@value #QUANTIZED_RANGE} codes per task.
   */
  private byte[] pack(byte[] codes, int n, int ranges) {
    if (blockPacked == null) {
      blockPacked = new byte[(int) PackedCodes.packedBytes(block, codeBytes)];
    }
    byte[] packed = blockPacked;
    Parallel.forRange(
        ranges,
        1,
        true,
        (from, to) -> {
          for (int r = from; r < to; r++) {
            int start = r * QUANTIZED_RANGE;
            int m = Math.min(QUANTIZED_RANGE, n - start);
            PackedCodes.pack(codes, start * codeBytes, m, codeBytes, packed, start * codeBytes);
          }
        });
    return packed;
  }

  /** The codebook whose codes are searched. */
  public Codebook codebook() {
    return scorer.codebook();
  }

  /** Hits kept per query. */
  public int k() {
    return k;
  }

  /** The number of queries. */
  public int queryCount() {
    return queryCount;
  }

  /** Codes added so far. */
  public long codesAdded() {
    return count + pending;
  }

  /**
   * Query {@code query}'s hits among the codes added so far, best first: k of them, or all the
   * codes if fewer were added. Adding may go on afterwards.
   */
  public Hits hits(int query) {
    Objects.checkIndex(query, queryCount);
    flush();
    return Hits.of(lists, query);
  }

  /** Every query's {@link #hits(int)}, in query order. */
  public Hits[] hits() {
    flush();
    Hits[] all = new Hits[queryCount];
    for (int q = 0; q < queryCount; q++) {
      all[q] = Hits.of(lists, q);
    }
    return all;
  }

  /**
   * The float vectors behind the codes, by id: what {@link Hits#rescore} reads to rank by the exact
   * inner product. {@link #of(float[], int)} serves an array; a caller with the vectors on disk
   * reads each row where it is.
   */
  @FunctionalInterface
  public interface VectorLookup {
    /**
     * Copies the vector of {@code id} (the {@code id}-th vector encoded, from 0) into {@code
     * dst[dstOffset .. dstOffset + d)}.
     *
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if there is no vector of that id
     */
    void read(long id, float[] dst, int dstOffset) throws IOException;

    /** The rows of {@code vectors} (row-major, {@code dimension} floats each; not copied). */
    static VectorLookup of(float[] vectors, int dimension) {
      Objects.requireNonNull(vectors, "vectors");
      Checks.checkPositive("dimension", dimension);
      long rows = vectors.length / dimension;
      return (id, dst, dstOffset) -> {
        if (id < 0 || id >= rows) {
          throw new IllegalArgumentException(
              "no vector of id " + id + " (" + rows + " vectors given)");
        }
        System.arraycopy(vectors, (int) id * dimension, dst, dstOffset, dimension);
      };
    }
  }

  /** The result of a search for one query: ids and scores, best first. Immutable. */
  public static final class Hits {
    private final long[] ids;
    private final float[] scores;

    private Hits(long[] ids, float[] scores) {
      this.ids = ids;
      this.scores = scores;
    }

    static Hits of(TopK lists, int query) {
      int n = lists.size(query);
      long[] ids = new long[n];
      float[] scores = new float[n];
      lists.bestFirst(query, ids, scores);
      return new Hits(ids, scores);
    }

    /**
     * The {@code k} best of the pairs ({@code ids[i]}, {@code scores[i]}), best first: by score,
     * ties towards the lower id, a NaN score below every other. For a caller that scores a list
     * itself, as a pass over float vectors on disk does to rescore many queries' hits at once.
     *
     * @throws IllegalArgumentException if k is below 1 or the arrays differ in length
     */
    public static Hits best(long[] ids, float[] scores, int k) {
      Objects.requireNonNull(ids, "ids");
      Objects.requireNonNull(scores, "scores");
      Checks.checkAtLeast("k", k, 1);
      if (ids.length != scores.length) {
        throw new IllegalArgumentException(ids.length + " ids but " + scores.length + " scores");
      }
      TopK best = new TopK(1, Math.min(k, Math.max(1, ids.length)));
      for (int i = 0; i < ids.length; i++) {
        best.offer(0, scores[i], ids[i]);
      }
      return of(best, 0);
    }

    /** The number of hits. */
    public int size() {
      return ids.length;
    }

    /** The id of the hit at {@code rank} (0 is the best). */
    public long id(int rank) {
      return ids[Objects.checkIndex(rank, ids.length)];
    }

    /** The score of the hit at {@code rank}; a NaN score reads as −∞. */
    public float score(int rank) {
      return scores[Objects.checkIndex(rank, scores.length)];
    }

    /** The ids, best first (a copy). */
    public long[] ids() {
      return ids.clone();
    }

    /** The scores, best first (a copy). */
    public float[] scores() {
      return scores.clone();
    }

    /**
     * The {@code k} of these hits with the largest exact inner product {@code ⟨query, x⟩}, best
     * first, with those products as scores: float32 fused multiply-adds in ascending coordinate
     * order, ties towards the lower id. Each hit's vector is read once, through {@code vectors}.
     *
     * @throws IllegalArgumentException if k is below 1, or the query is empty or not finite
     * @throws IOException if a vector cannot be read
     */
    public Hits rescore(float[] query, int k, VectorLookup vectors) throws IOException {
      Objects.requireNonNull(query, "query");
      Objects.requireNonNull(vectors, "vectors");
      Checks.checkAtLeast("k", k, 1);
      Checks.checkPositive("query length", query.length);
      Checks.checkFinite(query, 0, 1, query.length);
      int d = query.length;
      float[] x = new float[d];
      float[] exact = new float[ids.length];
      for (int i = 0; i < ids.length; i++) {
        vectors.read(ids[i], x, 0);
        exact[i] = dot(query, x, 0);
      }
      return best(ids, exact, k);
    }

    /**
     * {@code ⟨query, x⟩} for the vector {@code x} at {@code vectors[offset ..]}, as {@link
     * #rescore} computes it: float32 fused multiply-adds in ascending coordinate order.
     */
    public static float dot(float[] query, float[] vectors, int offset) {
      float s = 0;
      for (int c = 0; c < query.length; c++) {
        s = Math.fma(query[c], vectors[offset + c], s);
      }
      return s;
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("Hits[");
      for (int r = 0; r < ids.length; r++) {
        s.append(r == 0 ? "" : ", ").append(ids[r]).append('=').append(scores[r]);
      }
      return s.append(']').toString();
    }
  }
}
