package io.signcodec.lucene;

import java.util.Objects;
import java.util.function.Function;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;

/**
 * Codecs that write vector fields with a chosen format: Lucene's default codec with another
 * per-field choice of vector format. The codec keeps the default codec's name, so a reader opens
 * the index with the default codec, which finds each field's format by the name the segment
 * recorded ({@link SigncodecHnswVectorsFormat#NAME}, through the SPI).
 *
 * <pre>{@code
 * IndexWriterConfig config = new IndexWriterConfig()
 *     .setCodec(SigncodecCodecs.perField(field -> field.equals("embedding") ? format : null));
 * }</pre>
 */
public final class SigncodecCodecs {
  private SigncodecCodecs() {}

  /** The default codec, writing every vector field with {@code format}. */
  public static Codec withFormat(KnnVectorsFormat format) {
    Objects.requireNonNull(format, "format");
    return perField(field -> format);
  }

  /**
   * The default codec, writing each vector field with {@code formats.apply(field)}, or with the
   * default codec's format for that field where it returns null.
   */
  public static Codec perField(Function<String, KnnVectorsFormat> formats) {
    Objects.requireNonNull(formats, "formats");
    Codec base = Codec.getDefault();
    KnnVectorsFormat baseFormat = base.knnVectorsFormat();
    KnnVectorsFormat perField =
        new PerFieldKnnVectorsFormat() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            KnnVectorsFormat chosen = formats.apply(field);
            if (chosen != null) {
              return chosen;
            }
            return baseFormat instanceof PerFieldKnnVectorsFormat p
                ? p.getKnnVectorsFormatForField(field)
                : baseFormat;
          }
        };
    return new FilterCodec(base.getName(), base) {
      @Override
      public KnnVectorsFormat knnVectorsFormat() {
        return perField;
      }
    };
  }
}
