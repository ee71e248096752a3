package io.signcodec.core.vectors;

/** Message helpers shared by the readers. */
final class Messages {
  private Messages() {}

  /** {@code "name: "}, or nothing when the input has no name. */
  static String prefix(String name) {
    return name == null ? "" : name + ": ";
  }
}
