package io.signcodec.core;

/**
 * How an encoder picks the bits of a direction that has several ({@link Codebook#isAllocated()
 * allocated codebooks}); codebooks with one bit per projection have one choice, and ignore this.
 */
public enum LevelSearch {
  /** The level nearest to the projection: the smallest error. The default. */
  NEAREST,
  /**
   * Bit by bit, each the sign of what the bits before it left: cheaper by a few comparisons, and
   * as good when every scale exceeds the sum of the smaller ones (not so for the trained levels
   * at 3 bits and more, which are 5 to 15 % worse this way).
   */
  GREEDY
}
