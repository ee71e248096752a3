package io.signcodec.cli;

import static io.signcodec.cli.TrainEvalTest.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.signcodec.core.Caps;
import io.signcodec.core.Codebook;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.MalformedInputException;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.stream.StreamHeader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every codebook form the CLI trains, at rates from 0.125 to the maximum: encode then decode
 * through the CLI gives what the library's decoder makes of the library encoder's codes.
 */
class RateGridTest {
  static final int D = 16;
  static final int COUNT = 200;
  static final double[] RATES = {0.125, 0.25, 0.5, 1, 1.5, 2, 3, 4, 6, Caps.MAX_STAGED_RATE};

  /** One stage holds at most 2 bits per coordinate. */
  static final double MAX_SHALLOW_RATE = 2;

  @TempDir static Path dir;
  static float[] data;
  static Path fvecs;

  /** How {@code train} is asked for a form: its flags and whether it is the structured form. */
  enum Form {
    TRAINED(List.of()),
    TRAINED_SHALLOW(List.of("--shallow")),
    ISOTROPIC(List.of("--isotropic")),
    ISOTROPIC_SHALLOW(List.of("--isotropic", "--shallow"));

    final List<String> flags;

    Form(List<String> flags) {
      this.flags = flags;
    }

    boolean shallow() {
      return flags.contains("--shallow");
    }

    /**
     * The CLI makes the isotropic form structured (fast transforms) when every stage has at most d
     * bits: always in stages, in one stage up to 1 bit per coordinate; a trained one is dense.
     */
    boolean structured(double rate) {
      return flags.contains("--isotropic") && (!shallow() || rate <= 1);
    }
  }

  static Stream<Arguments> grid() {
    List<Arguments> cases = new ArrayList<>();
    for (Form form : Form.values()) {
      for (double rate : RATES) {
        if (!form.shallow() || rate <= MAX_SHALLOW_RATE) {
          cases.add(Arguments.of(form, rate));
        }
      }
    }
    return cases.stream();
  }

  @BeforeAll
  static void files() throws IOException {
    data = TestFiles.gaussian(COUNT, D, 11);
    fvecs = TestFiles.fvecs(dir.resolve("x.fvecs"), data, D);
  }

  /**
   * Whether the core's container stream header takes a codebook of {@code bits} bits for dimension
   * {@code d}. A core whose header caps n below the staged codebooks' 8d could not decode their
   * containers, so the decode half of the grid is skipped where it refuses.
   */
  static boolean streamHeaderTakes(int d, int bits) {
    try {
      StreamHeader.parse(new StreamHeader(d, bits, 0L).toBytes());
      return true;
    } catch (MalformedInputException e) {
      return false;
    }
  }

  @ParameterizedTest(name = "{0} at rate {1}")
  @MethodSource("grid")
  void decodeThroughTheCliIsTheLibrarysDecode(Form form, double rate) throws IOException {
    String name = form.name().toLowerCase() + "-r" + rate;
    Path codebookPath = dir.resolve(name + ".sgncb");
    List<String> train =
        new ArrayList<>(
            List.of(
                "train",
                "--input",
                s(fvecs),
                "--out",
                s(codebookPath),
                "--rate",
                Double.toString(rate),
                "--quiet"));
    train.addAll(form.flags);
    Cli.Result res = Cli.run(train.toArray(String[]::new));
    assertEquals(0, res.exit(), res::toString);
    Codebook codebook = TrainEvalTest.read(codebookPath);
    assertEquals(Math.round(rate * D), codebook.bits());
    assertEquals(form.structured(rate), codebook.isStructured(), "structured form");

    Path container = dir.resolve(name + ".sgnc");
    res =
        Cli.run(
            "encode",
            "--codebook",
            s(codebookPath),
            "--input",
            s(fvecs),
            "--out",
            s(container),
            "--quiet");
    assertEquals(0, res.exit(), res::toString);

    assumeTrue(
        streamHeaderTakes(D, codebook.bits()),
        "the core's stream header refuses " + codebook.bits() + " bits at d = " + D);
    Path decoded = dir.resolve(name + ".fvecs");
    res =
        Cli.run(
            "decode",
            "--codebook",
            s(codebookPath),
            "--input",
            s(container),
            "--out",
            s(decoded),
            "--quiet");
    assertEquals(0, res.exit(), res::toString);

    byte[] codes = new byte[COUNT * codebook.codeBytes()];
    SignEncoder.of(codebook).encode(data, 0, codes, 0, COUNT);
    float[] expected = new float[COUNT * D];
    LinearDecoder.of(codebook).decode(codes, 0, expected, 0, COUNT);
    assertArrayEquals(expected, TestFiles.readAll(decoded));
  }
}
