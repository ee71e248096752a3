package io.signcodec.netty;

import io.netty.channel.CombinedChannelDuplexHandler;
import io.signcodec.core.Codebook;

/**
 * {@link SignFrameDecoder} and {@link SignFrameEncoder} in one handler, for a connection that both
 * sends and receives embeddings with the same codebook. Not {@code @Sharable}: add a new one to
 * every channel.
 */
public final class SignFrameCodec
    extends CombinedChannelDuplexHandler<SignFrameDecoder, SignFrameEncoder> {

  public SignFrameCodec(Codebook codebook) {
    super(new SignFrameDecoder(codebook), new SignFrameEncoder(codebook));
  }

  public SignFrameCodec(SignFrameDecoder decoder, SignFrameEncoder encoder) {
    super(decoder, encoder);
  }
}
