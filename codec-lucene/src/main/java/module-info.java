/**
 * signcodec codes as a Lucene vector format: {@link io.signcodec.lucene.SigncodecHnswVectorsFormat}
 * builds Lucene's HNSW graph over them, {@link io.signcodec.lucene.SigncodecFlatVectorsFormat}
 * stores them alone, and {@link io.signcodec.lucene.SigncodecCodecs} selects them per field. Both
 * formats are registered under names that never change, so a reader finds them by name through
 * Lucene's SPI. Lucene is a provided dependency: the index brings its own Lucene 10.
 */
module io.signcodec.lucene {
  requires transitive io.signcodec.core;
  requires transitive org.apache.lucene.core;

  exports io.signcodec.lucene;

  provides org.apache.lucene.codecs.KnnVectorsFormat with
      io.signcodec.lucene.SigncodecHnswVectorsFormat,
      io.signcodec.lucene.SigncodecFlatVectorsFormat;
}
