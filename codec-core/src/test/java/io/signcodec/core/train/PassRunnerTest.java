package io.signcodec.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.core.TestData;
import io.signcodec.core.VectorSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Training through a {@link PassRunner} that splits the vectors into parts, as a cluster job does:
 * each part's accumulator is serialized and read back before the parts are merged in order. One
 * part gives the codebook of {@link CodebookTrainer#train(io.signcodec.core.VectorSource)} byte for
 * byte; several give the same codebook up to rounding.
 */
class PassRunnerTest {
  private static final int D = 48;
  private static final int COUNT = 6_000;
  private static final float[] DATA = TestData.powerLaw(COUNT, D, 1, 11);

  /** Runs every pass on {@code parts} consecutive slices, each accumulator serialized. */
  static final class PartitionedRunner implements PassRunner {
    final float[] vectors;
    final int d;
    final int parts;
    int passes;

    PartitionedRunner(float[] vectors, int d, int parts) {
      this.vectors = vectors;
      this.d = d;
      this.parts = parts;
    }

    @Override
    public <A extends PassAccumulator<A>> A run(TrainingPass<A> pass) throws IOException {
      passes++;
      TrainingPass<A> shipped = roundTrip(pass);
      int count = vectors.length / d;
      A merged = null;
      for (int p = 0; p < parts; p++) {
        int from = (int) ((long) count * p / parts);
        int to = (int) ((long) count * (p + 1) / parts);
        A part = shipped.newAccumulator();
        // Batches of an odd size: the result must not depend on the batching.
        for (int i = from; i < to; i += 77) {
          part.add(vectors, i * d, Math.min(77, to - i));
        }
        A travelled = roundTrip(part);
        if (merged == null) {
          merged = pass.newAccumulator();
        }
        merged.merge(travelled);
      }
      return merged;
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<Arguments> trainers() {
    return Stream.of(
        // moments, histograms, then GAIN_AUTO's two: the gain's fit and the recall
        Arguments.of("allocated r=1", CodebookTrainer.builder().rate(1).build(), 7),
        Arguments.of("allocated r=2.5", CodebookTrainer.builder().rate(2.5).build(), 7),
        Arguments.of("allocated gain 3", CodebookTrainer.builder().rate(1).gainBits(3).build(), 3),
        Arguments.of(
            "allocated mean 8, no gain",
            CodebookTrainer.builder().rate(0.5).meanDirectionBits(8).gainBits(0).build(),
            2),
        Arguments.of(
            "shallow r=0.5", CodebookTrainer.builder().rate(0.5).shallow().maxSteps(30).build(), 2),
        Arguments.of(
            "staged r=2", CodebookTrainer.builder().rate(2).staged().maxSteps(30).build(), 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trainers")
  void onePartIsTheLocalCodebookByteForByte(String name, CodebookTrainer trainer, int passes)
      throws IOException {
    Codebook local = trainer.train(VectorSource.of(DATA, D));
    PartitionedRunner runner = new PartitionedRunner(DATA, D, 1);
    Codebook distributed = trainer.train(D, runner);
    assertArrayEquals(local.toByteArray(), distributed.toByteArray(), name);
    assertEquals(passes, runner.passes, "passes over the data");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trainers")
  void partsMergeIntoTheSameTraining(String name, CodebookTrainer trainer, int passes)
      throws IOException {
    Codebook local = trainer.train(VectorSource.of(DATA, D));
    Codebook distributed = trainer.train(D, new PartitionedRunner(DATA, D, 7));
    double a = local.info().trainNmse();
    double b = distributed.info().trainNmse();
    if (trainer.allocates()) {
      // Moments and histograms merge up to rounding: the same allocation and levels.
      assertArrayEquals(local.stageBits(), distributed.stageBits(), name);
      assertEquals(a, b, 1e-6, name);
      float[] x = Arrays.copyOf(DATA, 500 * D);
      assertEquals(TestData.nmse(local, x), TestData.nmse(distributed, x), 1e-6, name);
    } else {
      // The decoder refit holds out every 8th vector of each part, not of the whole.
      assertEquals(a, b, 0.02 * a, name);
    }
  }

  @Test
  void theDataFreeFormTrainsThroughARunner() throws IOException {
    CodebookTrainer trainer = CodebookTrainer.builder().rate(1.5).structured().build();
    Codebook local = trainer.trainIsotropic(VectorSource.of(DATA, D));
    assertArrayEquals(
        local.toByteArray(),
        trainer.trainIsotropic(D, new PartitionedRunner(DATA, D, 1)).toByteArray());
    Codebook parts = trainer.trainIsotropic(D, new PartitionedRunner(DATA, D, 5));
    assertEquals(local.info().trainNmse(), parts.info().trainNmse(), 1e-9);
    assertArrayEquals(local.mean(), parts.mean(), 1e-6f);
  }

  @Test
  void aRunnerThatDropsVectorsOnALaterPassIsAnError() {
    CodebookTrainer trainer = CodebookTrainer.builder().rate(1).build();
    PassRunner shrinking =
        new PassRunner() {
          int pass;

          @Override
          public <A extends PassAccumulator<A>> A run(TrainingPass<A> p) throws IOException {
            A a = p.newAccumulator();
            a.add(DATA, 0, pass++ == 0 ? COUNT : COUNT - 1);
            return a;
          }
        };
    IOException e = assertThrows(IOException.class, () -> trainer.train(D, shrinking));
    assertEquals(
        "the source yielded "
            + (COUNT - 1)
            + " vectors on a later pass, "
            + COUNT
            + " on its first",
        e.getMessage());
  }

  @Test
  void aTravelledAccumulatorMergesButDoesNotAdd() throws IOException {
    Passes.Histograms pass =
        new Passes.Histograms(2, new float[] {1, 0}, new float[2], new double[] {1});
    ProjectionHistograms h = roundTrip(pass.newAccumulator());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> h.add(new float[2], 0, 1));
    assertTrue(e.getMessage().contains("only merge"), e.getMessage());
    h.merge(pass.newAccumulator());
    assertEquals(0, h.count());
  }

  @Test
  void aNonFiniteVectorIsRefusedByEveryPass() {
    float[] bad = Arrays.copyOf(DATA, 10 * D);
    bad[3 * D + 5] = Float.NaN;
    Codebook codebook = CodebookTrainer.builder().rate(1).build().isotropic(D);
    for (TrainingPass<?> pass :
        Arrays.<TrainingPass<?>>asList(
            new Passes.Moments(D),
            new Passes.Scale(D),
            new Passes.Measure(codebook),
            new Passes.Refit(codebook, new float[D], 8),
            new Passes.Histograms(D, Arrays.copyOf(DATA, D), new float[D], new double[] {1}))) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> pass.newAccumulator().add(bad, 0, 10),
              pass.toString());
      assertTrue(
          e.getMessage().contains("vector 3") && e.getMessage().contains("5"),
          pass.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  @Test
  void aCodebookSerializesAsItsFormatBytes() throws IOException {
    Codebook codebook = CodebookTrainer.builder().rate(2).build().train(VectorSource.of(DATA, D));
    Codebook back = roundTrip(codebook);
    assertEquals(codebook, back);
    assertArrayEquals(codebook.toByteArray(), back.toByteArray());
    Codebook isotropic = CodebookTrainer.builder().rate(1).staged().build().isotropic(D);
    assertArrayEquals(isotropic.toByteArray(), roundTrip(isotropic).toByteArray());

    // The serialized bytes are checked on the way in like a file's.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(codebook);
    }
    byte[] stream = bytes.toByteArray();
    stream[stream.length - 40] ^= 0x10;
    InvalidObjectException e =
        assertThrows(
            InvalidObjectException.class,
            () -> {
              try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(stream))) {
                in.readObject();
              } catch (ClassNotFoundException c) {
                throw new AssertionError(c);
              }
            });
    assertTrue(e.getMessage().startsWith("serialized codebook: "), e.getMessage());
    assertNotEquals(null, e.getCause());
  }
}
