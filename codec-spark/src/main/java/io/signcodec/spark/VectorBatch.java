package io.signcodec.spark;

/**
 * Up to a batch's worth of vectors of one partition, row-major, in the order of its rows: what the
 * library's batch-first calls take. {@code vectors} may be longer than {@code count · d}.
 */
record VectorBatch(float[] vectors, int count) implements java.io.Serializable {}
