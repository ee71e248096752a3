package io.signcodec.spark;

/**
 * What is wrong with one vector or code, worded as the core's checks word it, or null when nothing
 * is. Invalid rows are rare, so these run only after a batch was refused or on the value at hand,
 * never over every row.
 */
final class Defects {
  private Defects() {}

  /** A vector's defect: null ({@code length} -1), or not of the expected dimension. */
  static String vector(int length, int expected) {
    return length < 0 ? "vector is null" : dimension(length, expected);
  }

  static String dimension(int got, int expected) {
    return got == expected ? null : "vector has dimension " + got + ", expected " + expected;
  }

  /** A code's defect: null, or not of the codebook's length. */
  static String code(byte[] code, int expected) {
    if (code == null) {
      return "code is null";
    }
    return code.length == expected
        ? null
        : "code has " + code.length + " bytes, codebook expects " + expected;
  }

  /** The first component that is not finite, as {@code VectorChecks.checkFinite} words it. */
  static String nonFinite(float[] v) {
    for (int k = 0; k < v.length; k++) {
      if (!Float.isFinite(v[k])) {
        return notFinite(k, v[k]);
      }
    }
    return null;
  }

  /** The first component whose float narrowing is not finite; {@code index} maps positions. */
  static String nonFinite(double[] v, int[] index) {
    for (int j = 0; j < v.length; j++) {
      double x = v[j];
      if (!Float.isFinite((float) x)) {
        int k = index == null ? j : index[j];
        return Double.isFinite(x)
            ? "component " + k + " is " + x + " (beyond the float range)"
            : notFinite(k, x);
      }
    }
    return null;
  }

  static String notFinite(int component, double value) {
    return "component " + component + " is " + value + " (not finite)";
  }

  static String nullComponent(int component) {
    return "component " + component + " is null";
  }
}
