package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import io.signcodec.core.vectors.LoadedVectors;
import io.signcodec.core.vectors.VectorFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * A first comparison with Lucene's own formats, until codec-bench's LuceneReport (issue 25) exists:
 * the first N vectors of a file (.fvecs, .npy, or Fashion-MNIST's idx3-ubyte.gz) are indexed (one
 * segment after force-merge, maxConn 16, beamWidth 100, one merge thread), the next Q are the
 * queries, DOT_PRODUCT on unit vectors. Per format: recall@10 against exact search, the same with
 * the top 5k rescored by the raw vectors, queries per second on one thread (k = 10, no rescoring),
 * build time, and bytes per vector of the quantized data file (float32: the raw one).
 *
 * <pre>
 * java -cp &lt;test classpath&gt; io.signcodec.lucene.LuceneComparison FILE.fvecs N Q WORKDIR
 * </pre>
 */
public final class LuceneComparison {
  private static final int K = 10;

  private LuceneComparison() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    int q = Integer.parseInt(args[2]);
    Path work = Path.of(args[3]);
    float[] flat;
    int d;
    if (file.toString().endsWith("idx3-ubyte.gz")) {
      flat = readIdxImages(file, n + q);
      d = 784;
    } else {
      LoadedVectors all = VectorFiles.readAll(file, n + q);
      flat = all.vectors();
      d = all.dimension();
    }
    float[][] docs = rows(flat, d, 0, n);
    float[][] queries = rows(flat, d, n, q);
    for (float[][] set : List.of(docs, queries)) {
      for (float[] v : set) {
        org.apache.lucene.util.VectorUtil.l2normalize(v);
      }
    }
    VectorSimilarityFunction sim = VectorSimilarityFunction.DOT_PRODUCT;
    List<Set<Integer>> truth = new ArrayList<>();
    for (float[] query : queries) {
      truth.add(exactTop(docs, query, sim));
    }
    float[] sample = new float[Math.min(n, 10000) * d];
    for (int i = 0; i < sample.length / d; i++) {
      System.arraycopy(docs[i], 0, sample, i * d, d);
    }
    Map<String, KnnVectorsFormat> formats = new LinkedHashMap<>();
    formats.put("float32", new Lucene99HnswVectorsFormat());
    formats.put("osq-1bit", osq(ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE));
    formats.put("osq-2bit", osq(ScalarEncoding.DIBIT_QUERY_NIBBLE));
    formats.put("osq-4bit", osq(ScalarEncoding.PACKED_NIBBLE));
    for (int r : new int[] {1, 2, 4}) {
      Codebook cb =
          CodebookTrainer.builder().rate(r).seed(42).build().train(VectorSource.of(sample, d));
      formats.put("signcodec-r" + r, SigncodecHnswVectorsFormat.builder().codebook(cb).build());
    }
    formats.put(
        "signcodec-datafree-r1", SigncodecHnswVectorsFormat.builder().dataFree(1, 42).build());
    System.out.printf(
        Locale.ROOT,
        "file=%s n=%d q=%d d=%d java=%s%n",
        file,
        n,
        q,
        d,
        System.getProperty("java.runtime.version"));
    System.out.println("format\trecall@10\trescored5x\tqps\tbuild_s\tbytes/vector");
    for (Map.Entry<String, KnnVectorsFormat> e : formats.entrySet()) {
      Path dirPath = work.resolve(e.getKey());
      deleteRecursively(dirPath);
      try (Directory dir = FSDirectory.open(dirPath)) {
        long t0 = System.nanoTime();
        try (IndexWriter w =
            new IndexWriter(
                dir,
                new IndexWriterConfig()
                    .setCodec(SigncodecCodecs.withFormat(e.getValue()))
                    .setUseCompoundFile(false)
                    .setRAMBufferSizeMB(256))) {
          for (float[] v : docs) {
            Document doc = new Document();
            doc.add(new KnnFloatVectorField("v", v, sim));
            w.addDocument(doc);
          }
          w.forceMerge(1);
        }
        double build = (System.nanoTime() - t0) / 1e9;
        try (DirectoryReader reader = DirectoryReader.open(dir)) {
          IndexSearcher searcher = new IndexSearcher(reader);
          double plain = recall(searcher, queries, truth, 1);
          double rescored = recall(searcher, queries, truth, 5);
          recall(searcher, queries, truth, 1); // warm-up
          long s0 = System.nanoTime();
          int rounds = 3;
          for (int i = 0; i < rounds; i++) {
            recall(searcher, queries, truth, 1);
          }
          double qps = rounds * queries.length / ((System.nanoTime() - s0) / 1e9);
          String ext =
              e.getKey().startsWith("float")
                  ? ".vec"
                  : e.getKey().startsWith("osq") ? ".veq" : ".vsc";
          long bytes = sizeOf(dirPath, ext);
          System.out.printf(
              Locale.ROOT,
              "%s\t%.3f\t%.3f\t%.0f\t%.1f\t%.1f%n",
              e.getKey(),
              plain,
              rescored,
              qps,
              build,
              bytes / (double) n);
        }
      }
      deleteRecursively(dirPath);
    }
  }

  /** The first {@code max} images of an idx3-ubyte.gz file (Fashion-MNIST), pixels / 255. */
  private static float[] readIdxImages(Path file, int max) throws IOException {
    try (java.io.DataInputStream in =
        new java.io.DataInputStream(
            new java.io.BufferedInputStream(
                new java.util.zip.GZIPInputStream(Files.newInputStream(file), 1 << 16)))) {
      if (in.readInt() != 2051) {
        throw new IOException(file + ": not an idx3-ubyte image file");
      }
      int count = Math.min(in.readInt(), max);
      int d = in.readInt() * in.readInt();
      byte[] pixels = new byte[count * d];
      in.readFully(pixels);
      float[] x = new float[pixels.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = (pixels[i] & 0xff) / 255f;
      }
      return x;
    }
  }

  private static KnnVectorsFormat osq(ScalarEncoding encoding) {
    return new Lucene104HnswScalarQuantizedVectorsFormat(encoding, 16, 100);
  }

  private static double recall(
      IndexSearcher searcher, float[][] queries, List<Set<Integer>> truth, int oversample)
      throws IOException {
    long found = 0;
    for (int i = 0; i < queries.length; i++) {
      Query query = new KnnFloatVectorQuery("v", queries[i], K * oversample);
      if (oversample > 1) {
        query = RescoreTopNQuery.createFullPrecisionRescorerQuery(query, queries[i], "v", K);
      }
      for (ScoreDoc hit : searcher.search(query, K).scoreDocs) {
        if (truth.get(i).contains(hit.doc)) {
          found++;
        }
      }
    }
    return found / (double) (K * queries.length);
  }

  private static Set<Integer> exactTop(float[][] docs, float[] q, VectorSimilarityFunction sim) {
    Integer[] order = new Integer[docs.length];
    float[] s = new float[docs.length];
    for (int i = 0; i < docs.length; i++) {
      order[i] = i;
      s[i] = sim.compare(q, docs[i]);
    }
    Arrays.sort(order, (a, b) -> Float.compare(s[b], s[a]));
    return new HashSet<>(Arrays.asList(order).subList(0, K));
  }

  private static float[][] rows(float[] flat, int d, int from, int count) {
    float[][] out = new float[count][];
    for (int i = 0; i < count; i++) {
      out[i] = Arrays.copyOfRange(flat, (from + i) * d, (from + i + 1) * d);
    }
    return out;
  }

  private static long sizeOf(Path dir, String extension) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      long total = 0;
      for (Path p : files.filter(p -> p.toString().endsWith(extension)).toList()) {
        total += Files.size(p);
      }
      return total;
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }
}
