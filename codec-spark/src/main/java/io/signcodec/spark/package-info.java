/**
 * signcodec for Apache Spark SQL 3.5: columns of sign codes. {@link
 * io.signcodec.spark.SignCodecSpark} encodes vector columns, decodes code columns, searches codes
 * by inner product and registers SQL functions; {@link io.signcodec.spark.SparkCodecOptions}
 * chooses whether invalid rows fail or are counted and dropped; {@link
 * io.signcodec.spark.InvalidVectorException} names the row that failed.
 *
 * <p>Spark is a provided dependency: the application or cluster brings spark-sql (and, for ML
 * vector columns, spark-mllib). The module depends on codec-core alone.
 */
package io.signcodec.spark;
