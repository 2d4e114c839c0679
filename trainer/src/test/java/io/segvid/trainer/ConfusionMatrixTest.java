package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.eval.ConfusionMatrix;
import org.junit.jupiter.api.Test;

/** IoU, mIoU and pixel accuracy on imperfect predictions, against counts worked out by hand. */
class ConfusionMatrixTest {

  @Test
  void scoresImperfectPredictions() {
    // 3 classes, ignore id 9. Truth / prediction per pixel:
    byte[] truth = {0, 0, 0, 0, 1, 1, 1, 2, 9, 9};
    byte[] pred = {0, 0, 1, 2, 1, 1, 0, 2, 0, 1};
    ConfusionMatrix cm = new ConfusionMatrix(3, 9);
    cm.add(truth, pred);
    double[] iou = cm.iou();
    // class 0: tp 2, fn 2 (0->1, 0->2), fp 1 (1->0): 2/5
    assertEquals(2.0 / 5, iou[0], 1e-12);
    // class 1: tp 2, fn 1 (1->0), fp 1 (0->1): 2/4
    assertEquals(2.0 / 4, iou[1], 1e-12);
    // class 2: tp 1, fn 0, fp 1 (0->2): 1/2
    assertEquals(1.0 / 2, iou[2], 1e-12);
    assertEquals((0.4 + 0.5 + 0.5) / 3, cm.meanIou(), 1e-12);
    assertEquals(5.0 / 8, cm.pixelAccuracy(), 1e-12, "ignored pixels are not scored");
  }

  @Test
  void recallPrecisionAndTheClassEachIsMostOftenTakenFor() {
    // Truth / prediction: class 0 is taken for 2 twice and for 1 once; class 1 for 0 once; class 2 never.
    byte[] truth = {0, 0, 0, 0, 0, 1, 1, 1, 2, 2};
    byte[] pred = {0, 0, 2, 2, 1, 1, 1, 0, 2, 2};
    ConfusionMatrix cm = new ConfusionMatrix(4, 255);
    cm.add(truth, pred);
    assertEquals(2.0 / 5, cm.recall(0), 1e-12);
    assertEquals(2.0 / 3, cm.precision(0), 1e-12, "two of the three pixels called 0 are 0");
    assertEquals(2, cm.mostOftenTakenFor(0));
    assertEquals(0, cm.mostOftenTakenFor(1));
    assertEquals(-1, cm.mostOftenTakenFor(2), "never wrong");
    assertEquals(2.0 / 4, cm.precision(2), 1e-12);
    assertEquals(2, cm.count(0, 2));
    assertEquals(3, cm.truthPixels(1));
    assertEquals(4, cm.predictedPixels(2));
    assertTrue(Double.isNaN(cm.recall(3)) && Double.isNaN(cm.precision(3)), "class 3 is neither labelled nor predicted");
  }

  @Test
  void aClassAbsentFromTruthAndPredictionIsLeftOutOfTheMean() {
    ConfusionMatrix cm = new ConfusionMatrix(4, 255);
    cm.add(new byte[] {0, 0, 1, 1}, new byte[] {0, 1, 1, 1});
    double[] iou = cm.iou();
    assertTrue(Double.isNaN(iou[2]) && Double.isNaN(iou[3]));
    assertEquals((1.0 / 2 + 2.0 / 3) / 2, cm.meanIou(), 1e-12);
  }

  @Test
  void countsAccumulateOverImagesAndOutOfRangePredictionsAreWrong() {
    ConfusionMatrix cm = new ConfusionMatrix(2, 255);
    cm.add(new byte[] {0, 1}, new byte[] {0, 1});
    cm.add(new byte[] {0, 1}, new byte[] {7, 1});  // 7 is no class: counted as a miss
    assertEquals(3.0 / 4, cm.pixelAccuracy(), 1e-12);
    assertEquals((1.0 / 2 + 2.0 / 3) / 2, cm.meanIou(), 1e-12);
  }
}
