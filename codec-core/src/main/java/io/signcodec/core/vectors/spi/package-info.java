/**
 * The service interface through which an optional module decodes compressed vector-file input: the
 * core detects gzip, bzip2, xz and zstd by magic number and decodes gzip with the JDK; bzip2, xz
 * and zstd go to a {@link io.signcodec.core.vectors.spi.Decompressor} found on the classpath or
 * module path ({@code io.signcodec:codec-compress} provides one).
 */
package io.signcodec.core.vectors.spi;
