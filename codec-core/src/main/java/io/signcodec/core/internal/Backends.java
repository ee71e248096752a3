package io.signcodec.core.internal;

import java.lang.reflect.Constructor;
import java.util.Locale;

/** Chooses the kernel backend once, lazily: a holder class, so nothing runs at library load. */
final class Backends {
  static final String PROPERTY = "signcodec.kernels";
  static final KernelBackend ACTIVE = choose(System.getProperty(PROPERTY, "auto"));

  private Backends() {}

  static KernelBackend choose(String wanted) {
    System.Logger log = System.getLogger("io.signcodec.core.internal");
    String w = wanted.trim().toLowerCase(Locale.ROOT);
    KernelBackend chosen;
    switch (w) {
      case "scalar":
        chosen = ScalarBackend.INSTANCE;
        break;
      case "vector":
        chosen = vector();
        if (chosen == null) {
          throw new IllegalStateException(
              PROPERTY
                  + "=vector, but jdk.incubator.vector is not"
                  + " available: start the JVM with --add-modules jdk.incubator.vector");
        }
        break;
      case "auto":
        // the vector kernels once they are compiled, the scalar ones until then (WarmingBackend)
        chosen =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                ? new WarmingBackend(Backends::vector, WarmingBackend.DELAY_NANOS)
                : ScalarBackend.INSTANCE;
        break;
      default:
        throw new IllegalArgumentException(
            PROPERTY + " must be auto, scalar or vector, not \"" + wanted + "\"");
    }
    log.log(System.Logger.Level.DEBUG, "signcodec kernels: {0}", chosen.name());
    return chosen;
  }

  /** The Vector API backend, or null if the incubator module is not in the boot layer. */
  static KernelBackend vector() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      Constructor<?> c =
          Class.forName("io.signcodec.core.internal.VectorBackend").getDeclaredConstructor();
      return (KernelBackend) c.newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      System.getLogger("io.signcodec.core.internal")
          .log(
              System.Logger.Level.WARNING,
              "Vector API present but unusable, falling back to scalar kernels",
              e);
      return null;
    }
  }
}
