package io.signcodec.spark;

import io.signcodec.core.CodeScorer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One partition's top k of every query: rows (id, code) in, rows (query, id, score) out, at most k
 * per query. The queries are prepared once per partition, in groups of {@value #GROUP} scored
 * together ({@link CodeScorer#prepareAll}: the same scores as one at a time, bit for bit); each
 * batch of codes is scored against every group in one {@link CodeScorer.Queries#scoreAll} call.
 *
 * <p>The order is {@link Hit#ORDER}'s, the total order the global merge sorts by, so that the k
 * best of the union of the partitions' k best are the k best overall.
 */
record SearchPartition(
    ShippedCodebook codebook,
    Broadcast<float[][]> queries,
    int k,
    String codeColumn,
    String idColumn,
    SparkCodecOptions options)
    implements MapPartitionsFunction<Row, Row> {

  /** Queries scored together: their scores of a batch are held at once. */
  static final int GROUP = 64;

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return java.util.Collections.emptyIterator();
    }
    CodeScorer scorer = codebook.coders().scorer;
    float[][] q = queries.value();
    int d = codebook.dimension();
    CodeScorer.Queries[] groups = new CodeScorer.Queries[(q.length + GROUP - 1) / GROUP];
    for (int g = 0; g < groups.length; g++) {
      int count = Math.min(GROUP, q.length - g * GROUP);
      float[] flat = new float[count * d];
      for (int i = 0; i < count; i++) {
        System.arraycopy(q[g * GROUP + i], 0, flat, i * d, d);
      }
      groups[g] = scorer.prepareAll(flat, 0, count);
    }
    List<PriorityQueue<Hit>> best = new ArrayList<>(q.length);
    for (int i = 0; i < q.length; i++) {
      // The worst on top; grown as hits come, as k may be far more than a partition holds.
      best.add(new PriorityQueue<>(Math.min(k, 1024) + 1, Hit.ORDER.reversed()));
    }
    RowReader<Row> reader = new RowReader<>(rows, codeColumn, options);
    int batchRows = options.batchRows(codebook.dimension());
    CodeBatch codes = new CodeBatch(codebook.codeBytes(), batchRows);
    float[][] scores = new float[Math.min(GROUP, q.length)][batchRows];
    Object[] ids = new Object[batchRows];
    RowReader.Batch<Row> batch =
        (row, slot) -> {
          Object id = row.get(0);
          if (id == null) {
            reader.reject(idColumn, "id is null");
            return false;
          }
          if (!reader.accepts(codes.put((byte[]) row.get(1), slot))) {
            return false;
          }
          ids[slot] = id;
          return true;
        };
    while (reader.hasNext()) {
      int n = reader.fill(batchRows, batch);
      for (int g = 0; g < groups.length; g++) {
        groups[g].scoreAll(codes.codes(), 0, n, scores, 0);
        for (int i = 0; i < groups[g].count(); i++) {
          float[] row = scores[i];
          PriorityQueue<Hit> top = best.get(g * GROUP + i);
          for (int j = 0; j < n; j++) {
            // Most codes lose to the current k-th: compare before allocating a hit.
            if (top.size() < k || Hit.compare(row[j], ids[j], top.peek()) < 0) {
              top.add(new Hit(row[j], ids[j]));
              if (top.size() > k) {
                top.poll();
              }
            }
          }
        }
      }
    }
    List<Row> out = new ArrayList<>(q.length * k);
    for (int i = 0; i < q.length; i++) {
      for (Hit hit : best.get(i)) {
        out.add(RowFactory.create(i, hit.id, hit.score));
      }
    }
    return out.iterator();
  }

  /** A scored id. */
  static final class Hit {
    /**
     * Best first: score descending, then id ascending, as Spark SQL orders them: floats with -0.0
     * equal to 0.0, strings by their UTF-8 bytes (code points), integers by value.
     */
    static final java.util.Comparator<Hit> ORDER = (a, b) -> compare(a.score, a.id, b);

    final float score;
    final Object id;

    Hit(float score, Object id) {
      this.score = score;
      this.id = id;
    }

    /** Negative when (score, id) comes before {@code hit}. */
    static int compare(float score, Object id, Hit hit) {
      if (score != hit.score) { // != rather than Float.compare: -0.0 == 0.0, as in Spark
        return score > hit.score ? -1 : 1;
      }
      return compareIds(id, hit.id);
    }

    @SuppressWarnings("unchecked") // ids of one column: all strings or all of one integer type
    static int compareIds(Object a, Object b) {
      if (a instanceof String) {
        return compareCodePoints((String) a, (String) b);
      }
      return ((Comparable<Object>) a).compareTo(b);
    }

    /** UTF-8 byte order, which is code point order (String.compareTo's UTF-16 order is not). */
    static int compareCodePoints(String a, String b) {
      int i = 0;
      int j = 0;
      while (i < a.length() && j < b.length()) {
        int x = a.codePointAt(i);
        int y = b.codePointAt(j);
        if (x != y) {
          return Integer.compare(x, y);
        }
        i += Character.charCount(x);
        j += Character.charCount(y);
      }
      return Integer.compare(a.length() - i, b.length() - j);
    }
  }
}
