package io.signcodec.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The automatic choice: scalar kernels until the vector kernels are warm, the same bits. */
class WarmingBackendTest {
  private static final KernelBackend VECTOR = Backends.vector();

  @Test
  void autoWarmsUpWhenTheVectorApiIsThere() {
    assertNotNull(VECTOR, "jdk.incubator.vector missing from the test JVM");
    assertInstanceOf(WarmingBackend.class, Backends.choose("auto"));
  }

  @Test
  void scalarFirstThenVectorWithTheSameBits() throws InterruptedException {
    WarmingBackend warming = new WarmingBackend(Backends::vector, 0);
    assertEquals("scalar", warming.name(), "nothing started before the first call");
    float[][] first = product(warming, 1);
    assertFalse(warming.warmed(), "the first call cannot have waited for the warm-up");
    assertTrue(warming.awaitWarmUp(120, TimeUnit.SECONDS), "warm-up did not end in 120 s");
    assertTrue(warming.warmed());
    assertEquals(VECTOR.name(), warming.name());
    assertRowsEqual(product(ScalarBackend.INSTANCE, 1), first);
    for (int seed = 2; seed < 6; seed++) {
      assertRowsEqual(product(ScalarBackend.INSTANCE, seed), product(warming, seed));
    }
  }

  @Test
  void theWarmUpWaitsForTheDelay() throws InterruptedException {
    WarmingBackend later = new WarmingBackend(Backends::vector, 3_600_000_000_000L);
    for (int i = 0; i < 50; i++) {
      assertRowsEqual(product(ScalarBackend.INSTANCE, i), product(later, i));
    }
    assertFalse(later.awaitWarmUp(200, TimeUnit.MILLISECONDS), "started before its hour");
    assertEquals("scalar", later.name());
  }

  @Test
  void withoutAVectorBackendItStaysScalar() throws InterruptedException {
    WarmingBackend none = new WarmingBackend(() -> null, 0);
    product(none, 1);
    assertTrue(none.awaitWarmUp(10, TimeUnit.SECONDS));
    assertFalse(none.warmed());
    assertEquals("scalar", none.name());

    WarmingBackend failing =
        new WarmingBackend(
            () -> {
              throw new IllegalStateException("no SIMD here");
            },
            0);
    assertRowsEqual(product(ScalarBackend.INSTANCE, 3), product(failing, 3));
    assertTrue(failing.awaitWarmUp(10, TimeUnit.SECONDS));
    assertFalse(failing.warmed());
    assertRowsEqual(product(ScalarBackend.INSTANCE, 4), product(failing, 4));
  }

  @Test
  void theWarmUpEndsAndRunsEveryKernel() {
    Map<String, Integer> calls = new TreeMap<>();
    KernelBackend counting =
        (KernelBackend)
            Proxy.newProxyInstance(
                KernelBackend.class.getClassLoader(),
                new Class<?>[] {KernelBackend.class},
                (proxy, method, args) -> {
                  calls.merge(method.getName() + method.getParameterCount(), 1, Integer::sum);
                  Class<?> type = method.getReturnType();
                  return type == boolean.class ? Boolean.TRUE : type == long.class ? 0L : null;
                });
    int rounds = WarmingBackend.warm(counting);
    assertTrue(rounds >= WarmingBackend.MIN_ROUNDS && rounds <= WarmingBackend.MAX_ROUNDS);
    // every kernel of the interface (name() is no kernel), each as often
    Set<String> kernels = new TreeSet<>();
    for (Method m : KernelBackend.class.getMethods()) {
      if (!m.getName().equals("name")) {
        kernels.add(m.getName() + m.getParameterCount());
      }
    }
    assertEquals(kernels, calls.keySet());
    for (int n : calls.values()) {
      assertEquals(rounds * WarmingBackend.ROUND_CALLS, n);
    }
    // and the real vector kernels, on their own inputs, stay finite
    assertTrue(WarmingBackend.warm(VECTOR) <= WarmingBackend.MAX_ROUNDS);
  }

  /** {@code C += (L − shift) R} through {@code backend}, on inputs drawn from {@code seed}. */
  private static float[][] product(KernelBackend backend, int seed) {
    Random random = new Random(seed);
    int m = 37;
    int k = 70;
    int q = 101;
    float[] l = new float[m * k];
    for (int i = 0; i < l.length; i++) {
      l[i] = (float) random.nextGaussian();
    }
    float[] shift = new float[k];
    float[][] r = new float[k][q];
    for (float[] row : r) {
      for (int j = 0; j < q; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    float[][] c = new float[m][q];
    backend.multiplyAdd(l, 0, k, shift, r, 0, k, 0, q, c, m);
    return c;
  }

  private static void assertRowsEqual(float[][] a, float[][] b) {
    assertEquals(a.length, b.length);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], "row " + i);
    }
  }
}
