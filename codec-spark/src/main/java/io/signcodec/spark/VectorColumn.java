package io.signcodec.spark;

import java.io.Serializable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * How a vector column reaches a task: as the typed object {@code X} its Spark encoder makes, and
 * from there into a batch of floats.
 *
 * <p>Arrays arrive as {@code float[]} or {@code double[]}, which Spark's encoders copy out of its
 * row format in one piece (after a null check per element, in generated code, when the type allows
 * null elements); a {@code Row} would hand them over as a Scala {@code List} of boxed numbers, one
 * object per component, and take them back the same way to write the result (at d = 768 that costs
 * 17 to 20 µs of CPU per row more: a quarter to nearly half of the whole encode). ML vectors arrive
 * as the {@code Vector} objects their UDT makes, which hold a {@code double[]} already.
 *
 * @param <X> what a task receives per row
 */
abstract class VectorColumn<X> implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String ML_VECTOR = "org.apache.spark.ml.linalg.Vector";
  private static final String OLD_MLLIB_VECTOR = "org.apache.spark.mllib.linalg.Vector";

  /** The input for column {@code field}, from its type alone. */
  static VectorColumn<?> of(StructField field) {
    DataType type = field.dataType();
    if (type instanceof ArrayType) {
      DataType element = ((ArrayType) type).elementType();
      if (element.equals(DataTypes.FloatType)) {
        return new FloatArrays();
      }
      if (element.equals(DataTypes.DoubleType)) {
        return new DoubleArrays();
      }
    } else if (type instanceof UserDefinedType) {
      String userClass = ((UserDefinedType<?>) type).userClass().getName();
      if (userClass.equals(ML_VECTOR)) {
        return new MlVectorRows(field.name());
      }
      if (userClass.equals(OLD_MLLIB_VECTOR)) {
        throw new IllegalArgumentException(
            "column '"
                + field.name()
                + "' holds vectors of the "
                + "RDD-based org.apache.spark.mllib API; convert them with MLUtils"
                + ".convertVectorColumnsToML first");
      }
    }
    throw new IllegalArgumentException(
        "column '"
            + field.name()
            + "' is "
            + type.simpleString()
            + "; vectors must be array<float>, array<double> or an ML vector");
  }

  /** The encoder of {@code X} for column {@code field}. On the driver. */
  abstract Encoder<X> encoder(SparkSession spark, StructField field);

  /** The column the typed Dataset reads, from the input column. */
  Column select(Column column) {
    return column;
  }

  /** The input column again, from the column the typed Dataset wrote. */
  Column unselect(Column column) {
    return column;
  }

  /**
   * Copies {@code value} into {@code dst[offset..offset + dimension)}.
   *
   * @return null, or its defect if it is null or of another dimension (non-finite components are
   *     the encoder's to find, in one pass over the batch)
   */
  final String copy(X value, float[] dst, int offset, int dimension) {
    String defect = Defects.vector(length(value), dimension);
    if (defect == null) {
      narrow(value, dst, offset);
    }
    return defect;
  }

  /** The number of components of {@code value}, or -1 if it is null. */
  abstract int length(X value);

  /** Copies the components of {@code value}, not null, as floats into {@code dst} at offset. */
  abstract void narrow(X value, float[] dst, int offset);

  /** The first component of {@code value} (copied before) that does not code to a finite float. */
  abstract String nonFinite(X value);

  /** Copies {@code values}, narrowed to float, into {@code dst} at {@code offset}. */
  static void copyNarrowed(double[] values, float[] dst, int offset) {
    for (int k = 0; k < values.length; k++) {
      dst[offset + k] = (float) values[k];
    }
  }

  static final class FloatArrays extends VectorColumn<float[]> {
    private static final long serialVersionUID = 1L;

    @Override
    Encoder<float[]> encoder(SparkSession spark, StructField field) {
      return spark.implicits().newFloatArrayEncoder();
    }

    @Override
    int length(float[] value) {
      return value == null ? -1 : value.length;
    }

    @Override
    void narrow(float[] value, float[] dst, int offset) {
      System.arraycopy(value, 0, dst, offset, value.length);
    }

    @Override
    String nonFinite(float[] value) {
      return Defects.nonFinite(value);
    }
  }

  static final class DoubleArrays extends VectorColumn<double[]> {
    private static final long serialVersionUID = 1L;

    @Override
    Encoder<double[]> encoder(SparkSession spark, StructField field) {
      return spark.implicits().newDoubleArrayEncoder();
    }

    @Override
    int length(double[] value) {
      return value == null ? -1 : value.length;
    }

    @Override
    void narrow(double[] value, float[] dst, int offset) {
      copyNarrowed(value, dst, offset);
    }

    @Override
    String nonFinite(double[] value) {
      return Defects.nonFinite(value, null);
    }
  }

  /**
   * ML vectors, wrapped in a one-field struct: Spark has an encoder for a UDT only as a field of a
   * {@code Row}.
   */
  static final class MlVectorRows extends VectorColumn<Row> {
    private static final long serialVersionUID = 1L;

    private final String name;

    MlVectorRows(String name) {
      this.name = name;
    }

    @Override
    Encoder<Row> encoder(SparkSession spark, StructField field) {
      return Encoders.row(new StructType().add(name, field.dataType(), field.nullable()));
    }

    @Override
    Column select(Column column) {
      return functions.struct(column);
    }

    @Override
    Column unselect(Column column) {
      return column.getField(name);
    }

    @Override
    int length(Row value) {
      return MlVectors.size(value.get(0));
    }

    @Override
    void narrow(Row value, float[] dst, int offset) {
      MlVectors.narrow(value.get(0), dst, offset);
    }

    @Override
    String nonFinite(Row value) {
      return MlVectors.nonFinite(value.get(0));
    }
  }
}
