/**
 * signcodec's API: a {@link io.signcodec.core.Codebook} (immutable, versioned, fingerprinted), the
 * thread-safe {@link io.signcodec.core.SignEncoder}, {@link io.signcodec.core.LinearDecoder} and
 * {@link io.signcodec.core.CodeScorer} that work on caller-owned arrays in batches, the sources of
 * vectors they read ({@link io.signcodec.core.VectorSource}, {@link
 * io.signcodec.core.VectorReader}), the measures of what a codebook loses ({@link
 * io.signcodec.core.Distortion}, {@link io.signcodec.core.SearchRecall}, {@link
 * io.signcodec.core.DistortionBounds}), the size caps every reader enforces ({@link
 * io.signcodec.core.Caps}) and the exceptions for bad input, each with the byte offset where it was
 * found.
 *
 * <p>Codebooks are trained by {@link io.signcodec.core.train}; codes travel in the container stream
 * of {@link io.signcodec.core.stream}; vectors are read from and written to files by {@link
 * io.signcodec.core.vectors}. The words (form, stage, allocated, structured, isotropic) are those
 * of the glossary in docs/THEORY.md; the file formats are specified in docs/FORMAT.md.
 */
package io.signcodec.core;
