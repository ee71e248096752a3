/**
 * The {@code signcodec} command line. An application, not a library: it exports nothing, and opens
 * its package to picocli, which fills the commands' options by reflection.
 */
@SuppressWarnings("requires-automatic") // Netty 4.1's handler module is named in its manifest
module io.signcodec.cli {
  requires io.signcodec.compress;
  requires io.signcodec.core;
  requires io.signcodec.netty;
  requires io.netty.handler;
  requires info.picocli;
  requires java.desktop;
  requires java.logging;

  opens io.signcodec.cli to
      info.picocli;
}
