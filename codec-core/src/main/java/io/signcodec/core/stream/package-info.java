/**
 * The container stream (docs/FORMAT.md §3): codes in checksummed blocks behind a header that names
 * the dimension, the code length and the fingerprint of the codebook that made them, so that a
 * stream can only be decoded with that codebook. {@link io.signcodec.core.stream.SignStreamWriter}
 * encodes and writes, {@link io.signcodec.core.stream.SignStreamReader} reads and decodes; {@link
 * io.signcodec.core.stream.BlockFraming} frames blocks for transports of their own (Netty's frames
 * use it).
 */
package io.signcodec.core.stream;
