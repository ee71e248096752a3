package io.signcodec.netty;

import io.netty.handler.codec.DecoderException;

/** The connection closed before the stream's end marker: the last frames are missing. */
public class TruncatedStreamDecoderException extends DecoderException {
  private static final long serialVersionUID = 1L;

  public TruncatedStreamDecoderException(String message) {
    super(message);
  }
}
