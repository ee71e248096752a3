/**
 * Apache Commons Compress integration: the signcodec container as a Commons Compress compressor,
 * and the decoder of bzip2, xz and zstd vector-file input for the core.
 */
module io.signcodec.compress {
  requires transitive io.signcodec.core;
  requires transitive org.apache.commons.compress;

  exports io.signcodec.compress;

  provides io.signcodec.core.vectors.spi.Decompressor with
      io.signcodec.compress.CommonsCompressDecompressor;
  provides org.apache.commons.compress.compressors.CompressorStreamProvider with
      io.signcodec.compress.SignCompressorStreamProvider;
}
