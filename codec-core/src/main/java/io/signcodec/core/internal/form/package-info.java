/**
 * The three forms of a codebook's maps, each with the tiles that encode and decode batches and the
 * weights that score codes: {@link io.signcodec.core.internal.form.DenseForm} (a sign code as
 * float32 matrices), {@link io.signcodec.core.internal.form.StructuredForm} (a sign code as seeded
 * fast orthogonal transforms) and {@link io.signcodec.core.internal.form.AllocatedForm} (tied bits
 * over the directions of one basis). Not API: exported to no module.
 */
package io.signcodec.core.internal.form;
