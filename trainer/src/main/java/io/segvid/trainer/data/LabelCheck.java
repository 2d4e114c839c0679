package io.segvid.trainer.data;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Refuses masks whose ids the model cannot have learnt or been scored on. Masks saved as colour
 * images, 0/255 binary masks or a wrong --num-classes otherwise train or score silently wrong.
 */
public final class LabelCheck {

  private static final int UNLABELLED = 255;

  private LabelCheck() { }

  /**
   * Throws naming the first mask with an id outside 0..numClasses-1 that is neither the ignore id nor
   * 255, which datasets use for "unlabelled" (VOC's borders) and which is never scored.
   */
  public static void requireKnownIds(List<LabelledImage> data, int numClasses, int ignoreId, String where) throws IOException {
    for (LabelledImage img : data) {
      for (byte b : img.labels()) {
        int id = b & 0xff;
        if (id >= numClasses && id != ignoreId && id != UNLABELLED) {
          throw new IOException(String.format(Locale.ROOT,
              "mask %s in %s has class id %d, but the classes are 0..%d and the ignore id is %d "
                  + "(check --num-classes / --ignore-id or classes.csv; masks must hold class ids, not colours)",
              img.name(), where, id, numClasses - 1, ignoreId));
        }
      }
    }
  }

  /** Ids 0..numClasses-1 that no pixel of {@code data} carries: classes a model trained on it cannot learn. */
  public static List<Integer> absentIds(List<LabelledImage> data, int numClasses) {
    long[] counts = new long[256];
    for (LabelledImage img : data) for (byte b : img.labels()) counts[b & 0xff]++;
    List<Integer> absent = new java.util.ArrayList<>();
    for (int c = 0; c < numClasses; c++) if (counts[c] == 0) absent.add(c);
    return absent;
  }

  /** Share of labelled pixels that carry the ignore id, 0..1. */
  public static double ignoredShare(List<LabelledImage> data, int ignoreId) {
    long ignored = 0;
    long all = 0;
    for (LabelledImage img : data) {
      for (byte b : img.labels()) if ((b & 0xff) == ignoreId) ignored++;
      all += img.labels().length;
    }
    return all == 0 ? 0 : (double) ignored / all;
  }
}
