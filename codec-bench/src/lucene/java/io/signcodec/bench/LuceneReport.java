package io.signcodec.bench;

import io.signcodec.core.Codebook;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import io.signcodec.core.vectors.LoadedVectors;
import io.signcodec.core.vectors.VectorFiles;
import io.signcodec.lucene.SigncodecCodecs;
import io.signcodec.lucene.SigncodecHnswVectorsFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * signcodec's Lucene format against Lucene's own, in Lucene's HNSW graph (issue 25). The same
 * vectors are indexed with each format into one segment (force-merged; maxConn 16, beamWidth 100,
 * one merge thread), then searched on one thread with a fan-out of {@code k·o} for each oversample
 * o in 1, 2, 5: recall@k against exact search on the floats, without rescoring (the top k by the
 * format's scores) and with (the top {@code k·o} re-ranked by the raw vectors, {@link
 * RescoreTopNQuery}); queries per second of each (every index built first, then 5000 searches of
 * each to warm up, then five rounds in which every format runs one timed pass over the queries in
 * turn; the fastest pass is reported); the mean number of vectors the graph search scores per query
 * (visited); the build time (indexing and force-merge); and bytes per vector of the format's vector
 * data file (float32 {@code .vec}, OSQ {@code .veq} with its corrections, signcodec {@code .vsc}).
 * A table on standard output, and one JSON line per format and oversample.
 *
 * <pre>
 * LuceneReport --input DB --queries Q [--k 10] [--limit N] [--query-offset O] [--query-limit M]
 *              [--similarity dot|cosine|euclidean] [--sample S] [--formats a,b,...] [--work DIR]
 * </pre>
 *
 * DB and Q are .fvecs, .npy (what {@link VectorFiles} reads) or idx3-ubyte.gz images
 * (Fashion-MNIST; pixels / 255), and may be the same file: Q's vectors are then taken from {@code
 * --query-offset} on. With {@code dot} (the default) every vector is normalized. The signcodec
 * codebooks are the default (allocated) ones trained on the first S (default 10000) database
 * vectors, seed 42; the data-free forms need no data. Formats: float32, osq1, osq2, osq4, osq7,
 * osq8 (Lucene104HnswScalarQuantizedVectorsFormat), sc1, sc2, sc4 (trained), free1, free2, free4
 * (data-free). Lucene 10.6's core has no int7/int4 format of its own beyond OSQ's.
 */
public final class LuceneReport {
  private static final List<String> ALL =
      List.of(
          "float32", "osq1", "osq2", "osq4", "osq7", "osq8", "sc1", "sc2", "sc4", "free1", "free2",
          "free4");
  private static final int[] OVERSAMPLES = {1, 2, 5};

  private LuceneReport() {}

  public static void main(String[] args) throws Exception {
    Path input = null;
    Path queriesFile = null;
    int k = 10;
    int limit = Integer.MAX_VALUE;
    int queryOffset = 0;
    int queryLimit = 200;
    int sampleSize = 10000;
    String similarityName = "dot";
    List<String> formats = ALL;
    Path work = Path.of("target", "lucene-report");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--input" -> input = Path.of(args[++i]);
        case "--queries" -> queriesFile = Path.of(args[++i]);
        case "--k" -> k = Integer.parseInt(args[++i]);
        case "--limit" -> limit = Integer.parseInt(args[++i]);
        case "--query-offset" -> queryOffset = Integer.parseInt(args[++i]);
        case "--query-limit" -> queryLimit = Integer.parseInt(args[++i]);
        case "--sample" -> sampleSize = Integer.parseInt(args[++i]);
        case "--similarity" -> similarityName = args[++i];
        case "--formats" -> formats = List.of(args[++i].split(","));
        case "--work" -> work = Path.of(args[++i]);
        default -> {
          if (!a.isEmpty()) {
            throw new IllegalArgumentException("unknown argument " + a + "; see the class javadoc");
          }
        }
      }
    }
    if (input == null || queriesFile == null) {
      throw new IllegalArgumentException("--input DB and --queries Q are required");
    }
    for (String f : formats) {
      if (!ALL.contains(f)) {
        throw new IllegalArgumentException("unknown format " + f + " (expected: " + ALL + ")");
      }
    }
    VectorSimilarityFunction similarity =
        switch (similarityName) {
          case "dot" -> VectorSimilarityFunction.DOT_PRODUCT;
          case "cosine" -> VectorSimilarityFunction.COSINE;
          case "euclidean" -> VectorSimilarityFunction.EUCLIDEAN;
          default ->
              throw new IllegalArgumentException(
                  "--similarity must be dot, cosine or euclidean: " + similarityName);
        };
    boolean normalize = similarity == VectorSimilarityFunction.DOT_PRODUCT;
    float[][] docs = read(input, 0, limit, normalize);
    float[][] queries = read(queriesFile, queryOffset, queryLimit, normalize);
    int d = docs[0].length;
    if (queries[0].length != d) {
      throw new IllegalArgumentException(
          "queries have dimension " + queries[0].length + ", the database " + d);
    }
    List<Set<Integer>> truth = new ArrayList<>();
    for (float[] q : queries) {
      truth.add(exactTop(docs, q, similarity, k));
    }
    int s = Math.min(sampleSize, docs.length);
    float[] sample = new float[s * d];
    for (int i = 0; i < s; i++) {
      System.arraycopy(docs[i], 0, sample, i * d, d);
    }
    System.out.printf(
        Locale.ROOT,
        "# LuceneReport input=%s (%d x %d) queries=%s (%d from %d) k=%d similarity=%s java=%s%n",
        input,
        docs.length,
        d,
        queriesFile,
        queries.length,
        queryOffset,
        k,
        similarity,
        System.getProperty("java.runtime.version"));
    System.out.println(
        "# format\tbytes/vector\tbuild_s\toversample\trecall\trecall_rescored\tqps\tqps_rescored"
            + "\tvisited");
    // Every format's index first, then the searches in rounds, each round every format in turn:
    // a slower stretch of this shared machine then slows every format alike, not one.
    List<Built> built = new ArrayList<>();
    try {
      for (String name : formats) {
        built.add(build(name, format(name, sample, d), work.resolve(name), docs, similarity));
      }
      int ways = 2 * OVERSAMPLES.length;
      for (Built b : built) {
        for (int way = 0; way < ways; way++) {
          warmUp(b.searcher, queries, k, OVERSAMPLES[way / 2], way % 2 == 1);
        }
      }
      for (int round = 0; round < TIMED_ROUNDS; round++) {
        for (Built b : built) {
          for (int way = 0; way < ways; way++) {
            double[] r = run(b.searcher, queries, truth, k, OVERSAMPLES[way / 2], way % 2 == 1);
            b.recall[way] = r[0];
            b.qps[way] = Math.max(b.qps[way], r[1]);
          }
        }
      }
      List<String> json = new ArrayList<>();
      for (Built b : built) {
        for (int i = 0; i < OVERSAMPLES.length; i++) {
          int o = OVERSAMPLES[i];
          double visited = visited(b.reader, queries, k * o);
          System.out.printf(
              Locale.ROOT,
              "%s\t%.1f\t%.1f\t%d\t%.3f\t%.3f\t%.0f\t%.0f\t%.0f%n",
              b.name,
              b.bytes,
              b.build,
              o,
              b.recall[2 * i],
              b.recall[2 * i + 1],
              b.qps[2 * i],
              b.qps[2 * i + 1],
              visited);
          json.add(
              String.format(
                  Locale.ROOT,
                  "{\"format\":\"%s\",\"n\":%d,\"d\":%d,\"queries\":%d,\"k\":%d,"
                      + "\"similarity\":\"%s\",\"bytes_per_vector\":%.2f,\"build_s\":%.3f,"
                      + "\"oversample\":%d,\"recall\":%.4f,\"recall_rescored\":%.4f,"
                      + "\"qps\":%.1f,\"qps_rescored\":%.1f,\"visited\":%.1f}",
                  b.name,
                  docs.length,
                  d,
                  queries.length,
                  k,
                  similarity,
                  b.bytes,
                  b.build,
                  o,
                  b.recall[2 * i],
                  b.recall[2 * i + 1],
                  b.qps[2 * i],
                  b.qps[2 * i + 1],
                  visited));
        }
      }
      json.forEach(System.out::println);
    } finally {
      for (Built b : built) {
        b.close();
      }
    }
  }

  /** One format's index, open for searching, and its results so far. */
  private static final class Built implements AutoCloseable {
    final String name;
    final Path path;
    final Directory dir;
    final DirectoryReader reader;
    final IndexSearcher searcher;
    final double build;
    final double bytes;

    /** Per oversample, plain then rescored. */
    final double[] recall = new double[2 * OVERSAMPLES.length];

    final double[] qps = new double[2 * OVERSAMPLES.length];

    Built(String name, Path path, Directory dir, double build, double bytes) throws IOException {
      this.name = name;
      this.path = path;
      this.dir = dir;
      this.reader = DirectoryReader.open(dir);
      this.searcher = new IndexSearcher(reader);
      this.build = build;
      this.bytes = bytes;
    }

    @Override
    public void close() throws IOException {
      reader.close();
      dir.close();
      deleteRecursively(path);
    }
  }

  /** Indexes the documents with the format into one segment at {@code dirPath}. */
  private static Built build(
      String name,
      KnnVectorsFormat format,
      Path dirPath,
      float[][] docs,
      VectorSimilarityFunction similarity)
      throws IOException {
    deleteRecursively(dirPath);
    Directory dir = FSDirectory.open(dirPath);
    long t0 = System.nanoTime();
    try (IndexWriter w =
        new IndexWriter(
            dir,
            new IndexWriterConfig()
                .setCodec(SigncodecCodecs.withFormat(format))
                .setUseCompoundFile(false)
                .setRAMBufferSizeMB(256))) {
      for (float[] v : docs) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("v", v, similarity));
        w.addDocument(doc);
      }
      w.forceMerge(1);
    }
    double build = (System.nanoTime() - t0) / 1e9;
    return new Built(
        name, dirPath, dir, build, sizeOf(dirPath, extension(name)) / (double) docs.length);
  }

  private static KnnVectorsFormat format(String name, float[] sample, int d) throws IOException {
    return switch (name) {
      case "float32" -> new Lucene99HnswVectorsFormat();
      case "osq1" -> osq(ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE);
      case "osq2" -> osq(ScalarEncoding.DIBIT_QUERY_NIBBLE);
      case "osq4" -> osq(ScalarEncoding.PACKED_NIBBLE);
      case "osq7" -> osq(ScalarEncoding.SEVEN_BIT);
      case "osq8" -> osq(ScalarEncoding.UNSIGNED_BYTE);
      case "sc1", "sc2", "sc4" -> {
        int rate = name.charAt(2) - '0';
        Codebook codebook =
            CodebookTrainer.builder().rate(rate).seed(42).build().train(VectorSource.of(sample, d));
        yield SigncodecHnswVectorsFormat.builder().codebook(codebook).build();
      }
      case "free1", "free2", "free4" ->
          SigncodecHnswVectorsFormat.builder().dataFree(name.charAt(4) - '0', 42).build();
      default -> throw new IllegalArgumentException("unknown format " + name);
    };
  }

  private static KnnVectorsFormat osq(ScalarEncoding encoding) {
    return new Lucene104HnswScalarQuantizedVectorsFormat(encoding, 16, 100);
  }

  private static String extension(String name) {
    return name.equals("float32") ? ".vec" : name.startsWith("osq") ? ".veq" : ".vsc";
  }

  /** Searches run before the timed rounds, cycling through the queries: the JIT's warm-up. */
  private static final int WARM_UP_SEARCHES = 5000;

  /** Timed passes over the queries per format and way of searching; the fastest is reported. */
  private static final int TIMED_ROUNDS = 5;

  /**
   * {@link #WARM_UP_SEARCHES} searches (one pass of 200 left Lucene's own scorers half compiled:
   * the next format then ran at up to twice the rate).
   */
  private static void warmUp(
      IndexSearcher searcher, float[][] queries, int k, int oversample, boolean rescore)
      throws IOException {
    for (int i = 0; i < WARM_UP_SEARCHES; i++) {
      searcher.search(query(queries[i % queries.length], k, oversample, rescore), k);
    }
  }

  /** Recall@k and queries per second of one timed pass over the queries. */
  private static double[] run(
      IndexSearcher searcher,
      float[][] queries,
      List<Set<Integer>> truth,
      int k,
      int oversample,
      boolean rescore)
      throws IOException {
    long found = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < queries.length; i++) {
      for (ScoreDoc hit : searcher.search(query(queries[i], k, oversample, rescore), k).scoreDocs) {
        if (truth.get(i).contains(hit.doc)) {
          found++;
        }
      }
    }
    double qps = queries.length / ((System.nanoTime() - t0) / 1e9);
    return new double[] {found / (double) (k * queries.length), qps};
  }

  private static Query query(float[] q, int k, int oversample, boolean rescore) {
    Query query = new KnnFloatVectorQuery("v", q, k * oversample);
    return rescore ? RescoreTopNQuery.createFullPrecisionRescorerQuery(query, q, "v", k) : query;
  }

  /** The mean number of vectors the graph search scores per query, with a fan-out of {@code n}. */
  private static double visited(IndexReader reader, float[][] queries, int n) throws IOException {
    long total = 0;
    for (LeafReaderContext leaf : reader.leaves()) {
      LeafReader r = leaf.reader();
      for (float[] q : queries) {
        TopDocs top =
            r.searchNearestVectors(
                "v", q, n, AcceptDocs.fromLiveDocs(r.getLiveDocs(), r.maxDoc()), Integer.MAX_VALUE);
        total += top.totalHits.value();
      }
    }
    return total / (double) queries.length;
  }

  private static Set<Integer> exactTop(
      float[][] docs, float[] q, VectorSimilarityFunction similarity, int k) {
    Integer[] order = new Integer[docs.length];
    float[] s = new float[docs.length];
    for (int i = 0; i < docs.length; i++) {
      order[i] = i;
      s[i] = similarity.compare(q, docs[i]);
    }
    Arrays.sort(order, (a, b) -> Float.compare(s[b], s[a]));
    return new HashSet<>(Arrays.asList(order).subList(0, Math.min(k, docs.length)));
  }

  /** Vectors {@code offset .. offset + limit} of a file, each normalized if asked. */
  private static float[][] read(Path file, int offset, int limit, boolean normalize)
      throws IOException {
    float[] flat;
    int d;
    int max = (int) Math.min(Integer.MAX_VALUE, (long) offset + limit);
    if (file.toString().endsWith("idx3-ubyte.gz")) {
      flat = BenchDatasets.readIdxImages(file, max);
      d = 784;
    } else {
      LoadedVectors v = VectorFiles.readAll(file, max);
      flat = v.vectors();
      d = v.dimension();
    }
    int count = flat.length / d - offset;
    if (count <= 0) {
      throw new IllegalArgumentException(file + " has no vectors from " + offset);
    }
    float[][] out = new float[count][];
    for (int i = 0; i < count; i++) {
      out[i] = Arrays.copyOfRange(flat, (offset + i) * d, (offset + i + 1) * d);
      if (normalize) {
        VectorUtil.l2normalize(out[i]);
      }
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
