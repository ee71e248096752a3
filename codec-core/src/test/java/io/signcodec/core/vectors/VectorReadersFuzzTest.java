package io.signcodec.core.vectors;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.signcodec.core.MalformedInputException;
import io.signcodec.core.VectorReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Throws random bytes and mutated valid files at every reader. Whatever the input, a reader must
 * end, and fail only with a {@link MalformedInputException} (or the documented plain {@link
 * IOException} saying that bzip2, xz or zstd support is missing): no runtime exception, no {@link
 * OutOfMemoryError}, no hang. Public and open so that the module which decodes bzip2, xz and zstd
 * runs the same properties with its decoders on the classpath.
 */
public class VectorReadersFuzzTest {
  private static final float[] V = Fixtures.randomVectors(51, 6, 3);
  private static final byte[] NPZ =
      Fixtures.zip(
          new Fixtures.Member("a.npy", Fixtures.npy(1, "<f4", V, 3), false),
          new Fixtures.Member("b.npy", Fixtures.npy(2, ">f8", V, 2), true));

  /** Valid files of every format, plain and compressed. */
  private static final List<byte[]> CORPUS =
      List.of(
          Fixtures.fvecs(V, 3),
          Fixtures.bvecs(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 4),
          Fixtures.raw(V),
          Fixtures.npy(1, "<f4", V, 3),
          Fixtures.npy(2, ">f8", V, 6),
          Fixtures.npy(3, "|u1", new float[] {1, 2, 3, 4}, 2),
          Fixtures.npy(1, "<i4", new float[] {1, 2, 3, 4}, 4),
          NPZ,
          Fixtures.resource("numpy_savez_compressed.npz"),
          Fixtures.gzip(Fixtures.fvecs(V, 3)),
          Fixtures.resource(
              "fuzz_seed_f32.npy.bz2"), // Fixtures.npy(1, "<f4", V, 3), bzip2-compressed
          Fixtures.gzip(NPZ));

  private static final int[] INTERESTING_INTS = {
    0, 1, -1, 3, 64, 65535, 65536, 65537, Integer.MAX_VALUE, Integer.MIN_VALUE
  };

  @Provide
  Arbitrary<byte[]> randomBytes() {
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> magic =
        Arbitraries.of(
            new byte[0],
            new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0},
            new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0},
            new byte[] {'P', 'K', 3, 4},
            new byte[] {0x1f, (byte) 0x8b, 8, 0},
            new byte[] {'B', 'Z', 'h', '9'},
            new byte[] {3, 0, 0, 0});
    return Combinators.combine(magic, noise).as(Fixtures::concat);
  }

  @Provide
  Arbitrary<byte[]> mutatedFiles() {
    return Combinators.combine(
            Arbitraries.of(CORPUS),
            Arbitraries.longs(),
            Arbitraries.integers().between(1, 4),
            Arbitraries.of(false, true))
        .as(VectorReadersFuzzTest::mutate);
  }

  /** Applies {@code count} random mutations, then optionally gzips the result. */
  static byte[] mutate(byte[] original, long seed, int count, boolean gzipAfter) {
    Random random = new Random(seed);
    byte[] b = original.clone();
    for (int m = 0; m < count && b.length > 0; m++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(6)) {
        case 0:
          b[at] ^= (byte) (1 << random.nextInt(8));
          break;
        case 1:
          b[at] = (byte) random.nextInt(256);
          break;
        case 2:
          b = Arrays.copyOf(b, at);
          break;
        case 3:
          {
            byte[] noise = new byte[1 + random.nextInt(8)];
            random.nextBytes(noise);
            b = Fixtures.concat(Arrays.copyOf(b, at), noise, Arrays.copyOfRange(b, at, b.length));
            break;
          }
        case 4:
          if (at + 4 <= b.length) {
            int v = INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)];
            b[at] = (byte) v;
            b[at + 1] = (byte) (v >>> 8);
            b[at + 2] = (byte) (v >>> 16);
            b[at + 3] = (byte) (v >>> 24);
          }
          break;
        default:
          {
            // a digit in a header becomes another, or a quote goes missing
            b[at] = (byte) "0123456789'(),{}:".charAt(random.nextInt(17));
            break;
          }
      }
    }
    return gzipAfter ? Fixtures.gzip(b) : b;
  }

  @Property(tries = 300, seed = "8472001")
  void randomBytes(
      @ForAll("randomBytes") byte[] input,
      @ForAll VectorFormat format,
      @ForAll @IntRange(min = 1, max = 9) int batch) {
    exerciseStream(input, format, batch);
  }

  @Property(tries = 300, seed = "8472002")
  void mutatedFiles(
      @ForAll("mutatedFiles") byte[] input,
      @ForAll VectorFormat format,
      @ForAll @IntRange(min = 1, max = 9) int batch) {
    exerciseStream(input, format, batch);
  }

  @Property(tries = 200, seed = "8472003")
  void mutatedNpzThroughZipFile(
      @ForAll("mutatedFiles") byte[] input, @ForAll @IntRange(min = 1, max = 9) int batch)
      throws IOException {
    Path file = Files.createTempFile("fuzzed", ".npz");
    try {
      Files.write(file, input);
      exercise(() -> Npz.open(file, "fuzzed.npz", null), batch);
    } finally {
      Files.delete(file);
    }
  }

  private static void exerciseStream(byte[] input, VectorFormat format, int batch) {
    VectorFileOptions options =
        format == VectorFormat.RAW_FLOAT32
            ? VectorFileOptions.defaults().withDimension(3)
            : VectorFileOptions.defaults();
    exercise(
        () -> VectorFiles.reader(new ByteArrayInputStream(input), "fuzzed", format, options),
        batch);
  }

  private interface Opener {
    VectorReader open() throws IOException;
  }

  private static void exercise(Opener opener, int batch) {
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          try (VectorReader reader = opener.open()) {
            float[] dst = new float[batch * reader.dimension()];
            long total = 0;
            int n;
            while ((n = reader.read(dst, 0, batch)) >= 0) {
              if (n < 1 || n > batch) {
                throw new AssertionError("read returned " + n + " for a batch of " + batch);
              }
              total += n;
              if (total > 10_000_000) {
                throw new AssertionError("reader does not end");
              }
            }
          } catch (MalformedInputException expected) {
            if (expected.getMessage() == null || !expected.getMessage().contains("fuzzed")) {
              throw new AssertionError("message does not name the input: " + expected, expected);
            }
          } catch (IOException e) {
            if (e.getClass() != IOException.class || !e.getMessage().contains("on the classpath")) {
              throw new AssertionError("undocumented exception: " + e, e);
            }
          }
        });
  }
}
