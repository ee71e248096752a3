package io.signcodec.core.vectors;

import static io.signcodec.core.vectors.Fixtures.npy;
import static io.signcodec.core.vectors.Fixtures.randomVectors;
import static io.signcodec.core.vectors.Fixtures.readAll;
import static io.signcodec.core.vectors.Fixtures.reader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signcodec.core.MalformedInputException;
import io.signcodec.core.TruncatedInputException;
import io.signcodec.core.VectorReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class NpzReaderTest {
  public static final float[] TRAIN = randomVectors(21, 30, 4);
  public static final float[] QUERY = randomVectors(22, 5, 6);

  /** train.npy stored (float32, v1), query.npy deflated (float64, v2). */
  public static byte[] archive() {
    return Fixtures.zip(
        new Fixtures.Member("train.npy", npy(1, "<f4", TRAIN, 4), false),
        new Fixtures.Member("query.npy", npy(2, "<f8", QUERY, 6), true));
  }

  private static VectorFileOptions key(String key) {
    return VectorFileOptions.defaults().withNpzKey(key);
  }

  /** The three ways an npz is read: a file through VectorFiles, ZipFile itself, ZipInputStream. */
  private interface Opener {
    VectorReader open(byte[] npz, VectorFileOptions options) throws IOException;
  }

  private static Opener[] openers(Path dir) {
    return new Opener[] {
      (npz, options) -> {
        Path file = Files.write(dir.resolve("a.npz"), npz);
        return VectorFiles.open(file, options).open();
      },
      (npz, options) ->
          Npz.open(Files.write(dir.resolve("b.npz"), npz), "a.npz", options.npzKey().orElse(null)),
      (npz, options) -> reader(npz, "a.npz", VectorFormat.NPZ, options)
    };
  }

  @Test
  void selectsMembersByKeyOrNameAndDefaultsToTheFirst(@TempDir Path dir) throws IOException {
    for (Opener opener : openers(dir)) {
      try (VectorReader r = opener.open(archive(), VectorFileOptions.defaults())) {
        assertEquals(4, r.dimension());
        assertArrayEquals(TRAIN, readAll(r, 7));
      }
      try (VectorReader r = opener.open(archive(), key("query"))) {
        assertEquals(6, r.dimension());
        assertArrayEquals(QUERY, readAll(r, 2));
      }
      try (VectorReader r = opener.open(archive(), key("train.npy"))) {
        assertArrayEquals(TRAIN, readAll(r, 100));
      }
    }
  }

  @Test
  void unknownKeyListsTheAvailableOnes(@TempDir Path dir) {
    for (Opener opener : openers(dir)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> opener.open(archive(), key("base")));
      assertEquals(
          "a.npz: npz archive has no array 'base'; available keys: 'train', 'query'",
          e.getMessage());
    }
  }

  @Test
  void emptyArchiveIsMalformed(@TempDir Path dir) {
    for (Opener opener : openers(dir)) {
      MalformedInputException e =
          assertThrows(
              MalformedInputException.class,
              () -> opener.open(Fixtures.zip(), VectorFileOptions.defaults()));
      assertEquals("a.npz: npz archive has no members", e.getMessage());
    }
  }

  @Test
  void notAZipIsMalformed(@TempDir Path dir) {
    for (Opener opener : openers(dir)) {
      MalformedInputException e =
          assertThrows(
              MalformedInputException.class,
              () -> opener.open(npy(1, "<f4", TRAIN, 4), VectorFileOptions.defaults()));
      assertTrue(e.getMessage().startsWith("a.npz: "), e.getMessage());
    }
    MalformedInputException e =
        assertThrows(
            MalformedInputException.class,
            () -> reader(npy(1, "<f4", TRAIN, 4), "a.npz", VectorFormat.NPZ));
    assertEquals(
        "a.npz: not a zip archive: it starts with 93 4E 55 4D rather than the zip "
            + "signature 50 4B 03 04 (at byte offset 0)",
        e.getMessage());
  }

  @Test
  void errorsInsideAMemberNameTheMember(@TempDir Path dir) throws IOException {
    byte[] shortMember = Arrays.copyOf(npy(1, "<f4", TRAIN, 4), 128 + 16 * 3 + 5);
    byte[] npz = Fixtures.zip(new Fixtures.Member("x.npy", shortMember, true));
    for (Opener opener : openers(dir)) {
      try (VectorReader r = opener.open(npz, VectorFileOptions.defaults())) {
        Fixtures.Drained drained = Fixtures.drain(r, 2);
        assertArrayEquals(Arrays.copyOf(TRAIN, 12), drained.vectors());
        assertEquals(TruncatedInputException.class, drained.failure().getClass());
        assertEquals(
            "a.npz, member 'x.npy': Premature end of stream while reading row 3 "
                + "(starting at byte 176): only 5 of its 16 bytes are present (at byte offset 181)",
            drained.failure().getMessage());
      }
    }
  }

  @Test
  void numpySavezAndSavezCompressed(@TempDir Path dir) throws IOException {
    float[] expected = new float[12];
    for (int i = 0; i < 12; i++) {
      expected[i] = i * 0.25f - 1;
    }
    for (String file : new String[] {"numpy_savez.npz", "numpy_savez_compressed.npz"}) {
      for (Opener opener : openers(dir)) {
        try (VectorReader r = opener.open(Fixtures.resource(file), VectorFileOptions.defaults())) {
          assertArrayEquals(expected, readAll(r, 3), file);
        }
        try (VectorReader r = opener.open(Fixtures.resource(file), key("query"))) {
          assertEquals(3, r.dimension());
          assertArrayEquals(Arrays.copyOf(expected, 6), readAll(r, 1), file);
        }
      }
    }
  }

  @Test
  void compressedNpzIsReadAsAStream(@TempDir Path dir) throws IOException {
    Path gz = Files.write(dir.resolve("a.npz.gz"), Fixtures.gzip(archive()));
    try (VectorReader r = VectorFiles.open(gz, key("query")).open()) {
      assertArrayEquals(QUERY, readAll(r, 4));
    }
  }
}
