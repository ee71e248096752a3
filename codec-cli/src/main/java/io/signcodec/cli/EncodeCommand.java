package io.signcodec.cli;

import io.signcodec.core.Codebook;
import io.signcodec.core.stream.SignStreamWriter;
import io.signcodec.core.vectors.VectorSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code encode}: a vector file to a container of sign codes. */
@Command(name = "encode", sortOptions = false,
    header = "Encode a vector file to a container of sign codes.",
    description = {
        "Encodes every vector of a file with a codebook and writes the codes as a container "
            + "stream (docs/FORMAT.md) to --out. Prints one JSON object:",
        "{\"vectors\":..., \"dim\":..., \"bits\":..., \"bytes\":..., \"seconds\":...}"})
final class EncodeCommand extends CliCommand {
  static final int BATCH = 4096;

  @Option(names = "--codebook", required = true, paramLabel = "CODEBOOK", order = 0,
      description = "The codebook file.")
  Path codebookPath;

  @Mixin
  VectorInput input;

  @Option(names = "--out", required = true, paramLabel = "FILE", order = 4,
      description = "The container file to write.")
  Path out;

  @Override
  public Integer call() {
    Codebook codebook = CliFiles.readCodebook(codebookPath);
    VectorSource source = input.open(commandLine());
    input.checkDimension(source, codebook, codebookPath);
    long t0 = System.nanoTime();
    long[] vectors = {0};
    try (Progress progress = progress()) {
      CliFiles.writeAtomically(out, stream -> {
        try (SignStreamWriter writer = new SignStreamWriter(stream, codebook)) {
          vectors[0] = input.forEachBatch(source, BATCH, (batch, n) -> {
            try {
              writer.write(batch, 0, n);
            } catch (IOException e) {
              throw DataException.of(out, e);
            }
          }, done -> progress.update("encode", done, 0, "vectors"));
        }
      });
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long bytes;
    try {
      bytes = Files.size(out);
    } catch (IOException e) {
      throw DataException.of(out, e);
    }
    printJson(Json.object()
        .put("vectors", vectors[0])
        .put("dim", codebook.dimension())
        .put("bits", codebook.bits())
        .put("bytes", bytes)
        .put("seconds", Math.round(seconds * 1000) / 1000.0));
    return 0;
  }
}
