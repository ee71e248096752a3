package io.signcodec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged artifacts as their users run them, after {@code package}: the shaded {@code
 * signcodec.jar} with {@code java -jar}, and a small program using codec-core and codec-compress
 * from their jars, once on the classpath and once as a module that {@code requires
 * io.signcodec.core}. Run by failsafe, since surefire runs before the jars exist.
 */
class PackagingIT {
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  /** The user's program: trains a codebook and measures it, through the public API only. */
  private static final String PROGRAM =
      String.join(
          "\n",
          "package user;",
          "",
          "import io.signcodec.core.Codebook;",
          "import io.signcodec.core.Distortion;",
          "import io.signcodec.core.VectorSource;",
          "import io.signcodec.core.train.CodebookTrainer;",
          "",
          "public class Main {",
          "  public static void main(String[] args) throws Exception {",
          "    int d = 16;",
          "    float[] x = new float[200 * d];",
          "    java.util.Random random = new java.util.Random(1);",
          "    for (int i = 0; i < x.length; i++) {",
          "      x[i] = (float) random.nextGaussian();",
          "    }",
          "    Codebook codebook = CodebookTrainer.builder().rate(1).seed(2).build()",
          "        .train(VectorSource.of(x, d));",
          "    double nmse = Distortion.of(codebook, x).nmse();",
          "    System.out.println(nmse > 0 && nmse < 1 ? \"ok \" + codebook.bits() : \"bad \" + nmse);",
          "  }",
          "}",
          "");

  @Test
  void theShadedJarRuns() throws Exception {
    Path jar = Path.of("target", "signcodec.jar");
    assertTrue(Files.isRegularFile(jar), "no " + jar.toAbsolutePath());
    Result r = run(List.of(JAVA, "-jar", jar.toString(), "limits", "--rate", "1"));
    assertEquals(0, r.exit, r.output);
    assertTrue(r.output.startsWith("{\"rate\":1.0,"), r.output);
  }

  @Test
  void aClasspathUserCompilesAndRuns(@TempDir Path dir) throws Exception {
    Path src =
        Files.writeString(
            Files.createDirectories(dir.resolve("src/user")).resolve("Main.java"), PROGRAM);
    String classpath = libraryJars();
    Path classes = dir.resolve("classes");
    compile("-d", classes.toString(), "-cp", classpath, src.toString());
    Result r =
        run(List.of(JAVA, "-cp", classes + java.io.File.pathSeparator + classpath, "user.Main"));
    assertEquals(0, r.exit, r.output);
    assertEquals("ok 16", r.output.strip());
  }

  @Test
  void aModuleRequiringTheCoreCompilesAndRuns(@TempDir Path dir) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/user"));
    Files.writeString(src.resolve("Main.java"), PROGRAM);
    Files.writeString(
        dir.resolve("src/module-info.java"), "module user { requires io.signcodec.core; }\n");
    String modulePath = libraryJars();
    Path classes = dir.resolve("mods/user");
    compile(
        "-d",
        classes.toString(),
        "--module-path",
        modulePath,
        dir.resolve("src/module-info.java").toString(),
        src.resolve("Main.java").toString());
    Result r =
        run(
            List.of(
                JAVA,
                "--module-path",
                classes + java.io.File.pathSeparator + modulePath,
                "-m",
                "user/user.Main"));
    assertEquals(0, r.exit, r.output);
    assertEquals("ok 16", r.output.strip());
  }

  /** codec-core, codec-compress and their dependencies from this test's classpath. */
  private static String libraryJars() {
    List<String> jars =
        Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .filter(
                p ->
                    p.contains("codec-core")
                        || p.contains("codec-compress")
                        || p.contains("ejml-")
                        || p.contains("commons-compress")
                        || p.contains("commons-io")
                        || p.contains("commons-lang3")
                        || p.contains("commons-codec"))
            .filter(p -> p.endsWith(".jar") && !p.contains("tests"))
            .collect(Collectors.toList());
    assertTrue(jars.stream().anyMatch(p -> p.contains("codec-core")), jars::toString);
    return String.join(java.io.File.pathSeparator, jars);
  }

  private static void compile(String... args) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = javac.run(null, null, err, args);
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running: " + command);
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
