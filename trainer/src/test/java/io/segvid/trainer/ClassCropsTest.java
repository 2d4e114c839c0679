package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.data.Augmentation;
import io.segvid.trainer.data.BatchAssembler;
import io.segvid.trainer.data.ClassWeights;
import io.segvid.trainer.data.LabelledImage;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@code train --class-crops}: a 120x160 image of class 0 with one 6x6 patch of class 2 in a corner and
 * a void band; crops of 32x32 placed around a drawn class hold the patch far more often than crops
 * placed anywhere, and every pixel's label still matches the colour it was painted with.
 */
class ClassCropsTest {

  private static final int H = 120;
  private static final int W = 160;
  private static final int CROP = 32;

  @Test
  void cropsPlacedAroundADrawnClassFindTheSmallPatchAndKeepLabelsOnTheirPixels() {
    LabelledImage image = painted();
    double anywhere = patchShare(image, 0f);
    double focused = patchShare(image, 1f);
    // Anywhere: the windows that overlap the patch are ~1 % of all windows. Focused: the patch is one of
    // two classes (void is not drawn), so about half the crops are placed around it.
    assertTrue(anywhere < 0.1, "random crops held the patch " + anywhere);
    assertTrue(focused > 0.35 && focused < 0.65, "class-focused crops held the patch " + focused);
  }

  @Test
  void anImageWithOnlyVoidFallsBackToARandomCrop() {
    byte[] rgb = new byte[H * W * 3];
    byte[] labels = new byte[H * W];
    java.util.Arrays.fill(labels, (byte) 255);
    Augmentation focusOnly = new Augmentation(1f, 1f, false, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f);
    BatchAssembler.Batch b = new BatchAssembler(CROP, CROP, focusOnly, 255, ClassWeights.uniform(3))
        .assemble(List.of(new LabelledImage("void", H, W, rgb, labels)), new Random(1));
    for (int p = 0; p < CROP * CROP; p++) assertEquals(0f, b.weights()[p]);
  }

  /** Share of crops that hold patch pixels, with labels checked against the painted colours. */
  private static double patchShare(LabelledImage image, float classCrops) {
    Augmentation aug = new Augmentation(0.75f, 1.25f, true, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, classCrops);
    BatchAssembler assembler = new BatchAssembler(CROP, CROP, aug, 255, ClassWeights.uniform(3));
    Random random = new Random(3);
    int withPatch = 0;
    int crops = 400;
    for (int i = 0; i < crops; i++) {
      BatchAssembler.Batch b = assembler.assemble(List.of(image), random);
      boolean patch = false;
      for (int p = 0; p < CROP * CROP; p++) {
        int label = b.labels()[p] & 0xff;
        int green = b.images()[p * 3 + 1] & 0xff;
        if (label == 2) patch = true;
        // Painted: class 0 green 40, class 2 green 220, void green 130. Bilinear scaling blends colours at
        // edges, where the nearest-neighbour label may take either side, so only a pure colour of the other
        // class counts as a label that left its pixel.
        if (label == 0) assertTrue(green < 215, "class 0 on a pixel painted " + green);
        if (label == 2) assertTrue(green > 45, "class 2 on a pixel painted " + green);
      }
      if (patch) withPatch++;
    }
    return withPatch / (double) crops;
  }

  private static LabelledImage painted() {
    byte[] rgb = new byte[H * W * 3];
    byte[] labels = new byte[H * W];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int label = y >= H - 10 ? 255 : (y >= 4 && y < 10 && x >= 140 && x < 146) ? 2 : 0;
        labels[y * W + x] = (byte) label;
        rgb[(y * W + x) * 3 + 1] = (byte) (label == 2 ? 220 : label == 255 ? 130 : 40);
      }
    }
    return new LabelledImage("patch", H, W, rgb, labels);
  }
}
