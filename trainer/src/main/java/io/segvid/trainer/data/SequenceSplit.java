package io.segvid.trainer.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds whole sequences out of the training set by file-name prefix (CamVid's 0001TP_, 0006R0_,
 * Seq05VD_, ...; a user's frames named after their video). Frames of one video are near-copies of
 * each other: a validation set drawn from the same videos as training rewards memorising them, one
 * drawn from other videos measures what a user sees on theirs.
 */
public final class SequenceSplit {

  /** The frames kept for training and the frames held out. */
  public record Split(List<LabelledImage> train, List<LabelledImage> heldOut) { }

  private SequenceSplit() { }

  public static Split byPrefix(List<LabelledImage> images, List<String> prefixes) {
    List<LabelledImage> train = new ArrayList<>();
    List<LabelledImage> held = new ArrayList<>();
    for (LabelledImage i : images) (prefixes.stream().anyMatch(i.name()::startsWith) ? held : train).add(i);
    for (String p : prefixes) {
      if (held.stream().noneMatch(i -> i.name().startsWith(p))) {
        throw new IllegalArgumentException("--val-by-prefix " + p + " matches no training image");
      }
    }
    if (train.isEmpty()) throw new IllegalArgumentException("--val-by-prefix " + String.join(",", prefixes)
        + " holds out every training image");
    return new Split(train, held);
  }
}
