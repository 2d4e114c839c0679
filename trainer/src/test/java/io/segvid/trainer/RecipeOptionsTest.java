package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.data.Augmentation;
import io.segvid.trainer.data.BatchAssembler;
import io.segvid.trainer.data.ClassWeights;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.SequenceSplit;
import io.segvid.trainer.train.LossKind;
import io.segvid.trainer.train.OptimizerKind;
import io.segvid.trainer.train.TrainGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The training recipe's options on tiny data: the by-sequence split, the augmentations, the focal loss. */
class RecipeOptionsTest {

  @Test
  void splitHoldsOutWholeSequencesByPrefix() {
    List<LabelledImage> images = new ArrayList<>();
    for (String name : List.of("0001TP_006690", "0001TP_006720", "0006R0_f01140", "0016E5_00390", "0016E5_00420")) {
      images.add(new LabelledImage(name, 1, 1, new byte[3], new byte[1]));
    }
    SequenceSplit.Split s = SequenceSplit.byPrefix(images, List.of("0001TP", "0006R0"));
    assertEquals(List.of("0016E5_00390", "0016E5_00420"), s.train().stream().map(LabelledImage::name).toList());
    assertEquals(List.of("0001TP_006690", "0001TP_006720", "0006R0_f01140"), s.heldOut().stream().map(LabelledImage::name).toList());
    assertThrows(IllegalArgumentException.class, () -> SequenceSplit.byPrefix(images, List.of("Seq05VD")));
    assertThrows(IllegalArgumentException.class, () -> SequenceSplit.byPrefix(images, List.of("00")));
  }

  /**
   * Dark pixels are class 0 and bright ones class 1 (TinyModels.twoRegions). Whatever scale, crop,
   * flip, colour, white balance, hue, gamma, blur and noise do, each crop's labels must still sit on its pixels:
   * nearly every labelled pixel is on its class's side of the brightness midpoint.
   */
  @Test
  void augmentationsKeepImageAndMaskAligned() {
    Augmentation strong = new Augmentation(0.5f, 2.0f, true, 0.2f, 0.2f, 0.3f, 0.1f, 0.5f, 1.0f, 8f, 0.25f, 0f);
    BatchAssembler assembler = new BatchAssembler(40, 40, strong, 255, ClassWeights.uniform(2));
    List<LabelledImage> data = TinyModels.twoRegions(6, 48, 64, 5);
    Random random = new Random(3);
    int checked = 0;
    for (int round = 0; round < 10; round++) {
      BatchAssembler.Batch b = assembler.assemble(data, random);
      for (int i = 0; i < b.size(); i++) {
        double[] sum = new double[2];
        int[] count = new int[2];
        int px = b.height() * b.width();
        for (int p = 0; p < px; p++) {
          int label = b.labels()[i * px + p] & 0xff;
          if (label > 1) continue;
          sum[label] += gray(b.images(), (i * px + p) * 3);
          count[label]++;
        }
        if (count[0] < 40 || count[1] < 40) continue;  // the crop shows one class only
        double mid = (sum[0] / count[0] + sum[1] / count[1]) / 2;
        int right = 0;
        for (int p = 0; p < px; p++) {
          int label = b.labels()[i * px + p] & 0xff;
          if (label > 1) continue;
          if ((gray(b.images(), (i * px + p) * 3) > mid) == (label == 1)) right++;
        }
        double share = (double) right / (count[0] + count[1]);
        assertTrue(share > 0.95, "labels off their pixels: only " + share + " on the right side");
        checked++;
      }
    }
    assertTrue(checked >= 10, "too few two-class crops checked: " + checked);
  }

  /**
   * White balance on a grey picture: red against blue spans both colour temperatures up to the
   * configured log gain (warm and cool crops both occur), green stays within half of it, and
   * brightness/contrast/saturation off means nothing else changes the ratio.
   */
  @Test
  void whiteBalanceShiftsColourTemperatureBothWays() {
    float w = 0.25f;
    Augmentation wb = new Augmentation(1f, 1f, false, 0f, 0f, 0f, 0f, 0f, 0f, 0f, w, 0f);
    byte[] grey = new byte[24 * 24 * 3];
    java.util.Arrays.fill(grey, (byte) 100);
    List<LabelledImage> data = List.of(new LabelledImage("grey", 24, 24, grey, new byte[24 * 24]));
    BatchAssembler assembler = new BatchAssembler(24, 24, wb, 255, ClassWeights.uniform(2));
    Random random = new Random(11);
    double warmest = 0;
    double coolest = 0;
    for (int round = 0; round < 200; round++) {
      byte[] px = assembler.assemble(data, random).images();
      double redOverBlue = Math.log((px[0] & 0xff) / (double) (px[2] & 0xff));
      double green = Math.log((px[1] & 0xff) / 100.0);
      assertTrue(Math.abs(redOverBlue) <= 2 * w + 0.02, "red/blue log ratio " + redOverBlue + " beyond 2 * " + w);
      assertTrue(Math.abs(green) <= w / 2 + 0.02, "green log gain " + green + " beyond " + w / 2);
      warmest = Math.max(warmest, redOverBlue);
      coolest = Math.min(coolest, redOverBlue);
    }
    assertTrue(warmest > 1.5 * w && coolest < -1.5 * w, "temperatures seen only " + coolest + " .. " + warmest);
  }

  /**
   * Saturation alone on an orange picture: its distance from grey (red minus blue) spans x(1-S)..(1+S),
   * both ends reached, and the grey level stays where it was.
   */
  @Test
  void saturationScalesColourAboutGreyBothWays() {
    float s = 0.5f;
    Augmentation saturationOnly = new Augmentation(1f, 1f, false, 0f, 0f, s);
    byte[] orange = new byte[16 * 16 * 3];
    for (int p = 0; p < orange.length; p += 3) {
      orange[p] = (byte) 200;
      orange[p + 1] = (byte) 100;
      orange[p + 2] = (byte) 50;
    }
    List<LabelledImage> data = List.of(new LabelledImage("orange", 16, 16, orange, new byte[16 * 16]));
    BatchAssembler assembler = new BatchAssembler(16, 16, saturationOnly, 255, ClassWeights.uniform(2));
    Random random = new Random(5);
    double least = Double.MAX_VALUE;
    double most = 0;
    for (int round = 0; round < 100; round++) {
      byte[] px = assembler.assemble(data, random).images();
      double chroma = ((px[0] & 0xff) - (px[2] & 0xff)) / 150.0;
      assertTrue(chroma >= 1 - s - 0.02 && chroma <= 1 + s + 0.02, "red minus blue x" + chroma + " beyond 1 +- " + s);
      assertEquals(gray(orange, 0), gray(px, 0), 1.5, "saturation moves colour, not the grey level");
      least = Math.min(least, chroma);
      most = Math.max(most, chroma);
    }
    assertTrue(least < 1 - 0.8 * s && most > 1 + 0.8 * s, "saturation seen only x" + least + " .. x" + most);
  }

  @Test
  void focalLossWeighsEasyPixelsLessAndTrains() {
    List<LabelledImage> data = TinyModels.twoRegions(4, 32, 32, 9);
    BatchAssembler assembler = new BatchAssembler(32, 32, Augmentation.NONE, 255, ClassWeights.uniform(2));
    BatchAssembler.Batch batch = assembler.assemble(data, new Random(1));
    float ce;
    try (TrainGraph g = new TrainGraph(TinyModels.spec(2), OptimizerKind.ADAM, 0f, 0.9f, 2, LossKind.CROSS_ENTROPY);
         TrainingStepTest.Tensors t = new TrainingStepTest.Tensors(batch)) {
      g.loadModel(g.freshModelValues(5));
      g.loadOptimizer(g.freshOptimizerValues());
      ce = g.loss(t.images, t.labels, t.weights);
    }
    try (TrainGraph g = new TrainGraph(TinyModels.spec(2), OptimizerKind.ADAM, 0f, 0.9f, 2, LossKind.FOCAL);
         TrainingStepTest.Tensors t = new TrainingStepTest.Tensors(batch)) {
      g.loadModel(g.freshModelValues(5));
      g.loadOptimizer(g.freshOptimizerValues());
      float focal = g.loss(t.images, t.labels, t.weights);
      assertTrue(focal > 0 && focal < ce, "focal " + focal + " must be below cross-entropy " + ce);
      for (int step = 1; step <= 30; step++) g.step(t.images, t.labels, t.weights, 3e-3f, step);
      float trained = g.loss(t.images, t.labels, t.weights);
      assertTrue(trained < 0.5f * focal, "focal loss should fall: " + focal + " -> " + trained);
    }
  }

  private static double gray(byte[] rgb, int i) {
    return 0.299 * (rgb[i] & 0xff) + 0.587 * (rgb[i + 1] & 0xff) + 0.114 * (rgb[i + 2] & 0xff);
  }
}
