package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.data.Augmentation;
import io.segvid.trainer.data.BatchAssembler;
import io.segvid.trainer.data.ClassWeights;
import io.segvid.trainer.data.LabelledImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code train --copy-paste}: each crop's red channel names the image it came from and its green
 * channel the pixel's label, so after pasting every pixel can say where it came from and whether its
 * label, weight and colour still belong together.
 */
class CopyPasteTest {

  private static final int H = 30;
  private static final int W = 40;
  /** Green per class: 0 background, 1 a wide "road", 2 a thin "pole" (the rare one). */
  private static final int[] GREEN = {20, 120, 220};
  private static final float[] WEIGHTS = {1f, 0.5f, 3f};

  @Test
  void pastesExactlyTheRareClassPixelsOfOneOtherCropInPlace() {
    List<LabelledImage> data = coded(6);
    Augmentation pasteOnly = new Augmentation(1f, 1f, false, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f);
    boolean[] rare = {false, false, true};
    BatchAssembler assembler = new BatchAssembler(H, W, pasteOnly, 255, WEIGHTS, rare);
    Random random = new Random(11);
    for (int round = 0; round < 20; round++) {
      BatchAssembler.Batch b = assembler.assemble(data, random);
      for (int i = 0; i < b.size(); i++) {
        int source = -1;
        int foreign = 0;
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            int p = i * H * W + y * W + x;
            int from = (b.images()[p * 3] & 0xff) / 20;
            int label = b.labels()[p] & 0xff;
            if (label != 255) {
              assertEquals(GREEN[label], b.images()[p * 3 + 1] & 0xff, "label and pixel parted at " + y + "," + x);
              assertEquals(WEIGHTS[label], b.weights()[p], "weight and label parted at " + y + "," + x);
            }
            if (from == i) continue;
            assertEquals(2, label, "a pixel of a class that is not pasted came from crop " + from);
            assertTrue(source == -1 || source == from, "objects from two other crops in crop " + i);
            source = from;
            foreign++;
          }
        }
        assertTrue(source >= 0, "crop " + i + " got nothing although every crop is pasted into");
        // Every pole pixel of the source crop arrived, at its own place.
        int sourcePoles = 0;
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) if (label(source, y, x) == 2) sourcePoles++;
        assertEquals(sourcePoles, foreign, "crop " + i + " did not get all of crop " + source + "'s pole");
      }
    }
  }

  @Test
  void withoutProbabilityOrClassesEveryCropStaysItsOwn() {
    List<LabelledImage> data = coded(4);
    Augmentation pasteAll = new Augmentation(1f, 1f, false, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f);
    Augmentation pasteNone = new Augmentation(1f, 1f, false, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
    for (BatchAssembler assembler : List.of(new BatchAssembler(H, W, pasteAll, 255, WEIGHTS),
        new BatchAssembler(H, W, pasteNone, 255, WEIGHTS, new boolean[] {true, true, true}))) {
      BatchAssembler.Batch b = assembler.assemble(data, new Random(3));
      for (int i = 0; i < b.size(); i++) {
        for (int p = 0; p < H * W; p++) assertEquals(i, (b.images()[(i * H * W + p) * 3] & 0xff) / 20);
      }
    }
  }

  @Test
  void theRareClassesAreThoseUnderTheMedianPixelShare() {
    // Shares where present: background ~2/3, road ~1/4, pole ~1/16: the median is the road's.
    assertArrayEquals(new boolean[] {false, false, true}, ClassWeights.rarerThanMedian(coded(5), 3));
  }

  /** Image n: red 20n+5; a road band in the lower rows, a pole two columns wide at a column of its own. */
  private static List<LabelledImage> coded(int count) {
    List<LabelledImage> out = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      byte[] rgb = new byte[H * W * 3];
      byte[] labels = new byte[H * W];
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int i = y * W + x;
          int c = label(n, y, x);
          rgb[i * 3] = (byte) (20 * n + 5);
          rgb[i * 3 + 1] = (byte) GREEN[c];
          labels[i] = (byte) c;
        }
      }
      out.add(new LabelledImage("img" + n, H, W, rgb, labels));
    }
    return out;
  }

  private static int label(int image, int y, int x) {
    int poleColumn = 3 + image * 6;
    if (x >= poleColumn && x < poleColumn + 2 && y >= 5) return 2;
    return y >= H * 3 / 4 ? 1 : 0;
  }
}
