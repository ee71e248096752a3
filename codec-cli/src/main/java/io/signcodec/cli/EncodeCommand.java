package io.signcodec.cli;

import io.signcodec.core.Codebook;
import io.signcodec.core.VectorSource;
import io.signcodec.core.stream.SignStreamWriter;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code encode}: a vector file to a container of sign codes. */
@Command(
    name = "encode",
    header = "Encode a vector file to a container of sign codes.",
    description = {
      "Encodes every vector of a file with a codebook and writes the codes as a container "
          + "stream (docs/FORMAT.md) to --out. Prints one JSON object (on standard error "
          + "with --out -):",
      "{\"vectors\":..., \"dim\":..., \"bits\":..., \"bytes\":..., \"seconds\":...}"
    })
final class EncodeCommand extends CliCommand {
  static final int BATCH = 4096;

  @Mixin CodebookFile codebookFile;

  @Mixin VectorInput input;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      order = 4,
      description =
          "The container file to write; - for standard output." + CliFiles.HOW_OUT_IS_WRITTEN)
  Path out;

  @Override
  public Integer call() {
    refuseOverwritingInput(out, "--input", input.path);
    refuseOverwriting(out, "--codebook", codebookFile.path);
    CliFiles.Output output = output(out);
    Codebook codebook = codebookFile.read();
    VectorSource source = input.open(commandLine(), codebook, codebookFile.path);
    long t0 = System.nanoTime();
    long[] vectors = {0};
    long bytes;
    try (Progress progress = progress()) {
      bytes =
          CliFiles.write(
              output,
              stream -> {
                // Not closed on a failure: close() writes the end marker, and a failed run's output
                // must
                // never look complete (on standard output or a FIFO it cannot be taken back).
                SignStreamWriter writer = new SignStreamWriter(stream, codebook);
                vectors[0] =
                    input.forEachBatch(
                        source,
                        BATCH,
                        (batch, n) -> {
                          try {
                            writer.write(batch, 0, n);
                          } catch (IOException e) {
                            throw output.failure(e);
                          }
                        },
                        done -> progress.update("encode", done, 0, "vectors"));
                writer.finish();
              });
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    printJson(
        Json.object()
            .put("vectors", vectors[0])
            .put("dim", codebook.dimension())
            .put("bits", codebook.bits())
            .put("bytes", bytes)
            .put("seconds", Math.round(seconds * 1000) / 1000.0),
        output);
    return 0;
  }
}
