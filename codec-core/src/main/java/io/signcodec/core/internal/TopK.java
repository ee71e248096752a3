package io.signcodec.core.internal;

import java.util.Arrays;

/**
 * One bounded list of the k best (score, index) pairs per query: a binary heap whose root is the
 * worst entry, the lowest score and, among equal scores, the highest index. A NaN score ranks below
 * every other. Not thread-safe; each query's list may be updated by its own thread.
 */
public final class TopK {
  private final int k;
  private final float[] scores;
  private final long[] indices;
  private final int[] sizes;

  /** Empty lists of at most {@code k} entries for {@code queries} queries. */
  public TopK(int queries, int k) {
    this.k = k;
    this.scores = new float[queries * k];
    this.indices = new long[queries * k];
    this.sizes = new int[queries];
  }

  /** Offers {@code row[0..n)}, the scores of database vectors {@code first, first + 1, …}. */
  public void offer(int query, float[] row, int n, long first) {
    int base = query * k;
    int size = sizes[query];
    for (int i = 0; i < n; i++) {
      float s = row[i];
      if (s != s) {
        s = Float.NEGATIVE_INFINITY;
      }
      if (size < k) {
        siftUp(base, size++, s, first + i);
      } else if (s > scores[base]) {
        // Every index in the list is lower than this one, so an equal score never displaces.
        siftDown(base, size, 0, s, first + i);
      }
    }
    sizes[query] = size;
  }

  /** Offers one (score, index) pair, in any order of indices. */
  public void offer(int query, float score, long index) {
    int base = query * k;
    int size = sizes[query];
    float s = score != score ? Float.NEGATIVE_INFINITY : score;
    if (size < k) {
      siftUp(base, size++, s, index);
    } else if (worse(scores[base], indices[base], s, index)) {
      siftDown(base, size, 0, s, index);
    }
    sizes[query] = size;
  }

  /** Entries in the query's list. */
  public int size(int query) {
    return sizes[query];
  }

  /** Whether (s, i) ranks below (t, j): the heap's order. */
  private static boolean worse(float s, long i, float t, long j) {
    return s < t || (s == t && i > j);
  }

  private void siftUp(int base, int at, float s, long index) {
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      if (!worse(s, index, scores[base + parent], indices[base + parent])) {
        break;
      }
      move(base, parent, at);
      at = parent;
    }
    put(base, at, s, index);
  }

  private void siftDown(int base, int size, int at, float s, long index) {
    while (true) {
      int child = 2 * at + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size
          && worse(
              scores[base + child + 1],
              indices[base + child + 1],
              scores[base + child],
              indices[base + child])) {
        child++;
      }
      if (!worse(scores[base + child], indices[base + child], s, index)) {
        break;
      }
      move(base, child, at);
      at = child;
    }
    put(base, at, s, index);
  }

  /** Moves entry {@code from} to slot {@code to}: a score and its index travel together. */
  private void move(int base, int from, int to) {
    put(base, to, scores[base + from], indices[base + from]);
  }

  private void put(int base, int at, float s, long index) {
    scores[base + at] = s;
    indices[base + at] = index;
  }

  /** The database indices in the query's list, in ascending order. */
  public long[] sortedIndices(int query) {
    long[] members = Arrays.copyOfRange(indices, query * k, query * k + sizes[query]);
    Arrays.sort(members);
    return members;
  }

  /**
   * The query's list, best first, into {@code indices[0 ..]} and {@code scores[0 ..]} (a NaN
   * offered reads as −∞); the heap is left as it is.
   */
  public void bestFirst(int query, long[] indicesOut, float[] scoresOut) {
    Integer[] order = order(query);
    for (int r = 0; r < order.length; r++) {
      indicesOut[r] = indices[order[r]];
      scoresOut[r] = scores[order[r]];
    }
  }

  /** The query's list, best first; the heap is left as it is. */
  public long[] bestFirst(int query) {
    Integer[] order = order(query);
    long[] best = new long[order.length];
    for (int i = 0; i < order.length; i++) {
      best[i] = indices[order[i]];
    }
    return best;
  }

  /** Positions of the query's entries in the arrays, best first. */
  private Integer[] order(int query) {
    int base = query * k;
    int size = sizes[query];
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = base + i;
    }
    Arrays.sort(
        order,
        (a, b) ->
            worse(scores[a], indices[a], scores[b], indices[b])
                ? 1
                : worse(scores[b], indices[b], scores[a], indices[a]) ? -1 : 0);
    return order;
  }
}
