package io.signcodec.compress;

import io.signcodec.core.vectors.VectorReadersFuzzTest;

/**
 * The core's reader properties again with {@link CommonsCompressDecompressor} on the classpath, so
 * that the bzip2 file of the corpus, and mutations of it, go through a real decoder.
 */
class CompressedReadersFuzzTest extends VectorReadersFuzzTest {}
