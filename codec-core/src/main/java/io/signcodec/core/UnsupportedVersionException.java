package io.signcodec.core;

/** A well-formed header announcing a format version this library cannot read. */
public class UnsupportedVersionException extends MalformedInputException {
  private static final long serialVersionUID = 1L;

  private final int version;

  public UnsupportedVersionException(String what, int version, int newestSupported, long offset) {
    super(
        "unsupported "
            + what
            + " version "
            + version
            + " (this library reads versions up to "
            + newestSupported
            + ")",
        offset);
    this.version = version;
  }

  /**
   * A version this library does not read for {@code reason}, e.g. a development version of the
   * format that no release reads.
   */
  public UnsupportedVersionException(String what, int version, String reason, long offset) {
    super("unsupported " + what + " version " + version + ": " + reason, offset);
    this.version = version;
  }

  public int version() {
    return version;
  }
}
