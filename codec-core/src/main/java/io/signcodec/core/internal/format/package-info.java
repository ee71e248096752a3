/**
 * The codebook file format's reader and writer, whose specification is docs/FORMAT.md §2: the
 * header, and each form's body in a class of its own. Not API: exported to no module.
 */
package io.signcodec.core.internal.format;
