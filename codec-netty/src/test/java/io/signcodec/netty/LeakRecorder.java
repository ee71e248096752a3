package io.signcodec.netty;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records the leaks Netty's detector reports, at PARANOID level (every buffer tracked), so tests
 * can assert there are none. Must be installed before any ByteBuf class is initialised.
 */
final class LeakRecorder {
  static final List<String> LEAKS = new CopyOnWriteArrayList<>();
  private static boolean installed;

  private LeakRecorder() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(
        new ResourceLeakDetectorFactory() {
          @Override
          public <T> ResourceLeakDetector<T> newResourceLeakDetector(
              Class<T> resource, int samplingInterval, long maxActive) {
            return new ResourceLeakDetector<T>(resource, samplingInterval) {
              @Override
              protected void reportTracedLeak(String resourceType, String records) {
                LEAKS.add(resourceType + ": " + records);
              }

              @Override
              protected void reportUntracedLeak(String resourceType) {
                LEAKS.add(resourceType);
              }
            };
          }
        });
  }

  /** Collects garbage and makes the detector look at what was collected. */
  static List<String> leaks() {
    for (int i = 0; i < 5; i++) {
      System.gc();
      // Tracking a new buffer is what drains the detector's queue of collected ones.
      io.netty.buffer.UnpooledByteBufAllocator.DEFAULT.heapBuffer(1).release();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return LEAKS;
  }
}
