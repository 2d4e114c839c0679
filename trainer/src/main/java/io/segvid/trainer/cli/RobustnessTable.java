package io.segvid.trainer.cli;

import io.segvid.inference.Segmenter;
import io.segvid.trainer.data.ImagesReadOnDemand;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import io.segvid.trainer.data.MaskColours;
import io.segvid.trainer.data.PictureCondition;
import io.segvid.trainer.eval.ConditionScore;
import io.segvid.trainer.eval.ConfusionMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code evaluate --robustness}: the model scored again under each picture condition, a row
 * printed as each finishes (a pass over the images apiece), beside the score as given.
 */
final class RobustnessTable {

  private RobustnessTable() { }

  static List<ConditionScore> score(Segmenter segmenter, List<LabelledImageFolder.Pair> pairs, MaskColours colours,
                                    PictureCondition given, List<PictureCondition> conditions, Integer ignoreId,
                                    ConfusionMatrix asGiven) {
    System.out.printf(Locale.ROOT, "robustness: the same images as another camera or light would give them%n");
    System.out.printf(Locale.ROOT, "  %-12s %-7s %-9s %-8s %s%n", "condition", "mIoU", "pixel acc", "vs given", "change");
    row("as given", asGiven, asGiven, given.description());
    List<ConditionScore> scores = new ArrayList<>();
    for (PictureCondition condition : conditions) {
      // Ids were checked in the first pass; here the images only change.
      List<LabelledImage> images = new ImagesReadOnDemand(pairs, colours, img -> condition.applyTo(given.applyTo(img)));
      ConfusionMatrix cm = EvaluateCommand.evaluate(segmenter, images, ignoreId).confusion();
      row(condition.name(), cm, asGiven, condition.description());
      scores.add(new ConditionScore(condition.name(), condition.description(), cm));
    }
    ConditionScore.Summary summary = ConditionScore.summary(asGiven.meanIou(), scores);
    System.out.printf(Locale.ROOT, "  %-12s %-7s %-9s %-8s over the %d rows above%n", "mean", format(summary.mean(), "%.4f"),
        "", format(summary.mean() - asGiven.meanIou(), "%+.4f"), summary.conditions());
    System.out.printf(Locale.ROOT, "  %-12s %-7s %-9s %-8s%n", "worst", format(summary.worst(), "%.4f"), "",
        format(summary.worst() - asGiven.meanIou(), "%+.4f"));
    return scores;
  }

  private static void row(String name, ConfusionMatrix cm, ConfusionMatrix asGiven, String change) {
    System.out.printf(Locale.ROOT, "  %-12s %-7s %-9s %-8s %s%n", name, format(cm.meanIou(), "%.4f"),
        format(cm.pixelAccuracy(), "%.4f"), format(cm.meanIou() - asGiven.meanIou(), "%+.4f"), change);
  }

  private static String format(double v, String pattern) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, pattern, v);
  }
}
