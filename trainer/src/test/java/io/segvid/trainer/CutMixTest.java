package io.segvid.trainer;

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
 * {@code train --cutmix}: each crop's red channel names the image it came from and its green channel
 * the pixel's label, so after mixing every pixel can say where it came from and whether its label,
 * weight and colour still belong together.
 */
class CutMixTest {

  private static final int H = 30;
  private static final int W = 40;

  @Test
  void pastesOneRectangleFromAnotherCropWithItsLabels() {
    List<LabelledImage> data = coded(6);
    Augmentation mixOnly = new Augmentation(1f, 1f, false, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f);
    BatchAssembler assembler = new BatchAssembler(H, W, mixOnly, 255, ClassWeights.uniform(2));
    Random random = new Random(7);
    for (int round = 0; round < 20; round++) {
      BatchAssembler.Batch b = assembler.assemble(data, random);
      for (int i = 0; i < b.size(); i++) {
        int minY = H;
        int maxY = -1;
        int minX = W;
        int maxX = -1;
        int foreign = 0;
        int foreignSource = -1;
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            int p = i * H * W + y * W + x;
            int source = (b.images()[p * 3] & 0xff) / 20;
            int codedLabel = (b.images()[p * 3 + 1] & 0xff) == 200 ? 1 : y == 0 ? 255 : 0;
            int label = b.labels()[p] & 0xff;
            if (label != 255) assertEquals(codedLabel, label, "label left its pixel at " + y + "," + x);
            assertEquals(label == 255 ? 0f : 1f, b.weights()[p], "weight left its pixel");
            if (source == i) continue;
            assertTrue(foreignSource == -1 || foreignSource == source, "pixels from two other crops in crop " + i);
            foreignSource = source;
            foreign++;
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
          }
        }
        double share = foreign / (double) (H * W);
        assertTrue(share >= 0.08 && share <= 0.52, "pasted share " + share + " outside 10-50%");
        assertEquals((maxY - minY + 1) * (maxX - minX + 1), foreign, "pasted pixels do not form one rectangle");
      }
    }
  }

  @Test
  void noMixingLeavesEveryCropItsOwn() {
    List<LabelledImage> data = coded(4);
    BatchAssembler assembler = new BatchAssembler(H, W, Augmentation.NONE, 255, ClassWeights.uniform(2));
    BatchAssembler.Batch b = assembler.assemble(data, new Random(1));
    for (int i = 0; i < b.size(); i++) {
      for (int p = 0; p < H * W; p++) assertEquals(i, (b.images()[(i * H * W + p) * 3] & 0xff) / 20);
    }
  }

  /** Image n: red 20n+5, green 200 on the right half (class 1) else 20 (class 0); top row ignored. */
  private static List<LabelledImage> coded(int count) {
    List<LabelledImage> out = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      byte[] rgb = new byte[H * W * 3];
      byte[] labels = new byte[H * W];
      int boundary = W / 4 + n * 3;
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int i = y * W + x;
          boolean right = x >= boundary;
          rgb[i * 3] = (byte) (20 * n + 5);
          rgb[i * 3 + 1] = (byte) (right ? 200 : 20);
          labels[i] = (byte) (y == 0 ? 255 : right ? 1 : 0);
        }
      }
      out.add(new LabelledImage("img" + n, H, W, rgb, labels));
    }
    return out;
  }
}
