package io.signcodec.lucene;

import io.signcodec.core.Codebook;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.util.Random;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.VectorUtil;

/** Seeded test vectors, codebooks and indexes. */
final class Vectors {
  static final String FIELD = "v";

  private Vectors() {}

  /**
   * {@code n} vectors of dimension d with an anisotropic spectrum (coordinate j has standard
   * deviation {@code 1/√(1+j/4)}) and an offset mean, as embeddings have; unit-normalized if asked.
   */
  static float[][] anisotropic(long seed, int n, int d, boolean normalize) {
    Random random = new Random(seed);
    float[][] out = new float[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        out[i][j] = (float) (0.3 + random.nextGaussian() / Math.sqrt(1 + j / 4.0));
      }
      if (normalize) {
        VectorUtil.l2normalize(out[i]);
      }
    }
    return out;
  }

  static float[] flat(float[][] vectors) {
    int d = vectors[0].length;
    float[] out = new float[vectors.length * d];
    for (int i = 0; i < vectors.length; i++) {
      System.arraycopy(vectors[i], 0, out, i * d, d);
    }
    return out;
  }

  /** The default (allocated) codebook trained on {@code sample} at {@code rate}. */
  static Codebook train(float[][] sample, double rate, long seed) throws IOException {
    return CodebookTrainer.builder()
        .rate(rate)
        .seed(seed)
        .build()
        .train(VectorSource.of(flat(sample), sample[0].length));
  }

  /** As {@link #train(float[][], double, long)}, with {@code gainBits} of per-vector gain. */
  static Codebook train(float[][] sample, double rate, long seed, int gainBits) throws IOException {
    return CodebookTrainer.builder()
        .rate(rate)
        .seed(seed)
        .gainBits(gainBits)
        .build()
        .train(VectorSource.of(flat(sample), sample[0].length));
  }

  static IndexWriterConfig config(KnnVectorsFormat format) {
    return new IndexWriterConfig()
        .setCodec(SigncodecCodecs.withFormat(format))
        .setMergePolicy(NoMergePolicy.INSTANCE);
  }

  /** Adds one document per vector, committing a segment every {@code perSegment} documents. */
  static void index(
      IndexWriter writer, float[][] vectors, VectorSimilarityFunction similarity, int perSegment)
      throws IOException {
    for (int i = 0; i < vectors.length; i++) {
      Document doc = new Document();
      doc.add(new KnnFloatVectorField(FIELD, vectors[i], similarity));
      writer.addDocument(doc);
      if ((i + 1) % perSegment == 0) {
        writer.commit();
      }
    }
    writer.commit();
  }

  /** The codes view of the only segment's field. */
  static SignFloatVectorValues codes(DirectoryReader reader) throws IOException {
    LeafReader leaf = reader.leaves().get(0).reader();
    FloatVectorValues values = leaf.getFloatVectorValues(FIELD);
    if (!(values instanceof SignFloatVectorValues sign)) {
      throw new AssertionError("not codes: " + values);
    }
    return sign;
  }

  /** Opens {@code dir} with no codec configured: the formats are found through the SPI. */
  static DirectoryReader open(Directory dir) throws IOException {
    return DirectoryReader.open(dir);
  }
}
