package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.data.Augmentation;
import io.segvid.trainer.data.BatchAssembler;
import io.segvid.trainer.data.ClassWeights;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.train.TrainGraph;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code train --rotate}: a 120x160 image of vertical stripes, 20 pixels wide, alternating class 0
 * (green 40) and class 1 (green 220). Rotated crops keep every label on its own colour, really turn
 * (columns cross stripe edges, which they never do unrotated), and what comes in from outside the image
 * is black and ignored.
 */
class RotationTest {

  private static final int H = 120;
  private static final int W = 160;
  private static final int CROP = 48;

  @Test
  void rotatedCropsKeepEachLabelOnItsColour() {
    int labelled = 0;
    for (BatchAssembler.Batch b : crops(0.75f, 1.25f, 20f, CROP, CROP, 200)) {
      for (int p = 0; p < CROP * CROP; p++) {
        int label = b.labels()[p] & 0xff;
        int green = b.images()[p * 3 + 1] & 0xff;
        // Bilinear gives the nearest source pixel (the label's) at least a quarter of the weight:
        // class 0 reads at most 40/4 + 220*3/4 = 175, class 1 at least 85 (a little slack for rounding).
        if (label == 0) assertTrue(green <= 180, "class 0 on a pixel painted " + green);
        if (label == 1) assertTrue(green >= 80, "class 1 on a pixel painted " + green);
        if (label != TrainGraph.IGNORE_LABEL) labelled++;
      }
    }
    assertTrue(labelled > 200 * CROP * CROP * 0.8, "crops were mostly ignored: " + labelled);
  }

  @Test
  void cropsTurnOnlyWithTheOption() {
    assertEquals(0.0, mixedColumnShare(0f));
    double turned = mixedColumnShare(20f);
    // Tilted by up to 20 degrees, a 48-row column drifts ~8 pixels on average across 15-25 pixel stripes.
    assertTrue(turned > 0.2, "columns crossing a stripe edge with --rotate 20: " + turned);
  }

  @Test
  void cornersBroughtInFromOutsideAreBlackAndIgnored() {
    int blackIgnoredCorners = 0;
    for (BatchAssembler.Batch b : crops(1f, 1f, 30f, H, W, 20)) {
      boolean ignored = (b.labels()[0] & 0xff) == TrainGraph.IGNORE_LABEL && b.weights()[0] == 0f;
      boolean black = b.images()[0] == 0 && b.images()[1] == 0 && b.images()[2] == 0;
      if (ignored && black) blackIgnoredCorners++;
    }
    // The top-left corner leaves the image for any turn over ~0.4 degrees: nearly every draw in +-30.
    assertTrue(blackIgnoredCorners >= 18, "black, ignored top-left corners: " + blackIgnoredCorners + " of 20");
  }

  /** Share of crop columns (with at least two labelled pixels) that hold both classes. */
  private static double mixedColumnShare(float degrees) {
    int columns = 0;
    int mixed = 0;
    for (BatchAssembler.Batch b : crops(0.75f, 1.25f, degrees, CROP, CROP, 100)) {
      for (int x = 0; x < CROP; x++) {
        boolean zero = false;
        boolean one = false;
        for (int y = 0; y < CROP; y++) {
          int label = b.labels()[y * CROP + x] & 0xff;
          zero |= label == 0;
          one |= label == 1;
        }
        if (zero || one) columns++;
        if (zero && one) mixed++;
      }
    }
    return mixed / (double) columns;
  }

  /** {@code count} single-crop batches of the stripes, scaled in [minScale, maxScale], turned up to +-degrees, flipped. */
  private static List<BatchAssembler.Batch> crops(float minScale, float maxScale, float degrees, int cropH, int cropW,
                                                  int count) {
    Augmentation aug = new Augmentation(minScale, maxScale, true, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, degrees);
    BatchAssembler assembler = new BatchAssembler(cropH, cropW, aug, 255, ClassWeights.uniform(2));
    Random random = new Random(5);
    List<BatchAssembler.Batch> batches = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) batches.add(assembler.assemble(List.of(stripes()), random));
    return batches;
  }

  private static LabelledImage stripes() {
    byte[] rgb = new byte[H * W * 3];
    byte[] labels = new byte[H * W];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int label = (x / 20) % 2;
        labels[y * W + x] = (byte) label;
        rgb[(y * W + x) * 3 + 1] = (byte) (label == 1 ? 220 : 40);
      }
    }
    return new LabelledImage("stripes", H, W, rgb, labels);
  }
}
