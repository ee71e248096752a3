package io.signcodec.cli;

/**
 * A one-line JSON object, written field by field in the order added.
 *
 * <p>Doubles are written with {@link Double#toString(double)}, which gives enough digits to read
 * back the same double; NaN and infinities, which JSON cannot express, are written as {@code null}.
 * Strings are escaped as RFC 8259 requires (quote, backslash and control characters).
 */
final class Json {
  /**
   * The characters JSON writes as a backslash and one letter, and (at the same index) the letter.
   * Other control characters, and U+2028 and U+2029 (line ends to JavaScript), are written as
   * backslash-u escapes.
   */
  private static final String SHORT_ESCAPED = "\"\\\n\r\t\b\f";

  private static final String SHORT_ESCAPES = "\"\\nrtbf";

  private final StringBuilder out = new StringBuilder("{");

  private Json() {}

  static Json object() {
    return new Json();
  }

  Json put(String name, long value) {
    key(name).append(value);
    return this;
  }

  Json put(String name, double value) {
    key(name).append(number(value));
    return this;
  }

  Json put(String name, boolean value) {
    key(name).append(value);
    return this;
  }

  Json put(String name, String value) {
    StringBuilder b = key(name);
    if (value == null) {
      b.append("null");
    } else {
      quote(b, value);
    }
    return this;
  }

  private StringBuilder key(String name) {
    if (out.length() > 1) {
      out.append(", ");
    }
    quote(out, name);
    return out.append(':');
  }

  /** A JSON number for {@code v}, or {@code null} if it is not finite. */
  static String number(double v) {
    // Double.toString's forms ("0.25", "1.0E-5") are all valid JSON numbers.
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int shortEscape = SHORT_ESCAPED.indexOf(c);
      if (shortEscape >= 0) {
        b.append('\\').append(SHORT_ESCAPES.charAt(shortEscape));
      } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('"');
  }

  @Override
  public String toString() {
    return out + "}";
  }
}
