package io.signcodec.cli;

import static io.signcodec.cli.TrainEvalTest.dataError;
import static io.signcodec.cli.TrainEvalTest.s;
import static io.signcodec.cli.TrainEvalTest.usageError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.Codebook;
import io.signcodec.core.Distortion;
import io.signcodec.core.LinearDecoder;
import io.signcodec.core.SignEncoder;
import io.signcodec.core.stream.SignStreamReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncodeDecodeTest {
  static final int D = 24;
  static final int COUNT = 5000; // more than one container block (4096 vectors)

  @TempDir static Path dir;
  static float[] data;
  static Path fvecs;
  static Path codebookPath;
  static Codebook codebook;
  static Path container;

  @BeforeAll
  static void files() throws IOException {
    data = TestFiles.gaussian(COUNT, D, 5);
    fvecs = TestFiles.fvecs(dir.resolve("x.fvecs"), data, D);
    codebookPath = dir.resolve("cb.sgncb");
    Cli.train(fvecs, codebookPath, "--rate", "0.75");
    codebook = TrainEvalTest.read(codebookPath);
    container = dir.resolve("x.sgnc");
    Cli.Result encode =
        Cli.run(
            "encode", "--codebook", s(codebookPath), "--input", s(fvecs), "--out", s(container));
    assertEquals(0, encode.exit(), encode::toString);
  }

  /** The codes in the container, read with the library. */
  static byte[] codesOf(Path file, Codebook cb) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (InputStream in = Files.newInputStream(file);
        SignStreamReader reader = new SignStreamReader(in, cb)) {
      byte[] codes = new byte[1000 * cb.codeBytes()];
      int n;
      while ((n = reader.readCodes(codes, 0, 1000)) >= 0) {
        all.write(codes, 0, n * cb.codeBytes());
      }
      assertTrue(reader.complete());
    }
    return all.toByteArray();
  }

  @Test
  void encodeWritesTheEncodersCodes() throws IOException {
    Cli.Result res =
        Cli.run(
            "encode",
            "--codebook",
            s(codebookPath),
            "--input",
            s(fvecs),
            "--out",
            s(dir.resolve("again.sgnc")));
    assertEquals(0, res.exit(), res::toString);
    assertEquals("", res.err());
    Map<String, Object> json = res.json();
    assertEquals(List.of("vectors", "dim", "bits", "bytes", "seconds"), List.copyOf(json.keySet()));
    assertEquals(COUNT, (Double) json.get("vectors"), 0);
    assertEquals(D, (Double) json.get("dim"), 0);
    assertEquals(18, (Double) json.get("bits"), 0);
    assertEquals(Files.size(container), (Double) json.get("bytes"), 0);

    byte[] expected = new byte[COUNT * codebook.codeBytes()];
    SignEncoder.of(codebook).encode(data, 0, expected, 0, COUNT);
    assertArrayEquals(expected, codesOf(container, codebook));
  }

  @Test
  void decodeEqualsTheLinearDecoder() throws IOException {
    byte[] codes = codesOf(container, codebook);
    float[] expected = new float[COUNT * D];
    LinearDecoder.of(codebook).decode(codes, 0, expected, 0, COUNT);
    for (String name : new String[] {"y.fvecs", "y.npy", "Y.NPY"}) {
      Path out = dir.resolve(name);
      Cli.Result res =
          Cli.run(
              "decode", "--codebook", s(codebookPath), "--input", s(container), "--out", s(out));
      assertEquals(0, res.exit(), res::toString);
      assertEquals("", res.err());
      Map<String, Object> json = res.json();
      assertEquals(List.of("vectors", "dim", "seconds"), List.copyOf(json.keySet()));
      assertEquals(COUNT, (Double) json.get("vectors"), 0);
      assertEquals(D, (Double) json.get("dim"), 0);
      assertArrayEquals(expected, TestFiles.readAll(out), name);
    }
    // The round trip's error is eval's.
    Distortion distortion = new Distortion(D);
    distortion.add(data, 0, expected, 0, COUNT);
    Cli.Result eval = Cli.run("eval", "--codebook", s(codebookPath), "--input", s(fvecs));
    assertEquals(distortion.nmse(), (Double) eval.json().get("nmse"), 1e-12);
  }

  @Test
  void encodeReadsOtherFormats() throws IOException {
    Path npy = TestFiles.npy(dir.resolve("x.npy"), data, D);
    Path out = dir.resolve("from-npy.sgnc");
    Cli.Result res =
        Cli.run("encode", "--codebook", s(codebookPath), "--input", s(npy), "--out", s(out));
    assertEquals(0, res.exit(), res::toString);
    assertArrayEquals(Files.readAllBytes(container), Files.readAllBytes(out));
  }

  @Test
  void emptyInputGivesAnEmptyContainer() throws IOException {
    Path empty = TestFiles.npy(dir.resolve("empty.npy"), new float[0], D);
    Path out = dir.resolve("empty.sgnc");
    Cli.Result res =
        Cli.run("encode", "--codebook", s(codebookPath), "--input", s(empty), "--out", s(out));
    assertEquals(0, res.exit(), res::toString);
    assertEquals(0, (Double) res.json().get("vectors"), 0);
    Path back = dir.resolve("empty-back.npy");
    res = Cli.run("decode", "--codebook", s(codebookPath), "--input", s(out), "--out", s(back));
    assertEquals(0, res.exit(), res::toString);
    assertEquals(0, TestFiles.readAll(back).length);
  }

  // ---------------------------------------------------------------- errors

  @Test
  void truncatedContainer() throws IOException {
    byte[] bytes = Files.readAllBytes(container);
    for (int cut : new int[] {10, 100, bytes.length / 2, bytes.length - 5}) {
      Path truncated = Files.write(dir.resolve("cut" + cut + ".sgnc"), Arrays.copyOf(bytes, cut));
      for (String ext : new String[] {"fvecs", "npy"}) {
        Path out = dir.resolve("cut" + cut + "." + ext);
        Cli.Result res =
            Cli.run(
                "decode", "--codebook", s(codebookPath), "--input", s(truncated), "--out", s(out));
        dataError(
            res, "signcodec decode: " + truncated + ": ", "premature end of stream", "byte offset");
        assertFalse(Files.exists(out), "no partial output");
      }
    }
  }

  @Test
  void corruptContainer() throws IOException {
    byte[] bytes = Files.readAllBytes(container);
    bytes[200] ^= 1;
    Path corrupt = Files.write(dir.resolve("corrupt.sgnc"), bytes);
    dataError(
        Cli.run(
            "decode",
            "--codebook",
            s(codebookPath),
            "--input",
            s(corrupt),
            "--out",
            s(dir.resolve("corrupt.fvecs"))),
        "signcodec decode: " + corrupt + ": block 0 is corrupt: stored CRC32C");
    dataError(
        Cli.run(
            "decode",
            "--codebook",
            s(codebookPath),
            "--input",
            s(fvecs),
            "--out",
            s(dir.resolve("notone.fvecs"))),
        "signcodec decode: " + fvecs + ": not a signcodec stream: bad magic");
    byte[] longer = Arrays.copyOf(Files.readAllBytes(container), (int) Files.size(container) + 1);
    Path trailing = Files.write(dir.resolve("trailing.sgnc"), longer);
    dataError(
        Cli.run(
            "decode",
            "--codebook",
            s(codebookPath),
            "--input",
            s(trailing),
            "--out",
            s(dir.resolve("trailing.fvecs"))),
        "signcodec decode: "
            + trailing
            + ": unexpected bytes after the end marker (a container "
            + "file holds one stream)");
    assertFalse(Files.exists(dir.resolve("trailing.fvecs")), "no output");
  }

  @Test
  void codebookMismatchOnDecode() throws IOException {
    Path other = dir.resolve("other.sgncb");
    Cli.train(fvecs, other, "--rate", "0.75", "--seed", "9");
    Path out = dir.resolve("mismatch.fvecs");
    Cli.Result res =
        Cli.run("decode", "--codebook", s(other), "--input", s(container), "--out", s(out));
    dataError(
        res,
        "signcodec decode: "
            + container
            + ": stream was written with codebook "
            + codebook.fingerprintHex(),
        "not " + TrainEvalTest.read(other).fingerprintHex(),
        "(--codebook " + other + ")");
    assertFalse(Files.exists(out));
  }

  @Test
  void encodeErrors() throws IOException {
    Path d16 = TestFiles.gaussianFvecs(dir.resolve("d16.fvecs"), 10, 16, 1);
    Path out = dir.resolve("bad.sgnc");
    dataError(
        Cli.run("encode", "--codebook", s(codebookPath), "--input", s(d16), "--out", s(out)),
        "signcodec encode: "
            + d16
            + ": vectors have dimension 16, but codebook "
            + codebookPath
            + " is for dimension 24");
    float[] bad = data.clone();
    bad[4500 * D + 3] = Float.POSITIVE_INFINITY;
    Path inf = TestFiles.fvecs(dir.resolve("inf.fvecs"), bad, D);
    dataError(
        Cli.run("encode", "--codebook", s(codebookPath), "--input", s(inf), "--out", s(out)),
        "signcodec encode: " + inf + ": vector 4500, component 3 is Infinity (not finite)");
    assertFalse(Files.exists(out), "no partial output");
    Path missing = dir.resolve("missing.sgncb");
    dataError(
        Cli.run("encode", "--codebook", s(missing), "--input", s(fvecs), "--out", s(out)),
        "signcodec encode: " + missing + ": no such file or directory");
    usageError(
        Cli.run("encode", "--codebook", s(codebookPath), "--input", s(fvecs)),
        "Missing required option: '--out=FILE'");
  }

  @Test
  void decodeNeedsAKnownOutputExtensionOrFormat() throws IOException {
    usageError(
        Cli.run(
            "decode",
            "--codebook",
            s(codebookPath),
            "--input",
            s(container),
            "--out",
            s(dir.resolve("y.csv"))),
        "Invalid value for option '--out': ");
    Path npy = dir.resolve("by-extension.npy");
    assertEquals(
        0,
        Cli.run("decode", "--codebook", s(codebookPath), "--input", s(container), "--out", s(npy))
            .exit());
    Path named = dir.resolve("y.vectors");
    Cli.Result res =
        Cli.run(
            "decode",
            "--codebook",
            s(codebookPath),
            "--input",
            s(container),
            "--out",
            s(named),
            "--format",
            "NPY");
    assertEquals(0, res.exit(), res::toString);
    assertArrayEquals(Files.readAllBytes(npy), Files.readAllBytes(named));
  }
}
