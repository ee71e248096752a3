package io.signcodec.core;

import java.io.IOException;

/**
 * Input bytes that are not what they claim to be: a codebook, a container stream or a vector file
 * that is corrupt, truncated, of an unknown version, or declares sizes beyond the documented caps.
 *
 * <p>Every instance carries the byte offset at which the problem was found (or {@code -1} where no
 * single offset applies), so that a message names both the problem and where it is. Caller
 * mistakes, such as a wrong vector dimension, are {@link IllegalArgumentException}s instead.
 */
public class MalformedInputException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long offset;

  public MalformedInputException(String reason, long offset) {
    this(reason, offset, null);
  }

  public MalformedInputException(String reason, long offset, Throwable cause) {
    super(offset >= 0 ? reason + " (at byte offset " + offset + ")" : reason, cause);
    this.offset = offset;
  }

  /** Byte offset in the input at which the problem was detected, or {@code -1} if none applies. */
  public long offset() {
    return offset;
  }
}
