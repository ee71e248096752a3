package io.signcodec.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code signcodec} command line: {@code java -jar signcodec.jar COMMAND [OPTIONS]}.
 *
 * <p>Exit status 0 on success; 2 on a usage error, with picocli's message; 1 when a file is
 * unreadable, corrupt or does not match another input, with one line on standard error naming the
 * file and the problem (and the stack trace only with {@code --verbose}). Standard output carries
 * only the command's JSON object, or the demo's table, or with {@code --out -} the command's data
 * (the JSON object then goes to standard error).
 */
@Command(
    name = "signcodec",
    mixinStandardHelpOptions = true,
    versionProvider = SignCodecCli.Version.class,
    description = "Trains sign-autoencoder codebooks offline and codes vector files with them.",
    subcommands = {
      TrainCommand.class,
      EncodeCommand.class,
      DecodeCommand.class,
      EvalCommand.class,
      SearchCommand.class,
      LimitsCommand.class,
      DemoCommand.class,
      ServeCommand.class,
      SendCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Vector files: .fvecs, .bvecs, .npy, .npz (--key NAME picks the array) or raw float32 "
          + "(--dim D), optionally gzip, bzip2, xz or zstd compressed (detected from the "
          + "bytes, not the name); - is standard input.",
      "Outputs: - is standard output (the JSON object then goes to standard error); a file is "
          + "written to a hidden temporary file beside it and renamed over it on success; a "
          + "device or FIFO is written in place; a symbolic link's target is written; an output "
          + "that is one of the inputs is refused, and so is, with --input -, the file standard "
          + "input reads from.",
      "Exit status: 0 ok, 1 unreadable, corrupt or mismatched input, 2 usage error."
    })
public final class SignCodecCli implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** What {@code --input -} reads. */
  private final InputStream standardInput;

  /** What {@code --out -} writes: bytes, beside picocli's text writer on the same stream. */
  private final OutputStream standardOutput;

  /**
   * A path the kernel resolves to the file {@link #standardInput} reads from (file descriptor 0),
   * so that an output can be compared with it; null if there is none (an in-memory input).
   */
  private final Path standardInputFile;

  private SignCodecCli(
      InputStream standardInput, OutputStream standardOutput, Path standardInputFile) {
    this.standardInput = standardInput;
    this.standardOutput = standardOutput;
    this.standardInputFile = standardInputFile;
  }

  /**
   * The library's loggers (java.util.logging, behind System.Logger). Held so the level set in
   * {@link #main} is not lost to garbage collection.
   */
  private static final Logger LIBRARY_LOG = Logger.getLogger("io.signcodec");

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    if (!Arrays.asList(args).contains("--verbose")) {
      // Standard error is for the progress bar and one-line errors: no informational log lines.
      LIBRARY_LOG.setLevel(Level.WARNING);
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * A fresh command line with this tool's error handling. Set its out and err writers (for tests)
   * after this call; they apply to every subcommand.
   */
  public static CommandLine commandLine() {
    // Not System.out: a PrintStream swallows write errors (a full disk, a closed pipe).
    return commandLine(
        System.in, new FileOutputStream(FileDescriptor.out), CliFiles.standardInputDescriptor());
  }

  /**
   * As {@link #commandLine()}, with the byte streams that {@code --input -} reads and {@code --out
   * -} writes (for tests; the text of standard output and error goes to the command line's out and
   * err writers).
   */
  static CommandLine commandLine(InputStream standardInput, OutputStream standardOutput) {
    return commandLine(standardInput, standardOutput, null);
  }

  private static CommandLine commandLine(
      InputStream standardInput, OutputStream standardOutput, Path standardInputFile) {
    CommandLine cl =
        new CommandLine(new SignCodecCli(standardInput, standardOutput, standardInputFile));
    cl.setParameterExceptionHandler(new UsageErrors());
    cl.setExecutionExceptionHandler(new DataErrors());
    return cl;
  }

  /** The bytes of standard input, for the command line {@code cmd} is part of. */
  static InputStream standardInput(CommandLine cmd) {
    return root(cmd).standardInput;
  }

  /** The bytes of standard output, for the command line {@code cmd} is part of. */
  static OutputStream standardOutput(CommandLine cmd) {
    return root(cmd).standardOutput;
  }

  /**
   * A path to the file that standard input reads from, for the command line {@code cmd} is part of
   * (see {@link CliFiles#standardInputDescriptor}), or null if it reads no file.
   */
  static Path standardInputFile(CommandLine cmd) {
    return root(cmd).standardInputFile;
  }

  private static SignCodecCli root(CommandLine cmd) {
    return (SignCodecCli) cmd.getCommandSpec().root().userObject();
  }

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing required command: one of " + String.join(", ", spec.subcommands().keySet()));
  }

  /** Usage errors: picocli's message, suggestions for a mistyped name, a pointer to --help. */
  static final class UsageErrors implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter err = cmd.getErr();
      err.println(ex.getMessage());
      UnmatchedArgumentException.printSuggestions(ex, err);
      err.println(
          "Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
      err.flush();
      return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
  }

  /**
   * Failures while a command runs: one line on standard error, exit status 1. Problems with the
   * user's files arrive as {@link DataException}s; anything else is a bug and says so.
   */
  static final class DataErrors implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
      Object command = cmd.getCommand();
      boolean verbose = command instanceof CliCommand && ((CliCommand) command).verbose();
      PrintWriter err = cmd.getErr();
      err.println(cmd.getCommandSpec().qualifiedName() + ": " + describe(ex, verbose));
      if (verbose) {
        ex.printStackTrace(err);
      }
      err.flush();
      return 1;
    }

    private static String describe(Exception ex, boolean verbose) {
      if (ex instanceof DataException) {
        return ex.getMessage();
      }
      if (ex instanceof java.io.IOException || ex instanceof UncheckedIOException) {
        // Not expected (file problems are wrapped with their file), but still a data problem.
        return DataException.oneLine(String.valueOf(ex.getMessage()));
      }
      return "internal error: "
          + DataException.oneLine(ex.toString())
          + (verbose ? "" : " (run with --verbose for the stack trace)");
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SignCodecCli.class.getPackage().getImplementationVersion();
      return new String[] {"signcodec " + (v == null ? "(development build)" : v)};
    }
  }
}
