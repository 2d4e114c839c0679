package io.segvid.trainer.eval;

import java.util.List;

/** A model's scores on pictures under one named condition (another white balance, noise, ...). */
public record ConditionScore(String name, String description, ConfusionMatrix confusion) {

  /** Mean and lowest mIoU over the pictures as given and under every condition: one number to rank models by, one to guard. */
  public record Summary(double mean, double worst, int conditions) { }

  public static Summary summary(double asGivenMeanIou, List<ConditionScore> scores) {
    double sum = asGivenMeanIou;
    double worst = asGivenMeanIou;
    for (ConditionScore s : scores) {
      double v = s.confusion().meanIou();
      sum += v;
      worst = Math.min(worst, v);
    }
    return new Summary(sum / (scores.size() + 1), worst, scores.size() + 1);
  }
}
