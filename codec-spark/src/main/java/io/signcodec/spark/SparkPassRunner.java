package io.signcodec.spark;

import io.signcodec.core.train.PassAccumulator;
import io.signcodec.core.train.PassRunner;
import io.signcodec.core.train.TrainingPass;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Runs each pass of a training as one Spark job over the partitions of an RDD of vector batches:
 * the pass is broadcast, every partition feeds its batches in order to an accumulator of its own,
 * and the accumulators are merged in partition order — on the executors, a fixed number at a time
 * ({@value #FAN_IN}), by a tree of {@code groupByKey} levels, then the last few on the driver.
 * Merging in index order, not in the order tasks finish (as {@code treeAggregate} would), makes
 * training deterministic for a given partitioning, and with one partition exactly the local
 * training.
 *
 * <p>Passes and accumulators travel as their own Java serialization, as bytes, whatever the job's
 * {@code spark.serializer}: an accumulator's open block is flushed by its {@code writeObject},
 * which Kryo's field serializer would skip, and Kryo cannot build the passes at all (records, whose
 * fields it cannot set). At most {@value #FAN_IN} accumulators are in memory at once in a merging
 * task.
 */
final class SparkPassRunner implements PassRunner {
  /** Accumulators merged by one task of the merge tree. */
  static final int FAN_IN = 8;

  private final IntFunction<JavaRDD<VectorBatch>> batches;
  private final int dimension;
  private int passes;

  /**
   * @param batches the vectors of each pass (numbered from 0), in batches; every pass must yield
   *     the same vectors in the same partitions
   */
  SparkPassRunner(IntFunction<JavaRDD<VectorBatch>> batches, int dimension) {
    this.batches = batches;
    this.dimension = dimension;
  }

  /** Passes run so far. */
  int passes() {
    return passes;
  }

  @Override
  public <A extends PassAccumulator<A>> A run(TrainingPass<A> pass) throws IOException {
    if (pass.dimension() != dimension) {
      throw new IllegalArgumentException(
          "the pass reads dimension " + pass.dimension() + ", the column has " + dimension);
    }
    JavaRDD<VectorBatch> vectors = batches.apply(passes++);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(vectors.context());
    Broadcast<byte[]> shipped = jsc.broadcast(serialize(pass));
    try {
      JavaPairRDD<Integer, byte[]> parts =
          vectors
              .mapPartitionsWithIndex(
                  (index, it) -> {
                    A accumulator =
                        SparkPassRunner.<TrainingPass<A>>deserialize(shipped.value())
                            .newAccumulator();
                    while (it.hasNext()) {
                      VectorBatch batch = it.next();
                      accumulator.add(batch.vectors(), 0, batch.count());
                    }
                    return Collections.singletonList(new Tuple2<>(index, serialize(accumulator)))
                        .iterator();
                  },
                  true)
              .mapToPair(t -> t);
      long count = vectors.getNumPartitions();
      while (count > FAN_IN) {
        long groups = (count + FAN_IN - 1) / FAN_IN;
        parts =
            parts
                .mapToPair(t -> new Tuple2<>(t._1() / FAN_IN, t))
                .groupByKey((int) groups)
                .mapToPair(group -> new Tuple2<>(group._1(), serialize(mergeInOrder(group._2()))));
        count = groups;
      }
      List<Tuple2<Integer, byte[]>> last = new ArrayList<>(parts.collect());
      last.sort(Comparator.comparing(Tuple2::_1));
      A merged = pass.newAccumulator();
      for (Tuple2<Integer, byte[]> part : last) {
        merged.merge(deserialize(part._2()));
      }
      return merged;
    } finally {
      shipped.destroy();
    }
  }

  /** Merges the accumulators of one group in the order of their indexes. */
  private static <A extends PassAccumulator<A>> A mergeInOrder(
      Iterable<Tuple2<Integer, byte[]>> group) {
    List<Tuple2<Integer, byte[]>> sorted = new ArrayList<>();
    group.forEach(sorted::add);
    sorted.sort(Comparator.comparing(Tuple2::_1));
    Iterator<Tuple2<Integer, byte[]>> it = sorted.iterator();
    A merged = deserialize(it.next()._2());
    while (it.hasNext()) {
      merged.merge(deserialize(it.next()._2()));
    }
    return merged;
  }

  static byte[] serialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @SuppressWarnings("unchecked")
  static <A> A deserialize(byte[] bytes) {
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes)) {
          // Executors load the job's jars in the context class loader, not the system one.
          @Override
          protected Class<?> resolveClass(ObjectStreamClass desc)
              throws IOException, ClassNotFoundException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) {
              return super.resolveClass(desc);
            }
            try {
              return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
              return super.resolveClass(desc);
            }
          }
        }) {
      return (A) in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("accumulator class not on this JVM's class path", e);
    }
  }
}
