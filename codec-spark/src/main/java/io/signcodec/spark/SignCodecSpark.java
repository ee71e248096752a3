package io.signcodec.spark;

import io.signcodec.core.Codebook;
import io.signcodec.core.VectorChecks;
import io.signcodec.core.VectorSource;
import io.signcodec.core.train.CodebookTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import scala.Tuple3;

/**
 * signcodec on Spark SQL: trains a codebook on a vector column, encodes a vector column to a {@code
 * binary} column of sign codes, decodes codes back to {@code array<float>}, finds the top k codes
 * of queries by inner product, and registers the same encode and decode as SQL functions.
 *
 * <pre>{@code
 * Codebook codebook = SignCodecSpark.train(docs, "embedding",
 *     CodebookTrainer.builder().rate(1).build());      // or Codebook.read(in)
 * Dataset<Row> coded = SignCodecSpark.encode(docs, "embedding", "code", codebook)
 *     .drop("embedding");
 * coded.write().parquet("docs-coded");      // d = 768, r = 1: 100 bytes a vector, not 3 073
 * Dataset<Row> hits = SignCodecSpark.search(spark.read().parquet("docs-coded"),
 *     "code", "id", queries, 10, codebook);             // query, rank, id, score
 * }</pre>
 *
 * <p>Vector columns may be {@code array<float>}, {@code array<double>} (narrowed to float, as the
 * codecs work in float) or Spark ML vectors ({@code org.apache.spark.ml.linalg.Vector}, dense or
 * sparse). Tasks code in batches of {@link SparkCodecOptions#batchRows()} rows per call into the
 * core, and receive arrays as primitive arrays, not as rows of boxed numbers. The codebook is
 * broadcast once per call and read once per executor.
 *
 * <p>Training runs each pass of the trainer over the data (two for the default codebooks) as one
 * Spark job: every partition gathers the pass's statistics in the library's own mergeable
 * accumulator, the accumulators are merged in partition order, and the driver does the d×d work
 * between passes. The codebook is then the one {@link CodebookTrainer#train(VectorSource)} makes
 * from the same vectors: byte for byte from one partition, up to rounding from several, and the
 * same on every run with the same partitioning. The input is read once a pass: cache it if reading
 * it is costly. A pass's accumulators can be large (the default codebooks' second pass holds 48 KiB
 * per coded direction, 18 MiB at d = 384 and r ≥ 1), and at most {@value SparkPassRunner#FAN_IN} of
 * them are merged in one task.
 *
 * <p>A code column carries the codebook in its metadata under {@link #METADATA_KEY}: the entries
 * {@code fingerprint} ({@link Codebook#fingerprintHex()}), {@code dimension}, {@code bits} and
 * {@code codeBytes}. Spark keeps column metadata in Parquet files, so codes read back still name
 * their codebook, and {@link #decode} and {@link #search} refuse another codebook's codes before
 * they read a row.
 *
 * <p>A null, wrong-sized or non-finite vector, or a null or wrong-sized code, fails the task with
 * an {@link InvalidVectorException} naming the column, partition, row and defect; with {@link
 * SparkCodecOptions.Builder#skipInvalid} such rows are dropped and counted instead. Arguments the
 * driver can check (columns, types, codebooks, queries) throw {@link IllegalArgumentException} when
 * the method is called, before any job runs.
 *
 * <p>The result of encode and decode keeps the input's columns, in order, with their names, types
 * and metadata, and appends the new column; Spark reports every column of it as nullable.
 */
public final class SignCodecSpark {
  private SignCodecSpark() {}

  /** The key of a code column's metadata entry. */
  public static final String METADATA_KEY = "signcodec";

  /** The prefix of the SQL functions {@link #registerFunctions(SparkSession, Codebook)} adds. */
  public static final String DEFAULT_FUNCTION_PREFIX = "signcodec";

  /** Most hits (queries × k) one partition of a search returns, in one list. */
  private static final int MAX_CANDIDATES = 1 << 26;

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * A codebook trained by {@code trainer} on the vectors of column {@code vectorColumn}, each of
   * the length of the first non-null one. Invalid rows fail the training.
   *
   * @param vectorColumn a top-level column of {@code array<float>}, {@code array<double>} or ML
   *     vectors
   * @throws IllegalArgumentException if the column is missing, of another type or has no vector
   * @throws InvalidVectorException (as the cause of Spark's exception; see {@link
   *     InvalidVectorException#find}) at the first invalid row
   */
  public static Codebook train(Dataset<Row> df, String vectorColumn, CodebookTrainer trainer) {
    return train(df, vectorColumn, trainer, SparkCodecOptions.defaults());
  }

  /**
   * As {@link #train(Dataset, String, CodebookTrainer)}, with {@code options}: with {@link
   * SparkCodecOptions.Builder#skipInvalid} invalid rows are left out of every pass and counted
   * once.
   */
  public static Codebook train(
      Dataset<Row> df, String vectorColumn, CodebookTrainer trainer, SparkCodecOptions options) {
    requireArguments(df, trainer, "trainer", options);
    return SparkTraining.train(df, vectorColumn, trainer, false, options);
  }

  /**
   * The data-free codebook of {@code trainer} fitted to the mean and overall scale of column {@code
   * vectorColumn}, as {@link CodebookTrainer#trainIsotropic(VectorSource)} fits it: one pass for
   * the moments, one to measure the training NMSE.
   */
  public static Codebook trainIsotropic(
      Dataset<Row> df, String vectorColumn, CodebookTrainer trainer, SparkCodecOptions options) {
    requireArguments(df, trainer, "trainer", options);
    return SparkTraining.train(df, vectorColumn, trainer, true, options);
  }

  /**
   * {@code df} with column {@code codeColumn} appended: the code of each row's vector in {@code
   * vectorColumn}, under {@code codebook}. Invalid rows fail the task.
   *
   * @param vectorColumn a top-level column of {@code array<float>}, {@code array<double>} or ML
   *     vectors, of the codebook's dimension
   * @param codeColumn the name of the {@code binary} column to add, which must not exist
   * @throws IllegalArgumentException if a column is missing, of another type, or already there
   */
  public static Dataset<Row> encode(
      Dataset<Row> df, String vectorColumn, String codeColumn, Codebook codebook) {
    return encode(df, vectorColumn, codeColumn, codebook, SparkCodecOptions.defaults());
  }

  /** As {@link #encode(Dataset, String, String, Codebook)}, with {@code options}. */
  public static Dataset<Row> encode(
      Dataset<Row> df,
      String vectorColumn,
      String codeColumn,
      Codebook codebook,
      SparkCodecOptions options) {
    requireArguments(df, codebook, "codebook", options);
    int index = Columns.index(df, vectorColumn);
    Columns.requireAbsent(df, codeColumn);
    VectorColumn<?> input = VectorColumn.of(df.schema().fields()[index]);
    return encode(df, index, input, codeColumn, codebook, options);
  }

  private static <X> Dataset<Row> encode(
      Dataset<Row> df,
      int index,
      VectorColumn<X> input,
      String codeColumn,
      Codebook codebook,
      SparkCodecOptions options) {
    SparkSession spark = df.sparkSession();
    StructField field = df.schema().fields()[index];
    ShippedCodebook shipped = ShippedCodebook.broadcast(spark, codebook);
    Dataset<Tuple3<Row, X, byte[]>> coded =
        mapPartitions(
            df,
            index,
            input.select(Columns.col(field.name())),
            input.encoder(spark, field),
            new EncodePartition<>(shipped, input, field.name(), options),
            Encoders.BINARY());
    // The cast gives an array column back its element nullability, which the primitive array
    // dropped; Spark's optimizer removes it, as widening nullability changes no value.
    Column vector = input.unselect(functions.col("_2")).cast(field.dataType());
    return coded.select(
        columns(
            df, index, vector, functions.col("_3").as(codeColumn, Columns.codeMetadata(codebook))));
  }

  /**
   * {@code df} with column {@code vectorColumn} appended: each row's code in {@code codeColumn}
   * decoded under {@code codebook}, as {@code array<float>}. Invalid rows fail the task.
   *
   * @param codeColumn a top-level {@code binary} column of codes of {@code codebook}
   * @param vectorColumn the name of the column to add, which must not exist
   * @throws IllegalArgumentException if a column is missing, of another type or already there, or
   *     if the code column's metadata names another codebook's fingerprint
   */
  public static Dataset<Row> decode(
      Dataset<Row> df, String codeColumn, String vectorColumn, Codebook codebook) {
    return decode(df, codeColumn, vectorColumn, codebook, SparkCodecOptions.defaults());
  }

  /** As {@link #decode(Dataset, String, String, Codebook)}, with {@code options}. */
  public static Dataset<Row> decode(
      Dataset<Row> df,
      String codeColumn,
      String vectorColumn,
      Codebook codebook,
      SparkCodecOptions options) {
    requireArguments(df, codebook, "codebook", options);
    int index = codeColumn(df, codeColumn, codebook);
    Columns.requireAbsent(df, vectorColumn);
    SparkSession spark = df.sparkSession();
    String column = df.schema().fields()[index].name();
    ShippedCodebook shipped = ShippedCodebook.broadcast(spark, codebook);
    Dataset<Tuple3<Row, byte[], float[]>> decoded =
        mapPartitions(
            df,
            index,
            Columns.col(column),
            Encoders.BINARY(),
            new DecodePartition(shipped, column, options),
            spark.implicits().newFloatArrayEncoder());
    return decoded.select(
        columns(df, index, functions.col("_2"), functions.col("_3").as(vectorColumn)));
  }

  /**
   * The {@code k} codes of {@code codeColumn} with the largest inner products {@code ⟨q, x̂⟩} with
   * each query, computed on the codes as {@link io.signcodec.core.CodeScorer} computes them. Each
   * partition keeps its own top {@code k} of every query, and Spark merges them by query with a
   * window: one row per hit, ordered by query and rank.
   *
   * <p>Ties are broken by id, so the result is deterministic: rank orders by score descending (with
   * -0.0 equal to 0.0), then by id ascending (numbers by value, strings by code point). Ids should
   * be unique; equal ids with equal scores rank in either order.
   *
   * <p>Each task prepares every query once (one {@code n×d} product and {@code 256·⌈n/8⌉} floats of
   * tables per query: 96 KiB at 96-byte codes), so a task holds {@code queries.length} of those;
   * search many queries in groups of a few hundred.
   *
   * @param idColumn a top-level column of ids: {@code tinyint}, {@code smallint}, {@code int},
   *     {@code bigint} or {@code string}, never null
   * @param queries float vectors of the codebook's dimension, finite; copied
   * @return rows of ({@code query}: the query's index in {@code queries}, {@code rank}: from 1,
   *     {@code id}: of the id column's type, {@code score}: float), at most {@code k} per query
   * @throws IllegalArgumentException if a column is missing or of another type, if the code
   *     column's metadata names another codebook's fingerprint, if a query is invalid, or if {@code
   *     k < 1}
   */
  public static Dataset<Row> search(
      Dataset<Row> df,
      String codeColumn,
      String idColumn,
      float[][] queries,
      int k,
      Codebook codebook) {
    return search(df, codeColumn, idColumn, queries, k, codebook, SparkCodecOptions.defaults());
  }

  /**
   * As {@link #search(Dataset, String, String, float[][], int, Codebook)}, with {@code options}:
   * with {@link SparkCodecOptions.Builder#skipInvalid}, rows with a null id or an invalid code are
   * left out and counted.
   */
  public static Dataset<Row> search(
      Dataset<Row> df,
      String codeColumn,
      String idColumn,
      float[][] queries,
      int k,
      Codebook codebook,
      SparkCodecOptions options) {
    requireArguments(df, codebook, "codebook", options);
    float[][] q = checkQueries(queries, codebook.dimension());
    if (k < 1) {
      throw new IllegalArgumentException("k must be positive: " + k);
    }
    if ((long) q.length * k > MAX_CANDIDATES) {
      throw new IllegalArgumentException(
          q.length
              + " queries with k = "
              + k
              + " make more than "
              + MAX_CANDIDATES
              + " hits per partition");
    }
    int codeIndex = codeColumn(df, codeColumn, codebook);
    int idIndex = Columns.index(df, idColumn);
    StructField code = df.schema().fields()[codeIndex];
    StructField id = df.schema().fields()[idIndex];
    DataType idType = id.dataType();
    if (!(idType.equals(DataTypes.ByteType)
        || idType.equals(DataTypes.ShortType)
        || idType.equals(DataTypes.IntegerType)
        || idType.equals(DataTypes.LongType)
        || idType.equals(DataTypes.StringType))) {
      throw new IllegalArgumentException(
          "id column '"
              + id.name()
              + "' is "
              + idType.simpleString()
              + "; ids must be tinyint, smallint, int, bigint or string");
    }
    SparkSession spark = df.sparkSession();
    ShippedCodebook shipped = ShippedCodebook.broadcast(spark, codebook);
    Broadcast<float[][]> shippedQueries =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(q);
    StructType hits =
        new StructType()
            .add("query", DataTypes.IntegerType, false)
            .add("id", idType, false)
            .add("score", DataTypes.FloatType, false);
    Dataset<Row> candidates =
        df.select(Columns.col(id.name()).as("id"), Columns.col(code.name()).as("code"))
            .mapPartitions(
                new SearchPartition(shipped, shippedQueries, k, code.name(), id.name(), options),
                Encoders.row(hits));
    Column rank =
        functions
            .row_number()
            .over(
                Window.partitionBy(functions.col("query"))
                    .orderBy(functions.col("score").desc(), functions.col("id").asc()));
    return candidates
        .withColumn("rank", rank)
        .where(functions.col("rank").leq(k))
        .select("query", "rank", "id", "score")
        .orderBy("query", "rank");
  }

  /**
   * Registers the SQL functions {@code signcodec_encode(vector)}, which returns the {@code binary}
   * code of an {@code array<float>}, {@code array<double>} or ML vector, and {@code
   * signcodec_decode(code)}, which returns the {@code array<float>} it decodes to, both under
   * {@code codebook}, in {@code spark}'s session:
   *
   * <pre>{@code
   * SELECT id, signcodec_encode(embedding) AS code FROM docs
   * }</pre>
   *
   * <p>Both return null for null input, as SQL functions do, and throw {@link
   * InvalidVectorException} (naming the function and partition; a function sees no column or row)
   * for a wrong-sized or non-finite vector or a wrong-sized code. They code one row per call, and
   * Spark hands a Java function an array as a Scala {@code Seq} of boxed numbers, so they cost more
   * per row than {@link #encode} and {@link #decode}, which take batches of primitive arrays: use
   * those for bulk work, these for queries. The codebook is broadcast once, here. Registering again
   * replaces the functions.
   */
  public static void registerFunctions(SparkSession spark, Codebook codebook) {
    registerFunctions(spark, codebook, DEFAULT_FUNCTION_PREFIX);
  }

  /**
   * As {@link #registerFunctions(SparkSession, Codebook)}, as {@code <prefix>_encode} and {@code
   * <prefix>_decode}, so that several codebooks can have functions in one session.
   *
   * @param prefix a SQL identifier: letters, digits and underscores, not starting with a digit
   */
  public static void registerFunctions(SparkSession spark, Codebook codebook, String prefix) {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(codebook, "codebook");
    Objects.requireNonNull(prefix, "prefix");
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "prefix must be a SQL identifier ([A-Za-z_][A-Za-z0-9_]*): " + prefix);
    }
    SqlFunctions.register(spark, codebook, prefix);
  }

  /**
   * {@code df}'s rows through {@code task}, which receives each as (the struct of the other
   * columns, {@code in} of the column at {@code index}) and adds an {@code out}: rows of {@code
   * _1}, {@code _2} and {@code _3}, which {@link #columns} turns back into {@code df}'s columns.
   */
  private static <I, O> Dataset<Tuple3<Row, I, O>> mapPartitions(
      Dataset<Row> df,
      int index,
      Column in,
      Encoder<I> inEncoder,
      MapPartitionsFunction<Tuple2<Row, I>, Tuple3<Row, I, O>> task,
      Encoder<O> outEncoder) {
    Encoder<Row> rest = Encoders.row(restSchema(df, index));
    return df.select(rest(df, index).as("_1"), in.as("_2"))
        .as(Encoders.tuple(rest, inEncoder))
        .mapPartitions(task, Encoders.tuple(rest, inEncoder, outEncoder));
  }

  /**
   * A struct of {@code df}'s columns but the one at {@code skip}, which a task passes through
   * untouched. Spark has no encoder for an empty struct, so a frame of the one column gets a
   * placeholder field.
   */
  private static Column rest(Dataset<Row> df, int skip) {
    StructField[] fields = df.schema().fields();
    List<Column> columns = new ArrayList<>(fields.length);
    for (int i = 0; i < fields.length; i++) {
      if (i != skip) {
        columns.add(Columns.col(fields[i].name()));
      }
    }
    if (columns.isEmpty()) {
      columns.add(functions.lit(false).as(PLACEHOLDER));
    }
    return functions.struct(columns.toArray(new Column[0]));
  }

  private static final String PLACEHOLDER = "placeholder";

  /** The type of {@link #rest}. */
  private static StructType restSchema(Dataset<Row> df, int skip) {
    StructType rest = Columns.without(df.schema(), skip);
    return rest.fields().length == 0 ? rest.add(PLACEHOLDER, DataTypes.BooleanType, false) : rest;
  }

  /**
   * {@code df}'s columns, from the struct {@code _1} of the others and {@code at} for the one at
   * {@code index}, renamed and with their metadata, then {@code added}.
   */
  private static Column[] columns(Dataset<Row> df, int index, Column at, Column added) {
    StructField[] fields = df.schema().fields();
    Column[] columns = new Column[fields.length + 1];
    for (int i = 0; i < fields.length; i++) {
      Column c = i == index ? at : functions.col("_1").getField(fields[i].name());
      columns[i] = c.as(fields[i].name(), fields[i].metadata());
    }
    columns[fields.length] = added;
    return columns;
  }

  /**
   * The index of code column {@code name}, after checking its type and that its metadata, if it
   * names a codebook, names this one.
   */
  private static int codeColumn(Dataset<Row> df, String name, Codebook codebook) {
    int index = Columns.index(df, name);
    StructField field = df.schema().fields()[index];
    if (!field.dataType().equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException(
          "code column '"
              + field.name()
              + "' is "
              + field.dataType().simpleString()
              + ", not binary");
    }
    String recorded = Columns.fingerprint(field);
    if (recorded != null && !recorded.equals(codebook.fingerprintHex())) {
      throw new IllegalArgumentException(
          "code column '"
              + field.name()
              + "' holds codes of "
              + "codebook "
              + recorded
              + ", not of codebook "
              + codebook.fingerprintHex());
    }
    return index;
  }

  /** A copy of {@code queries}, checked: at least one, each of dimension d and finite. */
  private static float[][] checkQueries(float[][] queries, int dimension) {
    Objects.requireNonNull(queries, "queries");
    if (queries.length == 0) {
      throw new IllegalArgumentException("no queries");
    }
    float[][] copy = new float[queries.length][];
    for (int i = 0; i < queries.length; i++) {
      float[] q = queries[i];
      VectorChecks.checkDimension("query " + i, q, dimension);
      try {
        VectorChecks.checkFinite(q, 0, 1, dimension, i);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("queries: " + e.getMessage(), e);
      }
      copy[i] = q.clone();
    }
    return copy;
  }

  /** The null checks of every operation on a dataset: it, what it is coded with, the options. */
  private static void requireArguments(
      Dataset<Row> df, Object with, String withName, SparkCodecOptions options) {
    Objects.requireNonNull(df, "df");
    Objects.requireNonNull(with, withName);
    Objects.requireNonNull(options, "options");
  }
}
