package io.signcodec.core.stream;

import io.signcodec.core.MalformedInputException;

/** A block whose count field exceeds the cap: refused before anything is allocated for it. */
public class BlockTooLargeException extends MalformedInputException {
  private static final long serialVersionUID = 1L;

  public BlockTooLargeException(String reason, long offset) {
    super(reason, offset);
  }
}
