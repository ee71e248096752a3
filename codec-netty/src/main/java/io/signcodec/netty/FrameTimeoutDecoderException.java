package io.signcodec.netty;

import io.netty.handler.codec.DecoderException;

/** A frame kept arriving, but not all of it within the decoder's frame timeout. */
public class FrameTimeoutDecoderException extends DecoderException {
  private static final long serialVersionUID = 1L;

  public FrameTimeoutDecoderException(String message) {
    super(message);
  }
}
