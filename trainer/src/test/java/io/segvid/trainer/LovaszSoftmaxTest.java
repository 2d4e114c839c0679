package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.data.Augmentation;
import io.segvid.trainer.data.BatchAssembler;
import io.segvid.trainer.data.ClassWeights;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.train.LossKind;
import io.segvid.trainer.train.LovaszSoftmax;
import io.segvid.trainer.train.OptimizerKind;
import io.segvid.trainer.train.TrainGraph;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The Lovász-softmax loss against its defining property, and the trainer's {@code --loss lovasz}. */
class LovaszSoftmaxTest {

  private static final int CLASSES = 4;
  private static final int IGNORED = -1;

  /** For confident (one-hot) predictions the loss is 1 - IoU averaged over the classes in the labels. */
  @Test
  void confidentPredictionsGiveOneMinusMeanIoU() {
    Random random = new Random(7);
    for (int trial = 0; trial < 5; trial++) {
      int pixels = 200 + random.nextInt(300);
      int[] truth = new int[pixels];
      int[] predicted = new int[pixels];
      for (int i = 0; i < pixels; i++) {
        // Class 3 never appears in the labels: it must not count, even where it is predicted.
        truth[i] = random.nextInt(10) == 0 ? IGNORED : random.nextInt(CLASSES - 1);
        predicted[i] = random.nextInt(3) == 0 ? random.nextInt(CLASSES) : Math.max(truth[i], 0);
      }
      assertEquals(1 - meanIoUOfPresent(truth, predicted), lovasz(truth, predicted), 1e-4,
          "trial " + trial + " with " + pixels + " pixels");
    }
  }

  @Test
  void perfectPredictionsCostNothing() {
    int[] truth = {0, 1, 2, 2, IGNORED, 1, 0, 0};
    int[] predicted = {0, 1, 2, 2, 3, 1, 0, 0};
    assertEquals(0.0, lovasz(truth, predicted), 1e-5);
  }

  @Test
  void trainingWithTheLovaszLossLowersIt() {
    List<LabelledImage> data = TinyModels.twoRegions(4, 32, 32, 9);
    BatchAssembler assembler = new BatchAssembler(32, 32, Augmentation.NONE, 255, ClassWeights.uniform(2));
    BatchAssembler.Batch batch = assembler.assemble(data, new Random(1));
    try (TrainGraph g = new TrainGraph(TinyModels.spec(2), OptimizerKind.ADAM, 0f, 0.9f, 2, LossKind.LOVASZ);
         TrainingStepTest.Tensors t = new TrainingStepTest.Tensors(batch)) {
      g.loadModel(g.freshModelValues(5));
      g.loadOptimizer(g.freshOptimizerValues());
      float start = g.loss(t.images, t.labels, t.weights);
      for (int step = 1; step <= 30; step++) g.step(t.images, t.labels, t.weights, 3e-3f, step);
      float trained = g.loss(t.images, t.labels, t.weights);
      assertTrue(Float.isFinite(trained) && trained < 0.5f * start, "loss should fall: " + start + " -> " + trained);
    }
  }

  /**
   * On soft predictions the binned loss is the sorted one within 1/BINS, and its gradient points the
   * same way: only the order of pixels whose errors nearly tie is given up.
   */
  @ParameterizedTest(name = "logits spread {0}")
  @ValueSource(floats = {2f, 8f})
  void softPredictionsMatchTheSortedForm(float spread) {
    // Spread 2: an early model, errors all over [0, 1]; spread 8: a trained one, most errors near 0.
    Random random = new Random(11);
    int pixels = 40_000;
    float[][] logits = new float[pixels][CLASSES];
    float[][] oneHot = new float[pixels][CLASSES];
    for (int i = 0; i < pixels; i++) {
      // Class 3 is rare; one pixel in 20 is ignored; the model leans to the truth, wrongly at times.
      int truth = random.nextInt(50) == 0 ? 3 : random.nextInt(CLASSES - 1);
      for (int c = 0; c < CLASSES; c++) logits[i][c] = (float) (random.nextGaussian() * spread);
      logits[i][truth] += spread;
      if (random.nextInt(20) != 0) oneHot[i][truth] = 1f;
    }
    float[][] binned = lossAndGradient(logits, oneHot, false);
    float[][] sorted = lossAndGradient(logits, oneHot, true);
    assertEquals(sorted[0][0], binned[0][0], 1.0 / LovaszSoftmax.BINS, "loss");
    double dot = 0;
    double binnedNorm = 0;
    double sortedNorm = 0;
    for (int i = 0; i < sorted[1].length; i++) {
      dot += (double) sorted[1][i] * binned[1][i];
      binnedNorm += (double) binned[1][i] * binned[1][i];
      sortedNorm += (double) sorted[1][i] * sorted[1][i];
    }
    double cosine = dot / Math.sqrt(binnedNorm * sortedNorm);
    assertTrue(cosine > 0.999, "gradients should agree: cosine " + cosine);
    assertEquals(1.0, Math.sqrt(binnedNorm / sortedNorm), 0.01, "gradient size");
  }

  /** {loss}, then the gradient with respect to the logits, flattened. */
  private static float[][] lossAndGradient(float[][] logits, float[][] oneHot, boolean sorted) {
    try (Graph graph = new Graph(); Session session = new Session(graph);
         TFloat32 logitsT = TFloat32.tensorOf(StdArrays.ndCopyOf(logits));
         TFloat32 oneHotT = TFloat32.tensorOf(StdArrays.ndCopyOf(oneHot))) {
      Ops tf = Ops.create(graph);
      var input = tf.placeholder(TFloat32.class);
      var labels = tf.constantOf(oneHotT);
      var loss = sorted ? SortedLovaszSoftmax.loss(tf, input, labels, CLASSES)
          : LovaszSoftmax.loss(tf, input, labels, CLASSES);
      var gradient = graph.addGradients(loss.asOutput(), new org.tensorflow.Output<?>[] {input.asOutput()})[0];
      try (var results = session.runner().feed(input, logitsT).fetch(loss).fetch(gradient).run()) {
        TFloat32 lossValue = (TFloat32) results.get(0);
        TFloat32 gradientValue = (TFloat32) results.get(1);
        float[] flat = new float[logits.length * CLASSES];
        gradientValue.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(flat, false, false));
        return new float[][] {{lossValue.getFloat()}, flat};
      }
    }
  }

  private static double lovasz(int[] truth, int[] predicted) {
    float[][] logits = new float[truth.length][CLASSES];
    float[][] oneHot = new float[truth.length][CLASSES];
    for (int i = 0; i < truth.length; i++) {
      logits[i][predicted[i]] = 40f;  // softmax ~ one-hot
      if (truth[i] != IGNORED) oneHot[i][truth[i]] = 1f;
    }
    try (Graph graph = new Graph(); Session session = new Session(graph);
         TFloat32 logitsT = TFloat32.tensorOf(StdArrays.ndCopyOf(logits));
         TFloat32 oneHotT = TFloat32.tensorOf(StdArrays.ndCopyOf(oneHot))) {
      Ops tf = Ops.create(graph);
      var loss = LovaszSoftmax.loss(tf, tf.constantOf(logitsT), tf.constantOf(oneHotT), CLASSES);
      try (TFloat32 value = (TFloat32) session.runner().fetch(loss).run().get(0)) {
        return value.getFloat();
      }
    }
  }

  private static double meanIoUOfPresent(int[] truth, int[] predicted) {
    double sum = 0;
    int present = 0;
    for (int c = 0; c < CLASSES; c++) {
      int intersection = 0;
      int union = 0;
      int labelled = 0;
      for (int i = 0; i < truth.length; i++) {
        if (truth[i] == IGNORED) continue;
        boolean isTrue = truth[i] == c;
        boolean isPredicted = predicted[i] == c;
        if (isTrue) labelled++;
        if (isTrue && isPredicted) intersection++;
        if (isTrue || isPredicted) union++;
      }
      if (labelled == 0) continue;
      sum += (double) intersection / union;
      present++;
    }
    return sum / present;
  }
}
