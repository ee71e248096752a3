/**
 * Dense float kernels behind the batch-first API (blocked matrix products and the sign-and-pack
 * step, scalar and Vector API backends), the Gaussian sign-code model of the trainer, and small
 * helpers the core's packages share: argument checks, the in-memory and read-once vector sources,
 * bounded top-k lists. Public only so that the core's own packages can share them; not a supported
 * API, and not exported by the module descriptor. The forms and the codebook format live in {@code
 * internal.form} and {@code internal.format}, under the same rule.
 *
 * <p>Every kernel accumulates each output element in ascending order of the summation index,
 * whatever the blocking or the number of threads, so results do not depend on batch sizes or on how
 * work was split. That is what makes single-vector and batch encoding bit-identical.
 */
package io.signcodec.core.internal;
