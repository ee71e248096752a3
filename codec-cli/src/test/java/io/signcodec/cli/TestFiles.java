package io.signcodec.cli;

import io.signcodec.core.vectors.VectorFiles;
import io.signcodec.core.vectors.VectorWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Small vector files for the tests, written with the library's writers. */
final class TestFiles {
  private TestFiles() {}

  /**
   * {@code count} Gaussian vectors with standard deviation {@code 1/sqrt(k+1)} on coordinate k (so
   * eigenvalues k^-1) and a non-zero mean.
   */
  static float[] gaussian(int count, int d, long seed) {
    Random random = new Random(seed);
    float[] x = new float[count * d];
    for (int i = 0; i < count; i++) {
      for (int k = 0; k < d; k++) {
        x[i * d + k] = (float) (0.5 + random.nextGaussian() / Math.sqrt(k + 1));
      }
    }
    return x;
  }

  /** {@link #gaussian} vectors as an .fvecs file. */
  static Path gaussianFvecs(Path file, int count, int d, long seed) throws IOException {
    return fvecs(file, gaussian(count, d, seed), d);
  }

  static Path fvecs(Path file, float[] x, int d) throws IOException {
    try (VectorWriter w = VectorFiles.fvecsWriter(file, d)) {
      w.write(x, 0, x.length / d);
    }
    return file;
  }

  static Path npy(Path file, float[] x, int d) throws IOException {
    try (VectorWriter w = VectorFiles.npyWriter(file, d, x.length / d)) {
      w.write(x, 0, x.length / d);
    }
    return file;
  }

  /** Headerless little-endian float32. */
  static Path raw(Path file, float[] x) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(x);
    Files.write(file, b.array());
    return file;
  }

  /** An .npz archive holding {@code first} (a decoy of another dimension) and {@code key}. */
  static Path npz(Path file, String key, float[] x, int d) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new ZipEntry("first.npy"));
      zip.write(npyBytes(new float[] {1, 2, 3, 4, 5, 6}, 3));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry(key + ".npy"));
      zip.write(npyBytes(x, d));
      zip.closeEntry();
    }
    return file;
  }

  static Path gzipFvecs(Path file, float[] x, int d) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file));
        VectorWriter w = VectorFiles.fvecsWriter(out, d)) {
      w.write(x, 0, x.length / d);
    }
    return file;
  }

  private static byte[] npyBytes(float[] x, int d) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (VectorWriter w = VectorFiles.npyWriter(bytes, d, x.length / d)) {
      w.write(x, 0, x.length / d);
    }
    return bytes.toByteArray();
  }

  /** Reads every vector of a file into memory. */
  static float[] readAll(Path file) throws IOException {
    return VectorFiles.readAll(file, 1_000_000).vectors();
  }
}
