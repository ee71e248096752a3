package io.signcodec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.train.CodebookTrainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java example of the README, compiled and run: {@link #example} between the markers is what
 * the README shows (the test below checks it line for line), so the two cannot drift apart.
 */
class ReadmeExampleTest {
  /** The imports the README shows besides {@code io.signcodec.core.*}; each is imported here. */
  private static final List<String> README_IMPORTS =
      List.of(
          "io.signcodec.core.train.CodebookTrainer",
          "java.io.IOException",
          "java.io.InputStream",
          "java.io.OutputStream",
          "java.nio.file.Files",
          "java.nio.file.Path");

  @TempDir Path dir;

  /** What the example computed, for the assertions. */
  private record Results(Codebook codebook, float[] decoded, float score, Codebook loaded) {}

  private static Results example(float[] vectors, int d, float[] queryVector, Path file)
      throws IOException {
    // README:body
    // Train: four passes over the source (mean and covariance, each direction's levels, then
    // the per-vector gain and the recall check that decides it). A VectorSource may stream from
    // files far larger than memory: VectorFiles.open(path).
    Codebook codebook =
        CodebookTrainer.builder().rate(1.0).seed(42).build().train(VectorSource.of(vectors, d));

    // Encode and decode in batches, into arrays you own. Both are thread-safe.
    SignEncoder encoder = SignEncoder.of(codebook);
    LinearDecoder decoder = LinearDecoder.of(codebook);
    int count = vectors.length / d;
    byte[] codes = new byte[count * codebook.codeBytes()]; // n bits per vector, packed
    encoder.encode(vectors, 0, codes, 0, count);
    float[] decoded = new float[count * d];
    decoder.decode(codes, 0, decoded, 0, count);

    // Inner products on the codes, without decoding (a query costs one Aᵀq, a code ⌈n/8⌉
    // table look-ups).
    CodeScorer.Query query = CodeScorer.of(codebook).prepare(queryVector);
    float score = query.score(codes, 17 * codebook.codeBytes()); // with vector 17

    // Save and load: versioned, checksummed, fingerprinted (docs/FORMAT.md).
    try (OutputStream out = Files.newOutputStream(file)) {
      codebook.write(out);
    }
    Codebook loaded;
    try (InputStream in = Files.newInputStream(file)) {
      loaded = Codebook.read(in);
    }
    // README:end
    return new Results(codebook, decoded, score, loaded);
  }

  @Test
  void theExampleRunsAndDoesWhatItSays() throws IOException {
    int d = 32;
    float[] vectors = TestData.powerLaw(2_000, d, 1, 7);
    float[] query = TestData.isotropic(1, d, 8);
    Results r = example(vectors, d, query, dir.resolve("embeddings.sgncb"));
    assertEquals(r.codebook(), r.loaded());
    Distortion distortion = new Distortion(d);
    distortion.add(vectors, 0, r.decoded(), 0, vectors.length / d);
    double nmse = distortion.nmse();
    assertTrue(nmse < DistortionBounds.signAutoencoderLimit(1), "trained NMSE " + nmse);
    double dot = 0;
    for (int k = 0; k < d; k++) {
      dot += (double) query[k] * r.decoded()[17 * d + k];
    }
    assertEquals(dot, r.score(), 1e-4 * (1 + Math.abs(dot)));
  }

  @Test
  void theReadmeShowsThisExample() throws IOException {
    List<String> source =
        Files.readAllLines(Path.of("src/test/java/io/signcodec/core/" + "ReadmeExampleTest.java"));
    List<String> expected = new ArrayList<>();
    expected.add("import io.signcodec.core.*;");
    for (String name : README_IMPORTS) {
      String line = "import " + name + ";";
      assertTrue(source.contains(line), "the example does not compile with " + line);
      expected.add(line);
    }
    expected.add("");
    expected.add("float[] vectors = ...;                 // count × d floats, row-major");
    expected.add("int d = 768;");
    expected.add("");
    for (String line : between(source, "// README:body")) {
      expected.add(line.isBlank() ? "" : line.substring(4));
    }
    List<String> readme = Files.readAllLines(Path.of("../README.md"));
    int start = readme.indexOf("## Using it from Java") + 2;
    assertEquals("```java", readme.get(start));
    int end = readme.subList(start + 1, readme.size()).indexOf("```") + start + 1;
    assertEquals(expected, readme.subList(start + 1, end));
  }

  private static List<String> between(List<String> lines, String marker) {
    int from = 0;
    while (!lines.get(from).strip().equals(marker)) {
      from++;
    }
    int to = ++from;
    while (!lines.get(to).strip().equals("// README:end")) {
      to++;
    }
    return lines.subList(from, to);
  }
}
