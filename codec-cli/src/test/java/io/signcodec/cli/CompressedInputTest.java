package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar carries xz and zstd support: compressed inputs of every kind give the same figures. */
class CompressedInputTest {
  @TempDir Path dir;

  private Path compress(Path plain, String compressor, String suffix)
      throws IOException, CompressorException {
    Path out = dir.resolve(plain.getFileName() + suffix);
    try (OutputStream o =
        new CompressorStreamFactory()
            .createCompressorOutputStream(compressor, Files.newOutputStream(out))) {
      Files.copy(plain, o);
    }
    return out;
  }

  @Test
  void everyCompressionEvaluatesAlike() throws Exception {
    int d = 16;
    Path plain = TestFiles.gaussianFvecs(dir.resolve("x.fvecs"), 1_500, d, 3);
    Path codebook = dir.resolve("cb.sgncb");
    Cli.train(plain, codebook, "--rate", "1", "--quiet");
    Map<String, Object> reference =
        Cli.run("eval", "--codebook", codebook.toString(), "--input", plain.toString(), "--quiet")
            .json();
    for (String[] c :
        new String[][] {
          {CompressorStreamFactory.XZ, ".xz"},
          {CompressorStreamFactory.ZSTANDARD, ".zst"},
          {CompressorStreamFactory.GZIP, ".gz"},
          {CompressorStreamFactory.BZIP2, ".bz2"}
        }) {
      Path packed = compress(plain, c[0], c[1]);
      Cli.Result eval =
          Cli.run(
              "eval", "--codebook", codebook.toString(), "--input", packed.toString(), "--quiet");
      assertEquals(0, eval.exit(), c[0] + ": " + eval);
      assertEquals(reference, eval.json(), c[0]);
    }
  }
}
