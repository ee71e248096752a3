package io.signcodec.cli;

/**
 * A one-line JSON object, written field by field in the order added.
 *
 * <p>Doubles are written with {@link Double#toString(double)}, which gives enough digits to read
 * back the same double; NaN and infinities, which JSON cannot express, are written as {@code null}.
 * Strings are escaped as RFC 8259 requires (quote, backslash and control characters).
 */
final class Json {
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
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        case '\b':
          b.append("\\b");
          break;
        case '\f':
          b.append("\\f");
          break;
        default:
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }

  @Override
  public String toString() {
    return out + "}";
  }
}
