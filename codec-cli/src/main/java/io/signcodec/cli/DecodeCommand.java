package io.signcodec.cli;

import io.signcodec.core.Codebook;
import io.signcodec.core.stream.StreamFormat;
import io.signcodec.core.vectors.VectorFiles;
import io.signcodec.core.vectors.VectorWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code decode}: a container of sign codes back to vectors. */
@Command(
    name = "decode",
    header = "Decode a container back to vectors (.fvecs or .npy).",
    description = {
      "Decodes a container stream written by encode (x^ = mu + A z) and writes the vectors to "
          + "--out as .fvecs or .npy (float32), chosen by its extension or --format. Prints one "
          + "JSON object (on standard error with --out -):",
      "{\"vectors\":..., \"dim\":..., \"seconds\":...}"
    })
final class DecodeCommand extends CliCommand {
  static final int BATCH = StreamFormat.DEFAULT_BLOCK_VECTORS;

  @Option(
      names = "--codebook",
      required = true,
      paramLabel = "CODEBOOK",
      order = 0,
      description = "The codebook the container was written with.")
  Path codebookPath;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      order = 1,
      description = "The container file; - for standard input.")
  Path input;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      order = 2,
      description =
          "The vector file to write: .fvecs or .npy; - for standard output (with "
              + "--format)."
              + CliFiles.HOW_OUT_IS_WRITTEN)
  Path out;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      order = 3,
      description = "The output format, fvecs or npy, instead of the one --out's name says.")
  String format;

  @Override
  public Integer call() {
    boolean npy = npy();
    if (npy && CliFiles.readableOnce(input)) {
      throw usage(
          "Invalid value for option '--input': .npy output states its row count up "
              + "front, so decode reads the container twice, and "
              + CliFiles.inputName(input)
              + " can be read only once; write fvecs, or give a file");
    }
    refuseOverwritingInput(out, "--input", input);
    refuseOverwriting(out, "--codebook", codebookPath);
    CliFiles.Output output = output(out);
    Codebook codebook = CliFiles.readCodebook(codebookPath);
    int d = codebook.dimension();
    long t0 = System.nanoTime();
    long[] vectors = {0};
    try (Progress progress = progress()) {
      // .npy states its row count up front: a first pass counts (and verifies) the codes.
      long count = npy ? countCodes(codebook, progress) : 0;
      CliFiles.write(
          output,
          stream -> {
            try (ContainerFile container =
                    new ContainerFile(input, codebookPath, codebook, commandLine());
                VectorWriter writer =
                    npy
                        ? VectorFiles.npyWriter(stream, d, count)
                        : VectorFiles.fvecsWriter(stream, d)) {
              float[] batch = new float[BATCH * d];
              int n;
              while ((n = container.read(batch, BATCH)) >= 0) {
                writer.write(batch, 0, n);
                vectors[0] += n;
                progress.update(npy ? "decode 2/2" : "decode", vectors[0], count, "vectors");
              }
              container.checkEnd();
            }
          });
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    printJson(
        Json.object()
            .put("vectors", vectors[0])
            .put("dim", d)
            .put("seconds", Math.round(seconds * 1000) / 1000.0),
        output);
    return 0;
  }

  /** Whether the output is .npy: from --format, else from --out's extension. */
  private boolean npy() {
    if (format != null) {
      String lower = format.toLowerCase(Locale.ROOT);
      if (!lower.equals("npy") && !lower.equals("fvecs")) {
        throw usage(
            "Invalid value for option '--format': '" + format + "' is not one of fvecs, npy");
      }
      return lower.equals("npy");
    }
    if (CliFiles.isStandardStream(out)) {
      throw usage(
          "Invalid value for option '--out': '-' (standard output) has no extension to "
              + "choose the format by; give it with --format fvecs or --format npy");
    }
    Path name = out.getFileName();
    String lower = (name == null ? out.toString() : name.toString()).toLowerCase(Locale.ROOT);
    if (!lower.endsWith(".npy") && !lower.endsWith(".fvecs")) {
      throw usage(
          "Invalid value for option '--out': '"
              + out
              + "' must end in .fvecs or .npy (the output format is chosen by the extension), "
              + "or give the format with --format");
    }
    return lower.endsWith(".npy");
  }

  /** Counts the codes of the container, checking every block and the end marker. */
  private long countCodes(Codebook codebook, Progress progress) {
    long count = 0;
    try (ContainerFile container =
        new ContainerFile(input, codebookPath, codebook, commandLine())) {
      byte[] codes = new byte[BATCH * codebook.codeBytes()];
      int n;
      while ((n = container.readCodes(codes, BATCH)) >= 0) {
        count += n;
        progress.update("decode 1/2", count, 0, "vectors");
      }
      container.checkEnd();
    }
    return count;
  }
}
