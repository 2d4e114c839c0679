package io.segvid.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

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
    List<LabelledImage> held = withPrefixes(images, LabelledImage::name, prefixes, "--val-by-prefix", "training image");
    List<LabelledImage> train = new ArrayList<>(images);
    train.removeAll(held);
    if (train.isEmpty()) throw new IllegalArgumentException("--val-by-prefix " + String.join(",", prefixes)
        + " holds out every training image");
    return new Split(train, held);
  }

  /**
   * The images whose names start with one of {@code prefixes}, in their order; a prefix that matches
   * none is refused as "FLAG P matches no WHAT" (a typo would otherwise select nothing silently).
   */
  public static <T> List<T> withPrefixes(List<T> images, Function<T, String> name, List<String> prefixes, String flag,
                                         String what) {
    for (String p : prefixes) {
      if (images.stream().noneMatch(i -> name.apply(i).startsWith(p))) {
        throw new IllegalArgumentException(flag + " " + p + " matches no " + what);
      }
    }
    return images.stream().filter(i -> prefixes.stream().anyMatch(name.apply(i)::startsWith)).toList();
  }
}
