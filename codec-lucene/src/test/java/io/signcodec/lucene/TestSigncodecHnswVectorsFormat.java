package io.signcodec.lucene;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.tests.index.BaseKnnVectorsFormatTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * Lucene's own conformance tests for vector formats, run on the HNSW format with the data-free
 * codebook at 1 bit per coordinate.
 */
public class TestSigncodecHnswVectorsFormat extends BaseKnnVectorsFormatTestCase {
  private final KnnVectorsFormat format = new SigncodecHnswVectorsFormat();

  @Override
  protected Codec getCodec() {
    return TestUtil.alwaysKnnVectorsFormat(format);
  }

  @Override
  protected boolean supportsFloatVectorFallback() {
    return false;
  }
}
