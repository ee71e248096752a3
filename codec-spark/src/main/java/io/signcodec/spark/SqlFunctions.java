package io.signcodec.spark;

import io.signcodec.core.Codebook;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * The SQL functions {@code <prefix>_encode} and {@code <prefix>_decode}. Spark calls a Java UDF
 * once per row with the value converted to a Java object: an array as a Scala {@code Seq} of boxed
 * numbers, which these unbox one by one; an ML vector as itself.
 */
final class SqlFunctions {
  private SqlFunctions() {}

  /** Whether spark-mllib-local is on the classpath, so that a value may be an ML vector. */
  private static final boolean ML_VECTORS = present(VectorColumn.ML_VECTOR);

  static void register(SparkSession spark, Codebook codebook, String prefix) {
    ShippedCodebook shipped = ShippedCodebook.broadcast(spark, codebook);
    spark
        .udf()
        .register(
            prefix + "_encode", new Encode(shipped, prefix + "_encode"), DataTypes.BinaryType);
    spark
        .udf()
        .register(
            prefix + "_decode",
            new Decode(shipped, prefix + "_decode"),
            DataTypes.createArrayType(DataTypes.FloatType, false));
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, SqlFunctions.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * A function of one value under the broadcast {@link #codebook()}, {@link #name()} in SQL. A null
   * value gives null, as it does to SQL's own functions.
   *
   * @param <R> the result
   */
  interface CodebookFunction<R> extends UDF1<Object, R> {
    ShippedCodebook codebook();

    String name();

    /** The result for {@code value}, not null. */
    R apply(Object value);

    @Override
    default R call(Object value) {
      return value == null ? null : apply(value);
    }

    /** The failure for a value of a type the function does not take; {@code takes} says what. */
    default IllegalArgumentException refuse(String takes, Object value) {
      return new IllegalArgumentException(
          name() + " " + takes + ", not " + value.getClass().getName());
    }

    /** The failure for a value of the right type that cannot be coded. */
    default InvalidVectorException invalid(String defect) {
      TaskContext task = TaskContext.get();
      return InvalidVectorException.inFunction(
          name(), task == null ? -1 : task.partitionId(), defect);
    }
  }

  /** {@code <prefix>_encode(vector)}: the code. */
  record Encode(ShippedCodebook codebook, String name) implements CodebookFunction<byte[]> {
    @Override
    public byte[] apply(Object value) {
      int d = codebook.dimension();
      float[] vector = new float[d];
      String defect;
      if (value instanceof scala.collection.Seq) {
        defect = copy((scala.collection.Seq<?>) value, vector);
      } else if (ML_VECTORS && MlVectors.isVector(value)) {
        defect = MlVectors.copy(value, vector, 0, d);
        if (defect == null && Defects.nonFinite(vector) != null) {
          defect = MlVectors.nonFinite(value);
        }
      } else {
        throw refuse("encodes array<float>, array<double> or an ML vector", value);
      }
      if (defect != null) {
        throw invalid(defect);
      }
      return codebook.coders().encoder.encode(vector);
    }

    /** Unboxes {@code seq} into {@code vector}; its defect, or null. */
    private static String copy(scala.collection.Seq<?> seq, float[] vector) {
      String defect = Defects.dimension(seq.length(), vector.length);
      if (defect != null) {
        return defect;
      }
      scala.collection.Iterator<?> it = seq.iterator(); // apply(k) would walk a List from its head
      for (int k = 0; k < vector.length; k++) {
        Object x = it.next();
        if (x == null) {
          return Defects.nullComponent(k);
        }
        if (!(x instanceof Number)) {
          return "component " + k + " is a " + x.getClass().getName() + ", not a number";
        }
        double v = ((Number) x).doubleValue();
        vector[k] = (float) v;
        if (!Float.isFinite(vector[k])) {
          return Defects.nonFinite(new double[] {v}, new int[] {k});
        }
      }
      return null;
    }
  }

  /** {@code <prefix>_decode(code)}: the vector. */
  record Decode(ShippedCodebook codebook, String name) implements CodebookFunction<float[]> {
    @Override
    public float[] apply(Object value) {
      if (!(value instanceof byte[])) {
        throw refuse("decodes binary codes", value);
      }
      byte[] code = (byte[]) value;
      String defect = Defects.code(code, codebook.codeBytes());
      if (defect != null) {
        throw invalid(defect);
      }
      return codebook.coders().decoder.decode(code);
    }
  }
}
