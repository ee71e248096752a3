package io.signcodec.spark;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Reads the vectors of a column of {@code array<float>} or {@code array<double>}. */
final class RowVectors implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final String column;
  private final boolean doubles;

  private RowVectors(String column, boolean doubles) {
    this.column = column;
    this.doubles = doubles;
  }

  static RowVectors of(StructType schema, String column) {
    DataType type = schema.apply(column).dataType();
    if (type instanceof ArrayType a && (a.elementType().equals(DataTypes.FloatType)
        || a.elementType().equals(DataTypes.DoubleType))) {
      return new RowVectors(column, a.elementType().equals(DataTypes.DoubleType));
    }
    throw new IllegalArgumentException("column " + column + " is " + type.simpleString()
        + ", not array<float> or array<double>");
  }

  int length(Row row, int field) {
    return row.getList(field).size();
  }

  void read(Row row, int field, int dimension, float[] dst, int offset, int partition,
      long index) {
    if (row.isNullAt(field)) {
      throw new IllegalArgumentException(where(partition, index) + "null vector");
    }
    List<Object> values = row.getList(field);
    if (values.size() != dimension) {
      throw new IllegalArgumentException(where(partition, index) + "vector has length "
          + values.size() + ", expected " + dimension);
    }
    for (int k = 0; k < dimension; k++) {
      Object v = values.get(k);
      float x = v == null ? Float.NaN
          : doubles ? (float) ((Double) v).doubleValue() : (Float) v;
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException(where(partition, index) + "coordinate " + k + " is "
            + (v == null ? "null" : x));
      }
      dst[offset + k] = x;
    }
  }

  private String where(int partition, long index) {
    return "column " + column + ", partition " + partition + ", row " + index + ": ";
  }
}
