package io.signcodec.netty;

import io.netty.handler.codec.DecoderException;

/** The peer's stream header names a different codebook than the one this decoder has. */
public class CodebookMismatchDecoderException extends DecoderException {
  private static final long serialVersionUID = 1L;

  public CodebookMismatchDecoderException(String message, Throwable cause) {
    super(message, cause);
  }
}
