/**
 * Apache Commons Compress integration: a lossy "compressor" that reads a byte stream of
 * little-endian float32 vectors and writes the signcodec container, and back.
 *
 * <p>Construct {@link io.signcodec.compress.SignCompressorOutputStream} and {@link
 * io.signcodec.compress.SignCompressorInputStream} directly with a codebook, or go through {@code
 * CompressorStreamFactory} with the name {@value
 * io.signcodec.compress.SignCompressorStreamProvider#NAME}; the factory route finds its codebooks
 * in {@link io.signcodec.compress.SignCodebooks}. Commons Compress finds providers with the system
 * class loader, so in containers that load the library elsewhere use the direct constructors.
 *
 * <p>{@link io.signcodec.compress.CommonsCompressDecompressor} also gives the core's vector-file
 * readers bzip2, xz and zstd input (the core reads gzip itself), as a {@link
 * io.signcodec.core.vectors.spi.Decompressor} service.
 */
package io.signcodec.compress;
