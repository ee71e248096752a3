package io.signcodec.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.core.TestData;
import io.signcodec.core.VectorSource;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Each option of {@link CodebookTrainer.Builder} applies to some trainers only: set explicitly for
 * one it does not apply to, it is refused with a message naming the option and what it applies to,
 * never silently ignored; left at its default, it is never refused.
 */
class TrainerOptionsTest {
  private static final int D = 16;
  private static final float[] DATA = TestData.powerLaw(400, D, 1, 5);
  private static final TrainingListener HEARS_NOTHING = new TrainingListener() {};

  private static VectorSource source() {
    return VectorSource.of(DATA, D);
  }

  private static PassRunner runner() {
    return PassRunner.sequential(source(), TrainingListener.NONE);
  }

  /** The refusal's message, which must name each of {@code words}. */
  private static String refused(Executable call, String... words) {
    String message = assertThrows(IllegalStateException.class, call).getMessage();
    for (String word : words) {
      assertTrue(message.contains(word), "'" + word + "' not in: " + message);
    }
    return message;
  }

  @Test
  void theAscentsOptionsAreRefusedForTheAllocatedCodebook() {
    refused(
        () -> CodebookTrainer.builder().rate(1).maxSteps(20).build(),
        "maxSteps",
        "gradient ascent",
        "sign codes",
        "allocated");
    refused(
        () -> CodebookTrainer.builder().bits(9).seed(3).tolerance(0).build(),
        "tolerance",
        "sign codes",
        "allocated");
    // stages(...) chooses the sign codes; rate(...) after it goes back to the allocation.
    refused(
        () -> CodebookTrainer.builder().stages(1, 0.5).rate(1).maxSteps(20).build(),
        "maxSteps",
        "allocated");
  }

  @Test
  void theAscentsOptionsAndStructuredHaveNoCallInCommon() {
    refused(
        () -> CodebookTrainer.builder().rate(0.5).shallow().maxSteps(20).structured().build(),
        "maxSteps",
        "structured()",
        "no call uses both");
    refused(
        () -> CodebookTrainer.builder().rate(2).staged().structured().tolerance(0).build(),
        "tolerance",
        "structured()");
  }

  @Test
  void meanDirectionBitsIsRefusedForTheSignCodes() {
    for (CodebookTrainer.Builder sign :
        new CodebookTrainer.Builder[] {
          CodebookTrainer.builder().rate(1).shallow(),
          CodebookTrainer.builder().rate(1).staged(),
          CodebookTrainer.builder().stages(1, 0.5)
        }) {
      refused(
          () -> sign.meanDirectionBits(0).build(), "meanDirectionBits", "allocated", "sign codes");
    }
    refused(
        () ->
            CodebookTrainer.builder()
                .rate(1)
                .meanDirectionBits(CodebookTrainer.MEAN_DIRECTION_AUTO)
                .structured()
                .build(),
        "meanDirectionBits",
        "structured()",
        "no call uses both");
  }

  @Test
  void meanDirectionBitsIsRefusedByTheDataFreeForms() {
    CodebookTrainer trainer = CodebookTrainer.builder().rate(1).meanDirectionBits(8).build();
    refused(() -> trainer.isotropic(D), "meanDirectionBits", "allocated", "isotropic(dimension)");
    refused(
        () -> trainer.trainIsotropic(source()),
        "meanDirectionBits",
        "trainIsotropic(VectorSource)");
    refused(
        () -> trainer.trainIsotropic(D, runner()),
        "meanDirectionBits",
        "trainIsotropic(dimension, runner)");
  }

  @Test
  void structuredIsRefusedByTraining() {
    for (CodebookTrainer trainer :
        new CodebookTrainer[] {
          CodebookTrainer.builder().rate(1).structured().build(),
          CodebookTrainer.builder().rate(1).staged().structured().build()
        }) {
      refused(() -> trainer.train(source()), "structured()", "data-free", "train(VectorSource)");
      refused(
          () -> trainer.train(D, runner()),
          "structured()",
          "data-free",
          "train(dimension, runner)");
    }
  }

  @Test
  void theAscentsOptionsAreRefusedByADataFreeFormWithoutAscent() throws IOException {
    // Staged by default: stages of at most d bits, rotations that need no ascent.
    CodebookTrainer staged = CodebookTrainer.builder().rate(1.5).staged().maxSteps(20).build();
    String message = refused(() -> staged.isotropic(D), "maxSteps", "isotropic(dimension)");
    assertTrue(message.contains(Arrays.toString(new int[] {D, D / 2})), message);
    refused(() -> staged.trainIsotropic(source()), "maxSteps", "trainIsotropic(VectorSource)");
    CodebookTrainer two = CodebookTrainer.builder().rate(2).shallow().tolerance(0).build();
    refused(() -> two.isotropic(D), "tolerance", "in dimension " + D);
    // Where the form does run the ascent (a frame of 1.5 d bits), the options apply.
    CodebookTrainer.Builder frame = CodebookTrainer.builder().rate(1.5).shallow();
    Codebook capped = frame.maxSteps(0).build().isotropic(D);
    Codebook free = CodebookTrainer.builder().rate(1.5).shallow().build().isotropic(D);
    assertFalse(Arrays.equals(capped.toByteArray(), free.toByteArray()));
    CodebookTrainer.builder().rate(1.5).shallow().tolerance(0).build().trainIsotropic(source());
    // And the training uses them whatever the dimension.
    staged.train(source());
  }

  @Test
  void aListenerThatWouldHearNothingIsRefused() throws IOException {
    CodebookTrainer allocated = CodebookTrainer.builder().rate(1).listener(HEARS_NOTHING).build();
    refused(
        () -> allocated.train(D, runner()),
        "listener",
        "train(dimension, runner)",
        "allocated",
        "runner reports the passes");
    refused(() -> allocated.isotropic(D), "listener", "isotropic(dimension)", "allocated");
    refused(
        () -> allocated.trainIsotropic(D, runner()),
        "listener",
        "trainIsotropic(dimension, runner)");
    CodebookTrainer structured =
        CodebookTrainer.builder().rate(1).staged().structured().listener(HEARS_NOTHING).build();
    refused(() -> structured.isotropic(D), "listener", "structured");
    // Where it hears the passes or the ascent, it is taken.
    allocated.train(source());
    allocated.trainIsotropic(source());
    structured.trainIsotropic(source());
    CodebookTrainer.builder().rate(1).shallow().listener(HEARS_NOTHING).build().train(D, runner());
    int[] steps = {0};
    CodebookTrainer.builder()
        .rate(1.5)
        .shallow()
        .maxSteps(7)
        .tolerance(0)
        .listener(
            new TrainingListener() {
              @Override
              public void step(int step, int maxSteps, double predictedNmse) {
                steps[0] = step;
              }
            })
        .build()
        .isotropic(D);
    assertEquals(7, steps[0]);
  }

  @Test
  void optionsLeftAtTheirDefaultsAreNeverRefused() throws IOException {
    for (CodebookTrainer.Builder b :
        new CodebookTrainer.Builder[] {
          CodebookTrainer.builder().rate(1),
          CodebookTrainer.builder().rate(1).shallow(),
          CodebookTrainer.builder().rate(1.5).staged(),
          CodebookTrainer.builder().stages(1, 0.5)
        }) {
      CodebookTrainer trainer = b.seed(4).build();
      trainer.train(source());
      trainer.train(D, runner());
      trainer.isotropic(D);
      trainer.trainIsotropic(source());
      trainer.trainIsotropic(D, runner());
      CodebookTrainer structured = b.structured().build();
      structured.isotropic(D);
      structured.trainIsotropic(D, runner());
    }
  }

  @Test
  void seedAppliesToEveryTrainerAndIsRecorded() throws IOException {
    assertEquals(
        9, CodebookTrainer.builder().rate(1).seed(9).build().train(source()).info().seed());
    assertEquals(
        9, CodebookTrainer.builder().rate(1).staged().seed(9).build().isotropic(D).info().seed());
    assertArrayEquals(
        CodebookTrainer.builder().rate(1).seed(9).structured().build().isotropic(D).toByteArray(),
        CodebookTrainer.builder().rate(1).seed(9).structured().build().isotropic(D).toByteArray());
  }
}
