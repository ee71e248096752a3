/**
 * Training codebooks: {@link io.signcodec.core.train.CodebookTrainer} and its builder choose the
 * kind of codebook (allocated, the default, or sign codes, shallow or staged; trained from data or
 * isotropic) and run its passes over the data. A pass is a {@link
 * io.signcodec.core.train.TrainingPass} whose {@link io.signcodec.core.train.PassAccumulator}s
 * merge, run by a {@link io.signcodec.core.train.PassRunner}: in order over one source, or spread
 * over the partitions of a cluster job by a runner of the caller's. docs/THEORY.md derives what
 * each trainer computes.
 */
package io.signcodec.core.train;
