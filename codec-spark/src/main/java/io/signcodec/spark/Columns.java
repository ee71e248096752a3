package io.signcodec.spark;

import io.signcodec.core.Codebook;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Top-level columns by name, and the metadata of a code column. */
final class Columns {
  private Columns() {}

  /**
   * The index of top-level column {@code name}: the exact name, else, unless the session is case
   * sensitive ({@code spark.sql.caseSensitive}), the one column that matches ignoring case.
   *
   * @throws IllegalArgumentException if there is none, or several
   */
  static int index(Dataset<Row> df, String name) {
    int i = find(df, name);
    if (i < 0) {
      throw new IllegalArgumentException(
          "no column '" + name + "' in " + df.schema().simpleString());
    }
    return i;
  }

  /** Checks that no column is called {@code name}, as a column to be added must not be. */
  static void requireAbsent(Dataset<Row> df, String name) {
    Objects.requireNonNull(name, "column");
    if (find(df, name) >= 0) {
      throw new IllegalArgumentException(
          "column '"
              + name
              + "' already exists in "
              + df.schema().simpleString()
              + ": drop it first or choose another name");
    }
  }

  private static int find(Dataset<Row> df, String name) {
    Objects.requireNonNull(name, "column");
    StructField[] fields = df.schema().fields();
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equals(name)) {
        return i;
      }
    }
    if (Boolean.parseBoolean(df.sparkSession().conf().get("spark.sql.caseSensitive", "false"))) {
      return -1;
    }
    int found = -1;
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equalsIgnoreCase(name)) {
        if (found >= 0) {
          throw new IllegalArgumentException(
              "column '" + name + "' is ambiguous in " + df.schema().simpleString());
        }
        found = i;
      }
    }
    return found;
  }

  /** A reference to top-level column {@code name}, whatever characters it holds. */
  static Column col(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }

  /** The schema of {@code schema}'s fields but the one at {@code skip}. */
  static StructType without(StructType schema, int skip) {
    StructType rest = new StructType();
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      if (i != skip) {
        rest = rest.add(fields[i]);
      }
    }
    return rest;
  }

  /**
   * The metadata of a code column: the codebook under {@link SignCodecSpark#METADATA_KEY}, with the
   * entries {@code fingerprint}, {@code dimension}, {@code bits} and {@code codeBytes}.
   */
  static Metadata codeMetadata(Codebook codebook) {
    Metadata entry =
        new MetadataBuilder()
            .putString("fingerprint", codebook.fingerprintHex())
            .putLong("dimension", codebook.dimension())
            .putLong("bits", codebook.bits())
            .putLong("codeBytes", codebook.codeBytes())
            .build();
    return new MetadataBuilder().putMetadata(SignCodecSpark.METADATA_KEY, entry).build();
  }

  /** The fingerprint a code column's metadata records, or null if it records none. */
  static String fingerprint(StructField field) {
    Metadata metadata = field.metadata();
    if (!metadata.contains(SignCodecSpark.METADATA_KEY)) {
      return null;
    }
    try {
      Metadata entry = metadata.getMetadata(SignCodecSpark.METADATA_KEY);
      return entry.contains("fingerprint") ? entry.getString("fingerprint") : null;
    } catch (RuntimeException e) { // another library's entry under our key: not ours to read
      return null;
    }
  }
}
