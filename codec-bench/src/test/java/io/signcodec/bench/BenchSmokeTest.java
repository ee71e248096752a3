package io.signcodec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.DistortionBounds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * CI smoke run of the bench: the distortion report at its tiny size (d = 64 Gaussian data only; no
 * Fashion-MNIST, no MiniLM) and one short JMH iteration of one benchmark, in-process.
 */
class BenchSmokeTest {
  private static final Path OUT = Path.of("target", "bench-smoke");

  @Test
  void tinyDistortionReportWritesSaneFigures() throws Exception {
    DistortionReport.Options o =
        DistortionReport.Options.parse(new String[] {"--tiny", "--out", OUT.toString()});
    List<DistortionResults.Dataset> done = DistortionReport.run(o, System.err);

    for (String f :
        List.of("distortion.md", "distortion.json", "gauss-iso-64.png", "gauss-powerlaw-64.png")) {
      Path p = OUT.resolve(f);
      assertTrue(Files.isRegularFile(p) && Files.size(p) > 100, f + " missing or empty");
    }
    String md = Files.readString(OUT.resolve("distortion.md"));
    assertTrue(md.contains("### Isotropic Gaussian, d = 64"), md);
    String json = Files.readString(OUT.resolve("distortion.json"));
    assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
    int rows = done.stream().mapToInt(d -> d.rows().size()).sum();
    assertEquals(rows, json.split("\"nmse\"", -1).length - 1);
    byte[] png = Files.readAllBytes(OUT.resolve("gauss-iso-64.png"));
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);

    assertEquals(2, done.size());
    DistortionResults.Dataset iso = done.get(0);
    DistortionResults.Dataset powerLaw = done.get(1);
    assertEquals("gauss-iso-64", iso.id());
    for (DistortionResults.Dataset d : done) {
      for (DistortionResults.Row r : d.rows()) {
        assertTrue(r.nmse() > 0 && r.nmse() < 1, r.toString());
        assertTrue(r.meanCosine() > 0 && r.meanCosine() <= 1, r.toString());
        assertTrue(r.recallAt10() >= 0 && r.recallAt10() <= 1, r.toString());
        assertTrue(r.trainSeconds() >= 0, r.toString());
      }
      // every method shows up, each at the rates it supports
      assertEquals(12, d.rows().stream().map(DistortionResults.Row::method).distinct().count());
    }
    // signcodec reaches the sign-autoencoder limit on isotropic Gaussian data (d = 64 and 2 000
    // training vectors leave a small excess): one stage up to r = 2, below it in stages above r =
    // 1.
    for (DistortionResults.Row r : iso.rows()) {
      boolean oneStage =
          (r.rate() <= 1
                  && !r.method().equals("signcodec-trained")
                  && !r.method().equals("signcodec-mean8")
                  // 4 of the bits for a gain cost squared error on Gaussian data, by design
                  && !r.method().equals("signcodec-gain4")
                  && !r.method().equals("signcodec-joint4"))
              || r.method().equals("signcodec-shallow");
      if (r.method().startsWith("signcodec") && oneStage) {
        double limit = DistortionBounds.signAutoencoderLimit(r.rate());
        assertTrue(Math.abs(r.nmse() / limit - 1) < 0.05, r + " vs limit " + limit);
        assertTrue(r.nmse() > DistortionBounds.shannonBound(r.rate()), r.toString());
      }
    }
    // stages beat one shallow stage at the same bits (docs/THEORY.md §5), and the default
    // allocation beats stages (§7)
    for (DistortionResults.Dataset d : done) {
      for (double rate : new double[] {1.5, 2}) {
        assertTrue(
            nmse(d, "signcodec-staged", rate) < nmse(d, "signcodec-shallow", rate),
            d.id() + " rate " + rate);
        assertTrue(
            nmse(d, "signcodec-trained", rate) < nmse(d, "signcodec-staged", rate),
            d.id() + " rate " + rate);
      }
    }
    for (DistortionResults.Row r : iso.rows()) {
      if (r.method().startsWith("signcodec") && r.rate() > 1) {
        assertTrue(r.nmse() > DistortionBounds.shannonBound(r.rate()), r.toString());
      }
    }
    // on anisotropic data, learning the encoder beats the data-free form at every rate
    for (double rate : DistortionReport.RATES) {
      assertTrue(
          nmse(powerLaw, "signcodec-trained", rate) < nmse(powerLaw, "signcodec-data-free", rate),
          "rate " + rate);
    }
  }

  private static double nmse(DistortionResults.Dataset d, String method, double rate) {
    return d.rows().stream()
        .filter(r -> r.method().equals(method) && r.rate() == rate)
        .findFirst()
        .orElseThrow()
        .nmse();
  }

  @Test
  void oneShortJmhIteration() throws Exception {
    Options opts =
        new OptionsBuilder()
            .include("io\\.signcodec\\.bench\\.jmh\\.EncodeBenchmark\\.encode")
            .param("dim", "384")
            .param("rate", "1")
            // in-process: the kernels are whatever this JVM chose first; all four forms run
            .param("kernels", "scalar")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(300))
            .timeUnit(TimeUnit.SECONDS)
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(opts).run();
    assertEquals(4, results.size());
    for (RunResult r : results) {
      double vectorsPerSecond = r.getPrimaryResult().getScore();
      assertTrue(
          vectorsPerSecond > 100,
          "encode at d = 384, r = 1, "
              + r.getParams().getParam("form")
              + ": "
              + vectorsPerSecond
              + " vectors/s");
    }
  }
}
