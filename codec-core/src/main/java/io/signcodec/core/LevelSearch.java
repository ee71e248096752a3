package io.signcodec.core;

/**
 * How an encoder picks the bits of a direction that has several ({@link Codebook#isAllocated()
 * allocated codebooks}); codebooks with one bit per projection have one choice, and ignore this.
 *
 * <p>The codebook format defines the code of a vector with {@link #NEAREST} (docs/FORMAT.md §1.1):
 * that is what an independent encoder reproduces bit for bit, and what the library and its command
 * line use unless told otherwise. {@link #GREEDY} is an encoder option: its codes are codes of the
 * same codebook and decode the same way, but they are other codes, and neither the codebook nor a
 * stream records which search made them.
 */
public enum LevelSearch {
  /**
   * The level nearest to the projection, found among the thresholds between sorted levels: the
   * smallest error, and the codes the format defines. The default.
   */
  NEAREST,
  /**
   * Bit by bit, each the sign of what the bits before it left: cheaper by a few comparisons, and as
   * good when every scale exceeds the sum of the smaller ones (not so for the trained levels at 3
   * bits and more, which are 5 to 15 % worse this way). Its codes differ from the reference codes
   * of {@link #NEAREST} wherever the two searches disagree.
   */
  GREEDY
}
