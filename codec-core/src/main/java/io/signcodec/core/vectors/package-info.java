/**
 * Vector files: {@code .fvecs}, {@code .bvecs}, {@code .npy}, {@code .npz} and headerless float32,
 * possibly compressed (docs/FORMAT.md §4). {@link io.signcodec.core.vectors.VectorFiles} opens them
 * as streaming sources and readers or loads them whole, checking every header field against the
 * caps before it allocates; {@link io.signcodec.core.vectors.VectorWriter} writes {@code .fvecs}
 * and {@code .npy}.
 */
package io.signcodec.core.vectors;
