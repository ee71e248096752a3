package io.signcodec.core.stream;

import io.signcodec.core.MalformedInputException;

/** A stream written with another codebook than the one offered to read it. */
public class CodebookMismatchException extends MalformedInputException {
  private static final long serialVersionUID = 1L;

  public CodebookMismatchException(String reason, long offset) {
    super(reason, offset);
  }
}
