package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.core.CodebookInfo;
import io.signcodec.core.DistortionBounds;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainEvalTest {
  static final int D = 16;
  static final int COUNT = 3000;

  @TempDir static Path dir;
  static float[] data;
  static Path fvecs;

  @BeforeAll
  static void files() throws IOException {
    data = TestFiles.gaussian(COUNT, D, 1);
    fvecs = TestFiles.fvecs(dir.resolve("train.fvecs"), data, D);
  }

  static String s(Path p) {
    return p.toString();
  }

  static double num(Map<String, Object> json, String key) {
    assertTrue(json.containsKey(key), () -> "no " + key + " in " + json);
    return (Double) json.get(key);
  }

  static Codebook read(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      return Codebook.read(in);
    }
  }

  @Test
  void trainPrintsItsNumbersAndEvalAgrees() throws IOException {
    Path cb = dir.resolve("r05.sgncb");
    Cli.Result train = Cli.train(fvecs, cb, "--rate", "0.5", "--seed", "7");
    assertEquals("", train.err());
    assertEquals(1, train.out().lines().count());
    Map<String, Object> t = train.json();
    assertEquals(
        List.of(
            "dim",
            "bits",
            "rate",
            "gainBits",
            "jointGain",
            "trainVectors",
            "trainNmse",
            "predictedNmse",
            "seconds",
            "fingerprint"),
        List.copyOf(t.keySet()));
    Codebook codebook = read(cb);
    assertEquals(codebook.gainBits(), num(t, "gainBits"), 0);
    assertEquals(codebook.gainSearchedJointly(), t.get("jointGain"));
    assertEquals(D, num(t, "dim"), 0);
    assertEquals(8, num(t, "bits"), 0);
    assertEquals(0.5, num(t, "rate"), 0);
    assertEquals(COUNT, num(t, "trainVectors"), 0);
    assertEquals(codebook.info().trainNmse(), num(t, "trainNmse"), 0);
    assertEquals(codebook.info().predictedNmse(), num(t, "predictedNmse"), 0);
    assertTrue(num(t, "seconds") >= 0);
    assertEquals(codebook.fingerprintHex(), t.get("fingerprint"));
    assertEquals(CodebookInfo.Method.TRAINED, codebook.info().method());
    assertEquals(7, codebook.info().seed());

    Cli.Result eval = Cli.run("eval", "--codebook", s(cb), "--input", s(fvecs));
    assertEquals(0, eval.exit(), eval::toString);
    assertEquals("", eval.err());
    Map<String, Object> e = eval.json();
    assertEquals(
        List.of(
            "vectors",
            "dim",
            "bits",
            "rate",
            "nmse",
            "predictedNmse",
            "limit",
            "shannon",
            "meanCosine"),
        List.copyOf(e.keySet()));
    assertEquals(COUNT, num(e, "vectors"), 0);
    assertEquals(D, num(e, "dim"), 0);
    assertEquals(8, num(e, "bits"), 0);
    assertEquals(0.5, num(e, "rate"), 0);
    assertEquals(num(t, "trainNmse"), num(e, "nmse"), 1e-3);
    assertEquals(num(t, "predictedNmse"), num(e, "predictedNmse"), 1e-3);
    assertEquals(DistortionBounds.signAutoencoderLimit(0.5), num(e, "limit"), 0);
    assertEquals(DistortionBounds.shannonBound(0.5), num(e, "shannon"), 0);
    double cos = num(e, "meanCosine");
    assertTrue(cos > 0.5 && cos < 1, "meanCosine " + cos);
    // The anisotropic data are easier than the isotropic limit.
    assertTrue(num(e, "nmse") < num(e, "limit"), eval::toString);
  }

  @Test
  void sameSeedSameCodebookOtherSeedAnother() throws IOException {
    Path a = dir.resolve("a.sgncb");
    Path b = dir.resolve("b.sgncb");
    Path c = dir.resolve("c.sgncb");
    Cli.train(fvecs, a, "--bits", "12");
    Cli.train(fvecs, b, "--bits", "12");
    Cli.train(fvecs, c, "--bits", "12", "--seed", "2");
    assertEquals(read(a), read(b));
    assertNotEquals(read(a), read(c));
    assertEquals(12, read(a).bits());
    assertEquals(1, read(a).info().seed());
  }

  @Test
  void maxVectorsLimitsTrainAndEval() throws IOException {
    Path cb = dir.resolve("max.sgncb");
    Cli.Result train = Cli.train(fvecs, cb, "--rate", "1", "--max-vectors", "500");
    assertEquals(500, num(train.json(), "trainVectors"), 0);
    assertEquals(500, read(cb).info().trainVectors());
    Cli.Result eval =
        Cli.run("eval", "--codebook", s(cb), "--input", s(fvecs), "--max-vectors", "500");
    assertEquals(0, eval.exit(), eval::toString);
    assertEquals(500, num(eval.json(), "vectors"), 0);
    assertEquals(num(train.json(), "trainNmse"), num(eval.json(), "nmse"), 1e-3);
    // More vectors than the file has: all of them.
    eval = Cli.run("eval", "--codebook", s(cb), "--input", s(fvecs), "--max-vectors", "99999");
    assertEquals(COUNT, num(eval.json(), "vectors"), 0);
  }

  @Test
  void isotropicUsesTheDataFreeForm() throws IOException {
    Path cb = dir.resolve("iso.sgncb");
    Cli.Result train = Cli.train(fvecs, cb, "--rate", "1", "--isotropic");
    Codebook codebook = read(cb);
    assertEquals(CodebookInfo.Method.ISOTROPIC, codebook.info().method());
    Cli.Result eval = Cli.run("eval", "--codebook", s(cb), "--input", s(fvecs));
    assertEquals(0, eval.exit(), eval::toString);
    assertEquals(num(train.json(), "trainNmse"), num(eval.json(), "nmse"), 1e-3);
  }

  @Test
  void readsEveryInputFormat() throws IOException {
    Path cb = dir.resolve("formats.sgncb");
    Cli.train(fvecs, cb, "--rate", "0.5");
    Cli.Result ref = Cli.run("eval", "--codebook", s(cb), "--input", s(fvecs));
    double nmse = num(ref.json(), "nmse");
    Path npy = TestFiles.npy(dir.resolve("x.npy"), data, D);
    Path npz = TestFiles.npz(dir.resolve("x.npz"), "emb", data, D);
    Path raw = TestFiles.raw(dir.resolve("x.f32"), data);
    Path gz = TestFiles.gzipFvecs(dir.resolve("x.fvecs.gz"), data, D);
    List<List<String>> inputs =
        List.of(
            List.of("--input", s(npy)),
            List.of("--input", s(npz), "--key", "emb"),
            List.of("--input", s(raw), "--dim", "16"),
            List.of("--input", s(gz)),
            List.of("--input", s(fvecs), "--dim", "16"));
    for (List<String> in : inputs) {
      String[] args =
          Stream.concat(Stream.of("eval", "--codebook", s(cb)), in.stream()).toArray(String[]::new);
      Cli.Result res = Cli.run(args);
      assertEquals(0, res.exit(), res::toString);
      assertEquals(nmse, num(res.json(), "nmse"), 0, in::toString);
      assertEquals(COUNT, num(res.json(), "vectors"), 0);
    }
  }

  // ---------------------------------------------------------------- errors

  /** Exit status 1, nothing on stdout, exactly one line on stderr, which contains all parts. */
  static void dataError(Cli.Result res, String... parts) {
    assertEquals(1, res.exit(), res::toString);
    assertEquals("", res.out(), res::toString);
    assertEquals(1, res.errLines().length, res::toString);
    for (String part : parts) {
      assertTrue(res.err().contains(part), () -> "no '" + part + "' in " + res);
    }
  }

  static void usageError(Cli.Result res, String firstLine) {
    assertEquals(2, res.exit(), res::toString);
    assertEquals("", res.out(), res::toString);
    assertTrue(res.errLines()[0].startsWith(firstLine), res::toString);
  }

  @Test
  void missingInputFile() {
    Path missing = dir.resolve("missing.fvecs");
    Path cb = dir.resolve("never.sgncb");
    dataError(
        Cli.run("train", "--input", s(missing), "--out", s(cb), "--rate", "1"),
        "signcodec train: " + missing + ": no such file or directory");
    assertFalse(Files.exists(cb));
    dataError(
        Cli.run("eval", "--codebook", s(missing), "--input", s(fvecs)),
        "signcodec eval: " + missing + ": no such file or directory");
  }

  @Test
  void nanInInput() throws IOException {
    float[] bad = data.clone();
    bad[1234 * D + 5] = Float.NaN;
    Path file = TestFiles.fvecs(dir.resolve("nan.fvecs"), bad, D);
    Path cb = dir.resolve("nan.sgncb");
    dataError(
        Cli.run("train", "--input", s(file), "--out", s(cb), "--rate", "1"),
        "signcodec train: " + file + ": vector 1234, component 5 is NaN (not finite)");
    assertFalse(Files.exists(cb));
    Path good = dir.resolve("good.sgncb");
    Cli.train(fvecs, good, "--rate", "1");
    dataError(
        Cli.run("eval", "--codebook", s(good), "--input", s(file)),
        "signcodec eval: " + file + ": vector 1234, component 5 is NaN (not finite)");
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.toString().endsWith(".partial")));
    }
  }

  @Test
  void badCodeLengthOptions() {
    Path cb = dir.resolve("never.sgncb");
    for (String rate : new String[] {"0", "-1", "8.5", "NaN"}) {
      usageError(
          Cli.run("train", "--input", s(fvecs), "--out", s(cb), "--rate", rate),
          "Invalid value for option '--rate': must be in (0, 8]");
    }
    usageError(
        Cli.run("train", "--input", s(fvecs), "--out", s(cb), "--rate", "half"),
        "Invalid value for option '--rate': 'half' is not a double");
    usageError(
        Cli.run("train", "--input", s(fvecs), "--out", s(cb), "--bits", "33", "--shallow"),
        "Invalid value for option '--bits': 33 bits is more than 2d = 32");
    usageError(
        Cli.run("train", "--input", s(fvecs), "--out", s(cb), "--bits", "129"),
        "Invalid value for option '--bits': 129 bits in 9 stages is more than a codebook of"
            + " dimension 16 may hold (128)");
    usageError(
        Cli.run("train", "--input", s(fvecs), "--out", s(cb), "--bits", "0"),
        "Invalid value for option '--bits': must be >= 1");
    usageError(
        Cli.run("train", "--input", s(fvecs), "--out", s(cb), "--rate", "1", "--bits", "8"),
        "Error: --rate=R, --bits=N are mutually exclusive");
    usageError(
        Cli.run("train", "--input", s(fvecs), "--out", s(cb)),
        "Error: Missing required argument (specify one of these): (--rate=R | --bits=N)");
    usageError(
        Cli.run("train", "--input", s(fvecs), "--out", s(cb), "--rate", "1", "--max-vectors", "0"),
        "Invalid value for option '--max-vectors': must be >= 1");
    usageError(
        Cli.run("train", "--input", s(fvecs), "--out", s(cb), "--rate", "1", "--fast"),
        "Unknown option: '--fast'");
    assertFalse(Files.exists(cb));
  }

  /**
   * {@code --gain-bits G} ends each code with G of its bits for the per-vector gain, which the
   * codebook and the output report; anything but 0 to 8 or auto, or with a codebook other than the
   * default, is a usage error.
   */
  @Test
  void gainBitsAreTakenFromTheCode() throws IOException {
    Path gained = dir.resolve("gain3.sgncb");
    Cli.Result train = Cli.train(fvecs, gained, "--rate", "2", "--gain-bits", "3");
    assertEquals(3, num(train.json(), "gainBits"), 0);
    assertEquals(32, num(train.json(), "bits"), 0);
    Codebook codebook = read(gained);
    assertEquals(3, codebook.gainBits());
    assertEquals(32, codebook.bits());
    assertEquals(false, train.json().get("jointGain"));
    assertFalse(codebook.gainSearchedJointly());
    Path joint = dir.resolve("joint3.sgncb");
    Cli.Result jointly = Cli.train(fvecs, joint, "--rate", "2", "--gain-bits", "3", "--joint-gain");
    assertEquals(true, jointly.json().get("jointGain"));
    assertTrue(read(joint).gainSearchedJointly());
    assertEquals(32, read(joint).bits());
    for (String noGain : new String[] {"0", "auto"}) {
      usageError(
          Cli.run(
              "train",
              "--input",
              s(fvecs),
              "--out",
              s(dir.resolve("j.sgncb")),
              "--rate",
              "2",
              "--gain-bits",
              noGain,
              "--joint-gain"),
          "--joint-gain needs --gain-bits from 1 to 8, not " + noGain);
    }
    Path none = dir.resolve("gain0.sgncb");
    assertEquals(
        0, num(Cli.train(fvecs, none, "--rate", "2", "--gain-bits", "0").json(), "gainBits"), 0);
    assertEquals(0, read(none).gainBits());
    Path x = dir.resolve("x.sgncb");
    for (String bad : new String[] {"9", "-1", "four"}) {
      usageError(
          Cli.run("train", "--input", s(fvecs), "--out", s(x), "--rate", "2", "--gain-bits", bad),
          "Invalid value for option '--gain-bits': must be 0 to 8 or auto, was " + bad);
    }
    usageError(
        Cli.run(
            "train",
            "--input",
            s(fvecs),
            "--out",
            s(x),
            "--rate",
            "1",
            "--isotropic",
            "--gain-bits",
            "4"),
        "--gain-bits applies to the default codebooks only");
    assertFalse(Files.exists(x));
  }

  @Test
  void aboveOneBitPerCoordinateTheCodeComesInStages() throws IOException {
    Path staged = dir.resolve("staged.sgncb");
    Path fast = dir.resolve("fast.sgncb");
    Path shallow = dir.resolve("shallow.sgncb");
    Path allocated = dir.resolve("allocated.sgncb");
    Cli.train(fvecs, staged, "--rate", "2", "--staged");
    // These vectors are not centred, so by default the mean's direction would take 8 of the 32
    // bits (for search); the squared error is compared without it.
    Cli.train(fvecs, allocated, "--rate", "2", "--mean-bits", "0");
    usageError(
        Cli.run(
            "train",
            "--input",
            s(fvecs),
            "--out",
            s(dir.resolve("x.sgncb")),
            "--rate",
            "2",
            "--mean-bits",
            "9"),
        "Invalid value for option '--mean-bits': must be 0 to 8 or auto, was 9");
    usageError(
        Cli.run(
            "train",
            "--input",
            s(fvecs),
            "--out",
            s(dir.resolve("x.sgncb")),
            "--rate",
            "2",
            "--staged",
            "--mean-bits",
            "4"),
        "--mean-bits applies to the default");
    usageError(
        Cli.run(
            "train",
            "--input",
            s(fvecs),
            "--out",
            s(dir.resolve("x.sgncb")),
            "--rate",
            "2",
            "--staged",
            "--shallow"),
        "--shallow and --staged contradict");
    Cli.train(fvecs, fast, "--rate", "2", "--isotropic");
    Cli.train(fvecs, shallow, "--rate", "2", "--shallow");
    Codebook stagedCb;
    Codebook fastCb;
    try (java.io.InputStream in = Files.newInputStream(staged)) {
      stagedCb = Codebook.read(in);
    }
    try (java.io.InputStream in = Files.newInputStream(fast)) {
      fastCb = Codebook.read(in);
    }
    assertEquals(2, stagedCb.stageCount());
    assertTrue(fastCb.isStructured(), "--isotropic gives the structured form");
    double nmseStaged =
        (Double) Cli.run("eval", "--codebook", s(staged), "--input", s(fvecs)).json().get("nmse");
    double nmseShallow =
        (Double) Cli.run("eval", "--codebook", s(shallow), "--input", s(fvecs)).json().get("nmse");
    assertTrue(nmseStaged < nmseShallow, nmseStaged + " vs shallow " + nmseShallow);
    double nmseAllocated =
        (Double)
            Cli.run("eval", "--codebook", s(allocated), "--input", s(fvecs)).json().get("nmse");
    assertTrue(nmseAllocated < nmseStaged, nmseAllocated + " vs staged " + nmseStaged);
    Codebook allocatedCb;
    try (java.io.InputStream in = Files.newInputStream(allocated)) {
      allocatedCb = Codebook.read(in);
    }
    assertTrue(allocatedCb.isAllocated(), "the default allocates bits over directions");
  }

  @Test
  void corruptCodebooks() throws IOException {
    Path good = dir.resolve("ok.sgncb");
    Cli.train(fvecs, good, "--rate", "1");
    byte[] bytes = Files.readAllBytes(good);

    byte[] flipped = bytes.clone();
    flipped[100] ^= 0x10;
    Path corrupt = Files.write(dir.resolve("flipped.sgncb"), flipped);
    dataError(
        Cli.run("eval", "--codebook", s(corrupt), "--input", s(fvecs)),
        "signcodec eval: " + corrupt + ": ",
        "CRC32C");

    Path truncated =
        Files.write(
            dir.resolve("truncated.sgncb"), java.util.Arrays.copyOf(bytes, bytes.length - 10));
    dataError(
        Cli.run("eval", "--codebook", s(truncated), "--input", s(fvecs)),
        "signcodec eval: " + truncated + ": ",
        "byte offset");

    Path notOne = Files.write(dir.resolve("text.sgncb"), "hello, world\n".repeat(20).getBytes());
    dataError(
        Cli.run("eval", "--codebook", s(notOne), "--input", s(fvecs)),
        "signcodec eval: " + notOne + ": ",
        "not a signcodec codebook");

    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 3);
    Path trailing = Files.write(dir.resolve("trailing.sgncb"), longer);
    dataError(
        Cli.run("eval", "--codebook", s(trailing), "--input", s(fvecs)),
        "signcodec eval: "
            + trailing
            + ": unexpected bytes after the codebook (at byte offset "
            + bytes.length
            + ")");
  }

  @Test
  void dimensionMismatchBetweenFileAndCodebook() throws IOException {
    Path cb = dir.resolve("d16.sgncb");
    Cli.train(fvecs, cb, "--rate", "1");
    Path d24 = TestFiles.gaussianFvecs(dir.resolve("d24.fvecs"), 100, 24, 3);
    dataError(
        Cli.run("eval", "--codebook", s(cb), "--input", s(d24)),
        "signcodec eval: "
            + d24
            + ": vectors have dimension 24, but codebook "
            + cb
            + " is for dimension 16");
  }

  @Test
  void rawInputNeedsTheRightDim() throws IOException {
    Path raw = TestFiles.raw(dir.resolve("vectors.bin"), data);
    Path cb = dir.resolve("raw.sgncb");
    usageError(
        Cli.run("train", "--input", s(raw), "--out", s(cb), "--rate", "1"),
        "Cannot tell the format of '" + raw + "' from its name");
    // 3000 × 16 floats are not a whole number of 28-float vectors.
    dataError(
        Cli.run("train", "--input", s(raw), "--out", s(cb), "--rate", "1", "--dim", "28"),
        "signcodec train: " + raw + ": ");
    usageError(
        Cli.run("train", "--input", s(raw), "--out", s(cb), "--rate", "1", "--dim", "0"),
        "Invalid value for option '--dim': must be in 1..65536");
    assertFalse(Files.exists(cb));
    // A --dim that disagrees with a file that records its dimension.
    dataError(
        Cli.run("train", "--input", s(fvecs), "--out", s(cb), "--rate", "1", "--dim", "8"),
        "signcodec train: " + fvecs + ": row 0 has dimension 16, expected 8");
    Cli.train(raw, cb, "--rate", "1", "--dim", "16");
  }

  @Test
  void otherDataErrors() throws IOException {
    Path cb = dir.resolve("other.sgncb");
    Path npz = TestFiles.npz(dir.resolve("keys.npz"), "emb", data, D);
    dataError(
        Cli.run("train", "--input", s(npz), "--out", s(cb), "--rate", "1", "--key", "nope"),
        "signcodec train: " + npz + ": ",
        "nope");
    Path one = TestFiles.fvecs(dir.resolve("one.fvecs"), new float[D], D);
    dataError(
        Cli.run("train", "--input", s(one), "--out", s(cb), "--rate", "1"),
        "signcodec train: " + one + ": training needs at least 2 vectors, got 1");
    Path noDir = dir.resolve("no/such/dir/cb.sgncb");
    dataError(
        Cli.run("train", "--input", s(fvecs), "--out", s(noDir), "--rate", "1"),
        "signcodec train: " + noDir + ": directory ",
        "does not exist");
    Path empty = Files.write(dir.resolve("empty.fvecs"), new byte[0]);
    Cli.train(fvecs, cb, "--rate", "1");
    dataError(
        Cli.run("eval", "--codebook", s(cb), "--input", s(empty), "--dim", "16"),
        "signcodec eval: " + empty + ": contains no vectors");
  }

  @Test
  void libraryMessagesNameTheCommandLineOptions() throws IOException {
    // The core says how to read an empty .fvecs in Java terms (VectorFileOptions.withDimension).
    Path empty = Files.write(dir.resolve("nothing.fvecs"), new byte[0]);
    Path cb = dir.resolve("options.sgncb");
    Cli.train(fvecs, cb, "--rate", "1");
    Cli.Result res = Cli.run("eval", "--codebook", s(cb), "--input", s(empty));
    dataError(
        res,
        "signcodec eval: "
            + empty
            + ": empty input: an empty .fvecs file has no "
            + "vectors and so does not record their dimension; give the dimension with --dim to read "
            + "it as zero vectors");
    assertFalse(res.err().contains("VectorFileOptions"), res::toString);
    res =
        Cli.run(
            "encode",
            "--codebook",
            s(cb),
            "--input",
            s(empty),
            "--out",
            s(dir.resolve("nothing.sgnc")));
    dataError(res, "signcodec encode: " + empty + ": ", "give the dimension with --dim");
    assertFalse(res.err().contains("VectorFileOptions"), res::toString);
    assertFalse(Files.exists(dir.resolve("nothing.sgnc")));
  }

  @Test
  void verbosePrintsTheStackTrace() throws IOException {
    Path missing = dir.resolve("missing.fvecs");
    Cli.Result res =
        Cli.run(
            "train",
            "--input",
            s(missing),
            "--out",
            s(dir.resolve("v.sgncb")),
            "--rate",
            "1",
            "--verbose");
    assertEquals(1, res.exit(), res::toString);
    assertTrue(res.errLines()[0].endsWith(missing + ": no such file or directory"), res::toString);
    assertTrue(res.errLines().length > 3, res::toString);
    assertTrue(res.err().contains("NoSuchFileException"), res::toString);
  }
}
