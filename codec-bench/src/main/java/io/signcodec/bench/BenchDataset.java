package io.signcodec.bench;

import java.util.List;

/**
 * One dataset of the distortion report: disjoint train and test splits, row-major.
 *
 * @param id short name, used in file names
 * @param title one line for the report
 * @param dimension d
 * @param train training vectors, {@code trainCount × d}
 * @param test test vectors, {@code testCount × d}; the first {@code queries} are the recall queries
 * @param gaussianPrediction whether the report shows the Gaussian-predicted NMSE beside the
 *     measured
 * @param notes how the data were made, one sentence each
 */
record BenchDataset(
    String id,
    String title,
    int dimension,
    float[] train,
    float[] test,
    boolean gaussianPrediction,
    List<String> notes) {

  int trainCount() {
    return train.length / dimension;
  }

  int testCount() {
    return test.length / dimension;
  }
}
