package io.signcodec.core;

/** Bytes that arrived complete but whose checksum does not match: they were altered. */
public class ChecksumMismatchException extends MalformedInputException {
  private static final long serialVersionUID = 1L;

  public ChecksumMismatchException(String reason, long offset) {
    super(reason, offset);
  }
}
