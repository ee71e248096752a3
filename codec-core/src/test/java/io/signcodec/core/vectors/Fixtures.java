package io.signcodec.core.vectors;

import io.signcodec.core.TestData;
import io.signcodec.core.VectorReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds vector files byte by byte, independently of the writers under test, and drains readers.
 */
public final class Fixtures {
  private Fixtures() {}

  /** {@code n * d} floats from a fixed seed, some negative, some with long mantissas. */
  public static float[] randomVectors(long seed, int n, int d) {
    return TestData.gaussian(n, d, seed, 3);
  }

  public static byte[] fvecs(float[] v, int d) {
    int n = v.length / d;
    ByteBuffer b = ByteBuffer.allocate(n * (4 + 4 * d)).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < n; r++) {
      b.putInt(d);
      for (int i = 0; i < d; i++) {
        b.putFloat(v[r * d + i]);
      }
    }
    return b.array();
  }

  public static byte[] bvecs(byte[] v, int d) {
    int n = v.length / d;
    ByteBuffer b = ByteBuffer.allocate(n * (4 + d)).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < n; r++) {
      b.putInt(d);
      b.put(v, r * d, d);
    }
    return b.array();
  }

  public static byte[] raw(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  /** An npy preamble written by hand: magic, version, length field, dict padded to 64 bytes. */
  public static byte[] npyPreamble(int major, String dict) {
    byte[] text = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    int fixed = major == 1 ? 10 : 12;
    int total = fixed + text.length + 1;
    total += (64 - total % 64) % 64;
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) (total - fixed));
    } else {
      b.putInt(total - fixed);
    }
    b.put(text);
    while (b.position() < total - 1) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    return b.array();
  }

  public static String dict(String descr, String shape) {
    return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  }

  /** An npy file of {@code v} as {@code descr} ('<f4', '>f8', '|u1', '<i4', ...), shape (n, d). */
  public static byte[] npy(int major, String descr, float[] v, int d) {
    byte[] preamble = npyPreamble(major, dict(descr, "(" + v.length / d + ", " + d + ")"));
    return concat(preamble, npyData(descr, v));
  }

  public static byte[] npyData(String descr, float[] v) {
    ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    int size = descr.charAt(2) - '0';
    ByteBuffer b = ByteBuffer.allocate(size * v.length).order(order);
    for (float x : v) {
      switch (descr.substring(1)) {
        case "f4":
          b.putFloat(x);
          break;
        case "f8":
          b.putDouble(x);
          break;
        case "u1":
          b.put((byte) (int) x);
          break;
        case "i4":
          b.putInt((int) x);
          break;
        default:
          throw new IllegalArgumentException(descr);
      }
    }
    return b.array();
  }

  /** A member of a test zip. */
  public record Member(String name, byte[] data, boolean deflated) {}

  /** A zip written with the JDK's ZipOutputStream (not Commons Compress). */
  public static byte[] zip(Member... members) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Member m : members) {
        ZipEntry e = new ZipEntry(m.name());
        if (!m.deflated()) {
          CRC32 crc = new CRC32();
          crc.update(m.data());
          e.setMethod(ZipEntry.STORED);
          e.setSize(m.data().length);
          e.setCompressedSize(m.data().length);
          e.setCrc(crc.getValue());
        } else {
          e.setMethod(ZipEntry.DEFLATED);
        }
        zip.putNextEntry(e);
        zip.write(m.data());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] gzip(byte[] data) {
    return compress(data, GZIPOutputStream::new);
  }

  /** A compressing stream over another, such as {@code GZIPOutputStream::new}. */
  @FunctionalInterface
  public interface Compressor {
    OutputStream over(OutputStream out) throws IOException;
  }

  /** {@code data} compressed by {@code compressor}. */
  public static byte[] compress(byte[] data, Compressor compressor) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream compressed = compressor.over(out)) {
      compressed.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  public static byte[] resource(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/vectors/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /vectors/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static VectorReader reader(
      byte[] bytes, String name, VectorFormat format, VectorFileOptions options)
      throws IOException {
    return VectorFiles.reader(new ByteArrayInputStream(bytes), name, format, options);
  }

  public static VectorReader reader(byte[] bytes, String name, VectorFormat format)
      throws IOException {
    return reader(bytes, name, format, VectorFileOptions.defaults());
  }

  /** What a reader delivered: the floats, and the exception that ended it, if any. */
  public record Drained(float[] vectors, IOException failure) {
    int count(int d) {
      return vectors.length / d;
    }
  }

  /** Reads everything with batches of the given sizes (cycled), stopping at the first failure. */
  public static Drained drain(VectorReader reader, int... batchSizes) {
    int d = reader.dimension();
    List<float[]> batches = new ArrayList<>();
    int total = 0;
    IOException failure = null;
    try {
      for (int i = 0; ; i++) {
        int batch = batchSizes[i % batchSizes.length];
        float[] dst = new float[batch * d + 3];
        int n = reader.read(dst, 3, batch);
        if (n < 0) {
          break;
        }
        if (n < 1 || n > batch) {
          throw new AssertionError("read returned " + n + " for a batch of " + batch);
        }
        batches.add(Arrays.copyOfRange(dst, 3, 3 + n * d));
        total += n * d;
      }
    } catch (IOException e) {
      failure = e;
    }
    float[] all = new float[total];
    int p = 0;
    for (float[] b : batches) {
      System.arraycopy(b, 0, all, p, b.length);
      p += b.length;
    }
    return new Drained(all, failure);
  }

  /** Reads everything and rethrows any failure. */
  public static float[] readAll(VectorReader reader, int... batchSizes) throws IOException {
    Drained drained = drain(reader, batchSizes);
    if (drained.failure() != null) {
      throw drained.failure();
    }
    return drained.vectors();
  }
}
