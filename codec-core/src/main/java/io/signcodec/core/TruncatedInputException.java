package io.signcodec.core;

/** The input ended before a structure it had started was complete. */
public class TruncatedInputException extends MalformedInputException {
  private static final long serialVersionUID = 1L;

  public TruncatedInputException(String reason, long offset) {
    super(reason, offset);
  }
}
