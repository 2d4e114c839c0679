package io.segvid.trainer.train;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Estimates how long the rest of a run takes from this sitting's recent epochs. Medians of the last
 * few epochs, not the sitting's mean: one epoch stretched by a suspended process or a burst of other
 * work on a shared machine should not inflate the estimate for the rest of the run, and a machine that
 * got busier or quieter shows within a few epochs. Training and validation are timed apart because
 * validation runs only every few epochs.
 */
public final class TimeLeft {
  static final int WINDOW = 9;

  private final Deque<Double> trainingSeconds = new ArrayDeque<>();
  private final Deque<Double> validationSeconds = new ArrayDeque<>();

  /** One epoch's training time. */
  public void trained(double seconds) {
    push(trainingSeconds, seconds);
  }

  /** One validation's time. */
  public void validated(double seconds) {
    push(validationSeconds, seconds);
  }

  /**
   * Seconds for {@code epochs} more epochs and {@code validations} more validations; validations count
   * only once one has been timed in this sitting. NaN before any epoch has been timed.
   */
  public double seconds(int epochs, int validations) {
    if (trainingSeconds.isEmpty()) return Double.NaN;
    double total = epochs * median(trainingSeconds);
    if (!validationSeconds.isEmpty()) total += validations * median(validationSeconds);
    return total;
  }

  /** How many validations epochs {@code after+1 .. last} hold: every {@code every}-th, and the last. */
  public static int validationsAfter(int after, int last, int every) {
    if (after >= last) return 0;
    int count = last / every - after / every;
    return last % every == 0 ? count : count + 1;
  }

  private static void push(Deque<Double> window, double seconds) {
    if (window.size() == WINDOW) window.removeFirst();
    window.addLast(seconds);
  }

  private static double median(Deque<Double> window) {
    double[] sorted = window.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
