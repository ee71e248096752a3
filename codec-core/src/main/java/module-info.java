/**
 * signcodec's core: codebooks and their training, sign encoding and linear decoding, the container
 * stream, and vector files. Depends on EJML alone.
 *
 * <p>The Vector API kernels run when the JVM has {@code jdk.incubator.vector} ({@code --add-modules
 * jdk.incubator.vector}); without it the scalar kernels do, with identical results. Everything
 * under {@code io.signcodec.core.internal} (the kernels, the Gaussian model, the three forms in
 * {@code internal.form}, the codebook format in {@code internal.format}) is no API and exported to
 * no module. The benchmarks, which measure the core's peak with the kernels on purpose, run on the
 * classpath (JMH's shaded jar, {@code exec:exec -classpath}), where no module boundary applies.
 */
@SuppressWarnings("requires-automatic") // EJML's jars name no module; these names come from them
module io.signcodec.core {
  requires static jdk.incubator.vector;
  requires ejml.core;
  requires ejml.ddense;

  exports io.signcodec.core;
  exports io.signcodec.core.stream;
  exports io.signcodec.core.train;
  exports io.signcodec.core.vectors;
  exports io.signcodec.core.vectors.spi;

  uses io.signcodec.core.vectors.spi.Decompressor;
}
