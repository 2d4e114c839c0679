package io.segvid.trainer.data;

import java.util.Arrays;
import java.util.Random;

/**
 * Places a crop window around a pixel of one class, the class drawn uniformly among those the image
 * shows ({@code --class-crops}). Random windows land on what covers most of a street scene (road, sky,
 * building); this brings poles, signs and people into crops as often as the road. One per assembler.
 */
final class ClassFocusedCrop {

  private final int[] counts;
  private final int ignoreId;

  ClassFocusedCrop(int classes, int ignoreId) {
    this.counts = new int[classes];
    this.ignoreId = ignoreId;
  }

  /**
   * The window's top-left corner {y0, x0} for an {@code h x w} label map and a {@code cropH x cropW}
   * crop, containing a random pixel of the drawn class at a random place in the window (kept inside the
   * image where the image is larger than the crop); null where no pixel has a trainable class.
   */
  int[] place(byte[] labels, int h, int w, int cropH, int cropW, Random random) {
    Arrays.fill(counts, 0);
    for (int i = 0; i < h * w; i++) {
      int label = labels[i] & 0xff;
      if (label != ignoreId && label < counts.length) counts[label]++;
    }
    int present = 0;
    for (int c : counts) if (c > 0) present++;
    if (present == 0) return null;
    int pick = random.nextInt(present);
    int cls = 0;
    while (counts[cls] == 0 || pick-- > 0) cls++;
    int nth = random.nextInt(counts[cls]);
    int at = 0;
    for (int i = 0; i < h * w; i++) {
      if ((labels[i] & 0xff) == cls && nth-- == 0) {
        at = i;
        break;
      }
    }
    return new int[] {corner(at / w, h, cropH, random), corner(at % w, w, cropW, random)};
  }

  /** Start of a window of {@code crop} along an axis of {@code size} that holds {@code p}. */
  private static int corner(int p, int size, int crop, Random random) {
    int start = p - random.nextInt(crop);
    if (size > crop) return Math.max(0, Math.min(size - crop, start));
    return Math.max(size - crop, Math.min(0, start));  // image smaller than the crop: padding around it
  }
}
