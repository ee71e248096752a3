/**
 * Netty pipeline handlers that carry embeddings as signcodec frames. Runs on Netty 4.1, whose jars
 * name their modules in the manifest (automatic modules), and on 4.2, whose jars have descriptors
 * with the same names.
 */
@SuppressWarnings("requires-transitive-automatic")
module io.signcodec.netty {
  requires transitive io.signcodec.core;
  requires transitive io.netty.buffer;
  requires transitive io.netty.codec;
  requires transitive io.netty.common;
  requires transitive io.netty.transport;

  exports io.signcodec.netty;
}
