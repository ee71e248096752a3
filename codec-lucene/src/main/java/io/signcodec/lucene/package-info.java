/**
 * signcodec codes in Lucene: {@link io.signcodec.lucene.SigncodecHnswVectorsFormat} (HNSW over
 * codes), {@link io.signcodec.lucene.SigncodecFlatVectorsFormat} (the codes alone) and {@link
 * io.signcodec.lucene.SigncodecCodecs} (per-field selection). See docs/LUCENE.md.
 */
package io.signcodec.lucene;
