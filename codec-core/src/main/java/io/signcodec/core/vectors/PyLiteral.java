package io.signcodec.core.vectors;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the Python literal dict in an {@code .npy} header, such as {@code {'descr':
 * '<f4', 'fortran_order': False, 'shape': (10, 96), }}.
 *
 * <p>It accepts the subset of Python literal syntax NumPy writes: a dict with string keys whose
 * values are strings, integers (with an optional Python 2 {@code L} suffix), {@code True}, {@code
 * False}, {@code None}, tuples and lists. Nesting is limited to {@value #MAX_DEPTH} levels so that
 * a hostile header cannot exhaust the stack. Errors carry the character index in the header.
 */
final class PyLiteral {
  static final int MAX_DEPTH = 16;

  /** A Python tuple. */
  record Tuple(List<Object> items) {}

  /** A Python list. */
  record PyList(List<Object> items) {}

  /** Python's {@code None}. */
  static final Object NONE =
      new Object() {
        @Override
        public String toString() {
          return "None";
        }
      };

  private final String s;
  private int pos;

  private PyLiteral(String s) {
    this.s = s;
  }

  /**
   * Parses {@code text} as one dict literal, optionally followed by whitespace.
   *
   * @throws ParseException naming what was expected, with the character index
   */
  static Map<String, Object> parseDict(String text) throws ParseException {
    PyLiteral p = new PyLiteral(text);
    p.skipSpace();
    if (!p.peek('{')) {
      throw p.error("expected '{' to start the header dict");
    }
    Map<String, Object> dict = p.dict(1);
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("unexpected " + p.describeNext() + " after the header dict");
    }
    return dict;
  }

  private Map<String, Object> dict(int depth) throws ParseException {
    expect('{');
    Map<String, Object> map = new LinkedHashMap<>();
    skipSpace();
    while (!peek('}')) {
      if (!peek('\'') && !peek('"')) {
        throw error("expected a quoted key or '}' in the header dict, found " + describeNext());
      }
      int keyPos = pos;
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      Object value = value(depth);
      if (map.putIfAbsent(key, value) != null) {
        pos = keyPos;
        throw error("duplicate key '" + key + "' in the header dict");
      }
      skipSpace();
      if (peek(',')) {
        pos++;
        skipSpace();
      } else if (!peek('}')) {
        throw error("expected ',' or '}' in the header dict, found " + describeNext());
      }
    }
    expect('}');
    return map;
  }

  private Object value(int depth) throws ParseException {
    if (pos >= s.length()) {
      throw error("expected a value, found the end of the header");
    }
    char c = s.charAt(pos);
    if (c == '\'' || c == '"') {
      return string();
    } else if (c == '(' || c == '[') {
      if (depth >= MAX_DEPTH) {
        throw error("values nested deeper than " + MAX_DEPTH + " levels");
      }
      char close = c == '(' ? ')' : ']';
      pos++;
      List<Object> items = new ArrayList<>();
      boolean sawComma = false;
      skipSpace();
      while (!peek(close)) {
        items.add(value(depth + 1));
        skipSpace();
        if (peek(',')) {
          pos++;
          sawComma = true;
          skipSpace();
        } else if (!peek(close)) {
          throw error("expected ',' or '" + close + "', found " + describeNext());
        }
      }
      pos++;
      if (c == '(' && items.size() == 1 && !sawComma) {
        return items.get(0); // (x) is just x in Python
      }
      List<Object> list = Collections.unmodifiableList(items);
      return c == '(' ? new Tuple(list) : new PyList(list);
    } else if (c == '{') {
      throw error("nested dicts are not supported in an npy header");
    } else if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
      return integer();
    } else if (Character.isLetter(c)) {
      int start = pos;
      while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
        pos++;
      }
      String word = s.substring(start, pos);
      switch (word) {
        case "True":
          return Boolean.TRUE;
        case "False":
          return Boolean.FALSE;
        case "None":
          return NONE;
        default:
          pos = start;
          throw error("unexpected name '" + abbreviate(word) + "'");
      }
    }
    throw error("expected a value, found " + describeNext());
  }

  private Long integer() throws ParseException {
    int start = pos;
    boolean negative = false;
    if (peek('-') || peek('+')) {
      negative = s.charAt(pos) == '-';
      pos++;
    }
    int digitsStart = pos;
    long value = 0;
    while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      int digit = s.charAt(pos) - '0';
      if (value > (Long.MAX_VALUE - digit) / 10) {
        pos = start;
        throw error("integer too large");
      }
      value = value * 10 + digit;
      pos++;
    }
    if (pos == digitsStart) {
      pos = start;
      throw error("expected digits");
    }
    if (peek('L') || peek('l')) {
      pos++;
    }
    if (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
      pos = start;
      throw error("not an integer literal");
    }
    return negative ? -value : value;
  }

  private String string() throws ParseException {
    char quote = s.charAt(pos);
    int start = pos;
    pos++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        pos = start;
        throw error("unterminated string");
      }
      char c = s.charAt(pos++);
      if (c == quote) {
        return sb.toString();
      } else if (c == '\\') {
        if (pos >= s.length()) {
          pos = start;
          throw error("unterminated string");
        }
        sb.append(s.charAt(pos++));
      } else if (c == '\n' || c == '\r') {
        pos = start;
        throw error("line break inside a string");
      } else {
        sb.append(c);
      }
    }
  }

  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
      pos++;
    }
  }

  private boolean peek(char c) {
    return pos < s.length() && s.charAt(pos) == c;
  }

  private void expect(char c) throws ParseException {
    if (!peek(c)) {
      throw error("expected '" + c + "', found " + describeNext());
    }
    pos++;
  }

  private String describeNext() {
    if (pos >= s.length()) {
      return "the end of the header";
    }
    char c = s.charAt(pos);
    if (c == '\'') {
      return "\"'\"";
    }
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("character U+%04X", (int) c);
  }

  private static String abbreviate(String word) {
    return word.length() <= 20 ? word : word.substring(0, 20) + "...";
  }

  private ParseException error(String message) {
    return new ParseException(message, pos);
  }
}
