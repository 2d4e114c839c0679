package io.segvid.trainer.train;

import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.PictureCondition;
import io.segvid.trainer.eval.ConditionScore;
import io.segvid.trainer.eval.ConfusionMatrix;
import java.io.PrintStream;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code train --select-on robustness}: the selecting validation set scored again under each of
 * evaluate --robustness's conditions, so the model kept is the one that holds up best under other
 * cameras and light, not only on the pictures as recorded.
 */
final class ValidationUnderConditions {

  private ValidationUnderConditions() { }

  /** Scores {@code images} under every standard condition with {@code validate}, logs one line, returns the summary. */
  static ConditionScore.Summary score(List<LabelledImage> images, Function<List<LabelledImage>, ConfusionMatrix> validate,
                                      ConfusionMatrix asRecorded, String what, PrintStream log) {
    List<ConditionScore> scores = new ArrayList<>();
    StringBuilder each = new StringBuilder();
    for (PictureCondition c : PictureCondition.STANDARD) {
      ConfusionMatrix under = validate.apply(changedOnRead(images, c));
      scores.add(new ConditionScore(c.name(), c.description(), under));
      each.append(String.format(Locale.ROOT, "%s%s=%.3f", each.length() == 0 ? "" : " ", c.name(), under.meanIou()));
    }
    ConditionScore.Summary summary = ConditionScore.summary(asRecorded.meanIou(), scores);
    log.printf(Locale.ROOT, "%s under %d conditions: mean mIoU %.4f worst %.4f (%s)%n", what, scores.size(),
        summary.mean(), summary.worst(), each);
    return summary;
  }

  /** The images changed one at a time as they are read, so only one changed copy is held at once. */
  private static List<LabelledImage> changedOnRead(List<LabelledImage> images, PictureCondition condition) {
    return new AbstractList<>() {
      @Override
      public LabelledImage get(int i) {
        return condition.applyTo(images.get(i));
      }

      @Override
      public int size() {
        return images.size();
      }
    };
  }
}
