/**
 * Apache Commons Compress integration: a lossy "compressor" that reads a byte stream of
 * little-endian float32 vectors and writes the signcodec container, and back.
 *
 * <p>Construct {@link io.signcodec.core.compress.SignCompressorOutputStream} and
 * {@link io.signcodec.core.compress.SignCompressorInputStream} directly with a codebook, or go
 * through {@code CompressorStreamFactory} with the name {@value
 * io.signcodec.core.compress.SignCompressorStreamProvider#NAME}; the factory route finds its
 * codebooks in {@link io.signcodec.core.compress.SignCodebooks}. Commons Compress finds providers
 * with the system class loader, so in containers that load the library elsewhere use the direct
 * constructors.
 */
package io.signcodec.core.compress;
