package io.segvid.trainer.data;

import java.util.List;

/** Loss weights per class. Median-frequency balancing (Eigen and Fergus) lifts rare thin classes. */
public final class ClassWeights {

  private ClassWeights() { }

  public static float[] uniform(int numClasses) {
    float[] w = new float[numClasses];
    java.util.Arrays.fill(w, 1f);
    return w;
  }

  /**
   * freq(c) = pixels of c / pixels of images where c appears; weight = median(freq) / freq(c).
   * Classes that never appear get weight 0. Weights are clipped to [0.1, 10] to keep the loss tame.
   */
  public static float[] medianFrequency(List<LabelledImage> data, int numClasses) {
    long[] classPixels = new long[numClasses];
    long[] imagePixels = new long[numClasses];
    for (LabelledImage img : data) {
      long[] count = new long[numClasses];
      for (byte b : img.labels()) {
        int c = b & 0xff;
        if (c < numClasses) count[c]++;
      }
      for (int c = 0; c < numClasses; c++) {
        if (count[c] > 0) {
          classPixels[c] += count[c];
          imagePixels[c] += img.labels().length;
        }
      }
    }
    double[] freq = new double[numClasses];
    double[] present = java.util.stream.IntStream.range(0, numClasses).filter(c -> imagePixels[c] > 0)
        .mapToDouble(c -> (double) classPixels[c] / imagePixels[c]).sorted().toArray();
    if (present.length == 0) return uniform(numClasses);
    double median = present.length % 2 == 1 ? present[present.length / 2]
        : (present[present.length / 2 - 1] + present[present.length / 2]) / 2;
    float[] w = new float[numClasses];
    for (int c = 0; c < numClasses; c++) {
      freq[c] = imagePixels[c] == 0 ? 0 : (double) classPixels[c] / imagePixels[c];
      w[c] = freq[c] == 0 ? 0f : (float) Math.max(0.1, Math.min(10.0, median / freq[c]));
    }
    return w;
  }

  /** The classes rarer than the median class (median-frequency weight above 1): the thin and small ones. */
  public static boolean[] rarerThanMedian(List<LabelledImage> data, int numClasses) {
    float[] w = medianFrequency(data, numClasses);
    boolean[] rare = new boolean[numClasses];
    for (int c = 0; c < numClasses; c++) rare[c] = w[c] > 1f;
    return rare;
  }

  public static float[] parse(String csv, int numClasses) {
    String[] parts = csv.split(",");
    if (parts.length != numClasses) {
      throw new IllegalArgumentException("--class-weights needs " + numClasses + " comma-separated numbers, got " + parts.length);
    }
    float[] w = new float[numClasses];
    for (int i = 0; i < numClasses; i++) {
      w[i] = Float.parseFloat(parts[i].strip());
      if (w[i] < 0 || !Float.isFinite(w[i])) throw new IllegalArgumentException("class weight " + i + " must be >= 0");
    }
    return w;
  }
}
