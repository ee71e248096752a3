package io.signcodec.spark;

/**
 * One vector as a Java bean, so that Spark's bean encoder reads an {@code array<float>} column
 * straight into a {@code float[]} (one copy out of its row format) instead of a sequence of
 * boxed floats.
 */
public final class FloatVector implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private float[] vector;

  /** For the bean encoder. */
  public FloatVector() {}

  /** The vector, or null. */
  public float[] getVector() {
    return vector;
  }

  /** For the bean encoder. */
  public void setVector(float[] vector) {
    this.vector = vector;
  }
}
