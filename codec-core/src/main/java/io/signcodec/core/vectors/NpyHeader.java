package io.signcodec.core.vectors;

import io.signcodec.core.Caps;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import io.signcodec.core.UnsupportedVersionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;
import java.util.Set;

/**
 * The header of a NumPy {@code .npy} file, as far as vectors need it.
 *
 * <p>Layout: the magic {@code \x93NUMPY}, a major and minor version byte, the header length (uint16
 * little-endian in version 1.0, uint32 in 2.0 and 3.0), then the header: a Python dict literal
 * (Latin-1, or UTF-8 in 3.0) with exactly the keys {@code descr}, {@code fortran_order} and {@code
 * shape}, padded with spaces and a newline. The data follows, row-major.
 */
final class NpyHeader {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

  final int majorVersion;
  final ElementType type;
  final int dimension;
  final long rows;

  /** Offset of the first data byte. */
  final long dataOffset;

  private NpyHeader(int majorVersion, ElementType type, int dimension, long rows, long dataOffset) {
    this.majorVersion = majorVersion;
    this.type = type;
    this.dimension = dimension;
    this.rows = rows;
    this.dataOffset = dataOffset;
  }

  /**
   * Reads and validates the header at the start of {@code in}, leaving it at the first data byte.
   */
  static NpyHeader read(ByteInput in, String name) throws IOException {
    String p = Messages.prefix(name);
    byte[] pre = new byte[12];
    int got = in.readHeader(pre, 0, 8);
    for (int i = 0; i < Math.min(got, MAGIC.length); i++) {
      if (pre[i] != MAGIC[i]) {
        throw new MalformedInputException(
            p
                + "not an npy file: byte "
                + i
                + " is "
                + String.format("0x%02X", pre[i] & 0xFF)
                + " where the magic \\x93NUMPY has "
                + String.format("0x%02X", MAGIC[i] & 0xFF),
            i);
      }
    }
    if (got < 8) {
      throw new TruncatedInputException(
          p
              + "Premature end of stream while reading the npy magic "
              + "and version: only "
              + got
              + " of 8 bytes are present",
          got);
    }
    int major = pre[6] & 0xFF;
    int minor = pre[7] & 0xFF;
    if (major < 1 || major > 3) {
      throw new UnsupportedVersionException(
          "npy format" + (name == null ? "" : " in " + name), major, 3, 6);
    }
    if (minor != 0) {
      throw new MalformedInputException(
          p
              + "unsupported npy format version "
              + major
              + "."
              + minor
              + " (this library reads 1.0, 2.0 and 3.0)",
          7);
    }
    int lengthBytes = major == 1 ? 2 : 4;
    got = in.readHeader(pre, 8, lengthBytes);
    if (got < lengthBytes) {
      throw new TruncatedInputException(
          p
              + "Premature end of stream while reading the npy "
              + "header length: only "
              + got
              + " of "
              + lengthBytes
              + " bytes are present",
          8 + got);
    }
    long headerLength =
        major == 1
            ? (pre[8] & 0xFF) | (pre[9] & 0xFF) << 8
            : ElementType.int32LE(pre, 8) & 0xFFFFFFFFL;
    if (headerLength > Caps.MAX_NPY_HEADER_LENGTH) {
      throw new MalformedInputException(
          p
              + "npy header length "
              + headerLength
              + " exceeds the cap of "
              + Caps.MAX_NPY_HEADER_LENGTH
              + " bytes",
          8);
    }
    long headerStart = 8 + lengthBytes;
    byte[] header = new byte[(int) headerLength];
    got = in.readHeader(header, 0, header.length);
    if (got < header.length) {
      throw new TruncatedInputException(
          p
              + "Premature end of stream while reading the npy header "
              + "(starting at byte "
              + headerStart
              + "): only "
              + got
              + " of its "
              + headerLength
              + " bytes are present",
          headerStart + got);
    }
    String text;
    if (major == 3) {
      try {
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(header))
                .toString();
      } catch (CharacterCodingException e) {
        throw new MalformedInputException(p + "npy 3.0 header is not valid UTF-8", headerStart, e);
      }
    } else {
      text = new String(header, StandardCharsets.ISO_8859_1);
    }
    Map<String, Object> dict;
    try {
      dict = PyLiteral.parseDict(text);
    } catch (ParseException e) {
      int index = e.getErrorOffset();
      long offset =
          headerStart
              + (major == 3
                  ? text.substring(0, index).getBytes(StandardCharsets.UTF_8).length
                  : index);
      throw new MalformedInputException(
          p
              + "malformed npy header: "
              + e.getMessage()
              + " at character "
              + index
              + " of the header",
          offset,
          e);
    }
    for (String key : KEYS) {
      if (!dict.containsKey(key)) {
        throw new MalformedInputException(
            p + "npy header lacks the key '" + key + "'", headerStart);
      }
    }
    for (String key : dict.keySet()) {
      if (!KEYS.contains(key)) {
        throw new MalformedInputException(
            p
                + "npy header has the unexpected key '"
                + abbreviate(key)
                + "' (expected only 'descr', 'fortran_order' and 'shape')",
            headerStart);
      }
    }
    ElementType type = type(dict.get("descr"), p, headerStart);
    Object fortran = dict.get("fortran_order");
    if (!(fortran instanceof Boolean)) {
      throw new MalformedInputException(
          p + "npy header 'fortran_order' must be True or False, not " + describe(fortran),
          headerStart);
    }
    Object shapeValue = dict.get("shape");
    if (!(shapeValue instanceof PyLiteral.Tuple)) {
      throw new MalformedInputException(
          p + "npy header 'shape' must be a tuple, not " + describe(shapeValue), headerStart);
    }
    java.util.List<Object> shape = ((PyLiteral.Tuple) shapeValue).items();
    for (Object dim : shape) {
      if (!(dim instanceof Long) || (Long) dim < 0) {
        throw new MalformedInputException(
            p + "npy header 'shape' " + describe(shapeValue) + " must hold non-negative integers",
            headerStart);
      }
    }
    long rows;
    long dimension;
    if (shape.size() == 1) {
      rows = 1;
      dimension = (Long) shape.get(0);
    } else if (shape.size() == 2) {
      rows = (Long) shape.get(0);
      dimension = (Long) shape.get(1);
    } else {
      throw new MalformedInputException(
          p
              + "npy array of shape "
              + describe(shapeValue)
              + " has "
              + shape.size()
              + " dimensions; vectors are read only from shape (d,) (one "
              + "vector) or (n, d)",
          headerStart);
    }
    if (dimension < 1 || dimension > Caps.MAX_DIMENSION) {
      throw new MalformedInputException(
          p
              + "npy array of shape "
              + describe(shapeValue)
              + " has vector dimension "
              + dimension
              + ", outside the supported range 1.."
              + Caps.MAX_DIMENSION,
          headerStart);
    }
    long rowBytes = dimension * type.size;
    if (rows > Long.MAX_VALUE / rowBytes) {
      throw new MalformedInputException(
          p
              + "npy array of shape "
              + describe(shapeValue)
              + " has more bytes than a stream can hold",
          headerStart);
    }
    if ((Boolean) fortran && rows > 1 && dimension > 1) {
      throw new MalformedInputException(
          p
              + "npy array of shape "
              + describe(shapeValue)
              + " is stored in Fortran (column-major) order, which is not supported; save it with "
              + "numpy.ascontiguousarray",
          headerStart);
    }
    return new NpyHeader(major, type, (int) dimension, rows, headerStart + headerLength);
  }

  private static ElementType type(Object descr, String p, long offset)
      throws MalformedInputException {
    if (descr instanceof PyLiteral.PyList) {
      throw new MalformedInputException(
          p
              + "npy array has a structured dtype (a list 'descr'), "
              + "which is not supported; supported dtypes: "
              + ElementType.supportedDescrs(),
          offset);
    }
    if (!(descr instanceof String)) {
      throw new MalformedInputException(
          p + "npy header 'descr' must be a string, not " + describe(descr), offset);
    }
    ElementType type = ElementType.forDescr((String) descr);
    if (type == null) {
      throw new MalformedInputException(
          p
              + "unsupported npy dtype '"
              + abbreviate((String) descr)
              + "'; supported dtypes: "
              + ElementType.supportedDescrs(),
          offset);
    }
    return type;
  }

  /** A short Python-like rendering of a parsed header value, for messages. */
  static String describe(Object value) {
    String s;
    if (value instanceof String) {
      s = "'" + value + "'";
    } else if (value instanceof Boolean) {
      s = (Boolean) value ? "True" : "False";
    } else if (value instanceof PyLiteral.Tuple) {
      java.util.List<Object> items = ((PyLiteral.Tuple) value).items();
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < items.size() && sb.length() < 80; i++) {
        sb.append(i == 0 ? "" : ", ").append(describe(items.get(i)));
      }
      s = sb.append(items.size() == 1 ? ",)" : ")").toString();
    } else if (value instanceof PyLiteral.PyList) {
      s = "a list";
    } else {
      s = String.valueOf(value);
    }
    return abbreviate(s);
  }

  private static String abbreviate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }
}
