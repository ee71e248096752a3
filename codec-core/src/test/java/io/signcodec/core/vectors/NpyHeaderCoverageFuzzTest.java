package io.signcodec.core.vectors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.signcodec.core.MalformedInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzzing of the {@code .npy} header (docs/FUZZING.md): {@link NpyHeader#read} on
 * the input as the start of an npy file, and {@link PyLiteral#parseDict} on the input as a header
 * dict (Latin-1, from its first {@code '{'} on, so that the preamble of an npy seed is skipped).
 *
 * <p>Invariants: {@link PyLiteral#parseDict} returns a dict or throws a {@link ParseException}
 * whose offset lies within the text; {@link NpyHeader#read} returns a header or throws a
 * {@link MalformedInputException} (its subtypes included) that names the input; nothing else, no
 * {@link Error} (nesting is bounded, so no stack overflow). Round trips: a parsed dict printed
 * back as a Python literal parses to an equal dict; a parsed header written back as an npy
 * preamble of the same version reads back with the same type, dimension and row count.
 *
 * <p>Seeds ({@code NpyHeaderCoverageFuzzTestInputs/parseHeader}): NumPy-written files of the
 * test resources, and the preambles the tests' fixtures write for every version and dtype;
 * rewritten by {@link #writeSeeds}.
 */
class NpyHeaderCoverageFuzzTest {
  private static final String NAME = "fuzzed.npy";

  @FuzzTest(maxDuration = "10m")
  void parseHeader(byte[] input) {
    parseDict(input);
    readHeader(input);
  }

  /** Entry point of standalone Jazzer (corpus merge, docs/FUZZING.md). */
  public static void fuzzerTestOneInput(byte[] input) {
    new NpyHeaderCoverageFuzzTest().parseHeader(input);
  }

  private static void parseDict(byte[] input) {
    String all = new String(input, StandardCharsets.ISO_8859_1);
    String text = all.substring(Math.max(0, all.indexOf('{')));
    Map<String, Object> dict;
    try {
      dict = PyLiteral.parseDict(text);
    } catch (ParseException e) {
      if (e.getErrorOffset() < 0 || e.getErrorOffset() > text.length() || e.getMessage() == null) {
        throw new AssertionError(
            "offset " + e.getErrorOffset() + " outside a text of " + text.length(), e);
      }
      return;
    }
    String printed = print(dict);
    try {
      Map<String, Object> again = PyLiteral.parseDict(printed);
      if (!again.equals(dict) || !List.copyOf(again.keySet()).equals(List.copyOf(dict.keySet()))) {
        throw new AssertionError(printed + " parses to " + again + ", not " + dict);
      }
    } catch (ParseException e) {
      throw new AssertionError("printed dict " + printed + " does not parse", e);
    }
  }

  private static void readHeader(byte[] input) {
    NpyHeader h;
    try {
      h = NpyHeader.read(new ByteInput(new ByteArrayInputStream(input), null), NAME);
    } catch (MalformedInputException e) {
      if (e.getMessage() == null
          || !e.getMessage().contains("fuzzed.npy")
          || e.offset() < 0
          || e.offset() > input.length) {
        throw new AssertionError("message without the name or offset outside the input: " + e, e);
      }
      return;
    } catch (IOException e) {
      throw new AssertionError("undocumented exception " + e, e);
    }
    if (h.dataOffset > input.length || h.dimension < 1) {
      throw new AssertionError(
          "header of "
              + h.dimension
              + " ends at "
              + h.dataOffset
              + ", past the input's "
              + input.length
              + " bytes");
    }
    byte[] written =
        Fixtures.npyPreamble(
            h.majorVersion, Fixtures.dict(h.type.descr, "(" + h.rows + ", " + h.dimension + ")"));
    try {
      NpyHeader back = NpyHeader.read(new ByteInput(new ByteArrayInputStream(written), null), NAME);
      if (back.majorVersion != h.majorVersion
          || back.type != h.type
          || back.dimension != h.dimension
          || back.rows != h.rows
          || back.dataOffset != written.length) {
        throw new AssertionError("header written back reads differently");
      }
    } catch (IOException e) {
      throw new AssertionError("header written back does not read", e);
    }
  }

  /** {@code dict} as a Python literal, in the syntax {@link PyLiteral} reads. */
  static String print(Object value) {
    StringBuilder sb = new StringBuilder();
    print(value, sb);
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  private static void print(Object value, StringBuilder sb) {
    if (value instanceof Map) {
      sb.append('{');
      for (Map.Entry<String, Object> e : ((Map<String, Object>) value).entrySet()) {
        print(e.getKey(), sb);
        sb.append(": ");
        print(e.getValue(), sb);
        sb.append(", ");
      }
      sb.append('}');
    } else if (value instanceof String) {
      sb.append('\'');
      for (char c : ((String) value).toCharArray()) {
        if (c == '\'' || c == '\\' || c == '\n' || c == '\r') {
          sb.append('\\');
        }
        sb.append(c);
      }
      sb.append('\'');
    } else if (value instanceof Boolean) {
      sb.append((Boolean) value ? "True" : "False");
    } else if (value == PyLiteral.NONE) {
      sb.append("None");
    } else if (value instanceof Long) {
      sb.append(value);
    } else if (value instanceof PyLiteral.Tuple || value instanceof PyLiteral.PyList) {
      boolean tuple = value instanceof PyLiteral.Tuple;
      List<Object> items =
          tuple ? ((PyLiteral.Tuple) value).items() : ((PyLiteral.PyList) value).items();
      sb.append(tuple ? '(' : '[');
      for (int i = 0; i < items.size(); i++) {
        sb.append(i == 0 ? "" : ", ");
        print(items.get(i), sb);
      }
      sb.append(tuple && items.size() == 1 ? ",)" : tuple ? ")" : "]");
    } else {
      throw new AssertionError("PyLiteral returned a " + value.getClass().getName());
    }
  }

  /** NumPy's files and the fixtures' preambles, by seed file name. */
  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    for (String file : new String[] {"numpy_f32.npy", "numpy_one_vector.npy", "numpy_f64_be.npy"}) {
      byte[] b = Fixtures.resource(file);
      seeds.put(file, Arrays.copyOf(b, Math.min(b.length, 256)));
    }
    String[] descrs = {"<f4", ">f4", "<f8", ">f8", "|u1", "<i4", ">i4"};
    for (int major = 1; major <= 3; major++) {
      seeds.put(
          "v" + major + "-" + fileName(descrs[major]),
          Fixtures.npyPreamble(major, Fixtures.dict(descrs[major], "(5, 3)")));
      seeds.put(
          "v" + major + "-" + fileName(descrs[major + 3]),
          Fixtures.npyPreamble(major, Fixtures.dict(descrs[major + 3], "(7,)")));
    }
    seeds.put(
        "v1-python2",
        Fixtures.npyPreamble(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (1L, 4L), }"));
    seeds.put(
        "v1-structured-dtype",
        Fixtures.npyPreamble(
            1,
            "{'descr': [('x', '<f4'), ('y', [('z', '|u1')])], 'fortran_order': False,"
                + " 'shape': (), 'extra': None, \"q\\\"\": (-1, +2, [3]), }"));
    seeds.put(
        "v3-utf8",
        Fixtures.npyPreamble(
            3, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'ñ€': 'ü', }"));
    return seeds;
  }

  /** A dtype as a portable file name: {@code <f4} is {@code le-f4}. */
  private static String fileName(String descr) {
    return descr.replace("<", "le-").replace(">", "be-").replace("|", "");
  }

  /**
   * Rewrites the seed files: {@code mvn -pl codec-core test -Dtest=NpyHeaderCoverageFuzzTest
   * -Dfuzz.writeSeeds=src/test/resources -Dsurefire.failIfNoSpecifiedTests=false}.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = ".+")
  void writeSeeds() throws Exception {
    io.signcodec.core.FuzzInputs.writeSeeds(
        "io/signcodec/core/vectors/NpyHeaderCoverageFuzzTestInputs/parseHeader",
        seeds(),
        (name, seed) -> parseHeader(seed));
  }
}
