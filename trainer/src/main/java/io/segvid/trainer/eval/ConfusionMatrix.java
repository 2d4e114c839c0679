package io.segvid.trainer.eval;

/** Pixel confusion counts over classes 0..N-1; pixels labelled with the ignore id (or >= N) are skipped. */
public final class ConfusionMatrix {

  private final int n;
  private final int ignoreId;
  private final long[] counts;

  public ConfusionMatrix(int numClasses, int ignoreId) {
    this.n = numClasses;
    this.ignoreId = ignoreId;
    this.counts = new long[numClasses * numClasses];
  }

  /** Adds one image: ground-truth and predicted ids, same length. */
  public void add(byte[] truth, byte[] predicted) {
    if (truth.length != predicted.length) throw new IllegalArgumentException("mask sizes differ");
    for (int i = 0; i < truth.length; i++) {
      int t = truth[i] & 0xff;
      if (t == ignoreId || t >= n) continue;
      int p = predicted[i] & 0xff;
      if (p >= n) p = t == 0 ? 1 : 0;  // an out-of-range prediction is simply wrong
      counts[t * n + p]++;
    }
  }

  /** Adds another matrix's counts (same classes and ignore id). */
  public void addAll(ConfusionMatrix other) {
    if (other.n != n || other.ignoreId != ignoreId) throw new IllegalArgumentException("matrices differ in classes");
    for (int i = 0; i < counts.length; i++) counts[i] += other.counts[i];
  }

  public int numClasses() {
    return n;
  }

  /** Pixels labelled {@code truth} that the model called {@code predicted}. */
  public long count(int truth, int predicted) {
    return counts[truth * n + predicted];
  }

  /** Scored pixels labelled {@code c}. */
  public long truthPixels(int c) {
    long sum = 0;
    for (int k = 0; k < n; k++) sum += counts[c * n + k];
    return sum;
  }

  /** Pixels the model called {@code c} (among the scored ones). */
  public long predictedPixels(int c) {
    long sum = 0;
    for (int k = 0; k < n; k++) sum += counts[k * n + c];
    return sum;
  }

  /** Share of class {@code c}'s pixels found (recall); NaN when no pixel is labelled {@code c}. */
  public double recall(int c) {
    long truth = truthPixels(c);
    return truth == 0 ? Double.NaN : (double) counts[c * n + c] / truth;
  }

  /** Share of the pixels called {@code c} that are {@code c} (precision); NaN when none is called {@code c}. */
  public double precision(int c) {
    long called = predictedPixels(c);
    return called == 0 ? Double.NaN : (double) counts[c * n + c] / called;
  }

  /** The class that pixels labelled {@code c} are most often taken for, other than {@code c}; -1 if never wrong. */
  public int mostOftenTakenFor(int c) {
    int best = -1;
    for (int k = 0; k < n; k++) {
      if (k != c && counts[c * n + k] > 0 && (best < 0 || counts[c * n + k] > counts[c * n + best])) best = k;
    }
    return best;
  }

  /** IoU per class; NaN for a class absent from both truth and prediction. */
  public double[] iou() {
    double[] out = new double[n];
    for (int c = 0; c < n; c++) {
      long tp = counts[c * n + c];
      long fn = 0;
      long fp = 0;
      for (int k = 0; k < n; k++) {
        if (k == c) continue;
        fn += counts[c * n + k];
        fp += counts[k * n + c];
      }
      long denom = tp + fn + fp;
      out[c] = denom == 0 ? Double.NaN : (double) tp / denom;
    }
    return out;
  }

  public double meanIou() {
    double sum = 0;
    int k = 0;
    for (double v : iou()) {
      if (!Double.isNaN(v)) {
        sum += v;
        k++;
      }
    }
    return k == 0 ? 0 : sum / k;
  }

  public double pixelAccuracy() {
    long correct = 0;
    long total = 0;
    for (int t = 0; t < n; t++) {
      for (int p = 0; p < n; p++) {
        total += counts[t * n + p];
        if (t == p) correct += counts[t * n + p];
      }
    }
    return total == 0 ? 0 : (double) correct / total;
  }
}
