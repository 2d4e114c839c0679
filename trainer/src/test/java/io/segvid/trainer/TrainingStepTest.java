package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.data.Augmentation;
import io.segvid.trainer.data.BatchAssembler;
import io.segvid.trainer.data.ClassWeights;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.train.OptimizerKind;
import io.segvid.trainer.train.TrainGraph;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * A few optimizer steps on a tiny synthetic set lower the loss and move the batch-norm statistics;
 * AdamW's decay is decoupled from Adam's step.
 */
class TrainingStepTest {

  @ParameterizedTest
  @EnumSource(OptimizerKind.class)
  void stepsLowerLossAndUpdateBatchNormStatistics(OptimizerKind optimizer) {
    List<LabelledImage> data = TinyModels.twoRegions(8, 48, 64, 7);
    BatchAssembler assembler = new BatchAssembler(48, 48, new Augmentation(0.8f, 1.2f, true, 0.1f, 0.1f, 0.1f),
        255, ClassWeights.uniform(2));
    float lr = optimizer == OptimizerKind.SGD ? 0.1f : 3e-3f;
    try (TrainGraph graph = new TrainGraph(TinyModels.spec(2), optimizer, 1e-4f, 0.9f, 2)) {
      graph.loadModel(graph.freshModelValues(3));
      graph.loadOptimizer(graph.freshOptimizerValues());
      Map<String, float[]> before = graph.readModel();
      BatchAssembler.Batch probe = assembler.assemble(data.subList(0, 4), new Random(99));
      float initial = loss(graph, probe);
      Random random = new Random(1);
      for (int step = 1; step <= 40; step++) run(graph, assembler.assemble(data.subList((step % 2) * 4, (step % 2) * 4 + 4), random), lr, step);
      float trained = loss(graph, probe);
      assertTrue(trained < 0.7f * initial, "loss should fall: " + initial + " -> " + trained);

      Map<String, float[]> after = graph.readModel();
      int movedStats = 0;
      int stats = 0;
      for (String name : before.keySet()) {
        if (!name.endsWith(".moving_mean") && !name.endsWith(".moving_variance")) continue;
        stats++;
        if (!java.util.Arrays.equals(before.get(name), after.get(name))) movedStats++;
      }
      assertTrue(stats > 10 && movedStats == stats, movedStats + " of " + stats + " batch-norm statistics changed");
    }
  }

  /**
   * AdamW: one step from the same weights on the same batch moves every decayed weight by exactly
   * -lr x decay x its value more than plain Adam without decay does (Adam's own step is the same: the
   * gradient carries no decay term), and leaves weights without decay (batch-norm scale and shift) as
   * Adam does. Both only if no weight changes before every gradient is computed.
   */
  @Test
  void adamWShrinksDecayedWeightsOutsideTheAdamStep() {
    float lr = 0.01f;
    float decay = 0.5f;
    List<LabelledImage> data = TinyModels.twoRegions(4, 48, 64, 7);
    BatchAssembler.Batch batch = new BatchAssembler(48, 48, Augmentation.NONE, 255, ClassWeights.uniform(2))
        .assemble(data, new Random(2));
    Map<String, float[]> start;
    Map<String, float[]> adam;
    Map<String, float[]> adamW;
    java.util.Set<String> decayed = new java.util.HashSet<>();
    try (TrainGraph g = new TrainGraph(TinyModels.spec(2), OptimizerKind.ADAM, 0f, 0.9f, 2)) {
      start = g.freshModelValues(3);
      adam = oneStep(g, start, batch, lr);
      g.params().trainable().stream().filter(p -> p.decayed()).forEach(p -> decayed.add(p.name()));
    }
    try (TrainGraph g = new TrainGraph(TinyModels.spec(2), OptimizerKind.ADAMW, decay, 0.9f, 2)) {
      adamW = oneStep(g, start, batch, lr);
    }
    assertTrue(decayed.size() > 5, "decayed weights: " + decayed);
    int checked = 0;
    for (String name : adam.keySet()) {
      if (name.endsWith(".moving_mean") || name.endsWith(".moving_variance")) continue;
      float[] w0 = start.get(name);
      float[] a = adam.get(name);
      float[] b = adamW.get(name);
      int close = 0;
      for (int i = 0; i < w0.length; i++) {
        float expected = decayed.contains(name) ? -lr * decay * w0[i] : 0f;
        if (Math.abs(b[i] - a[i] - expected) < 1e-5f + 1e-3f * Math.abs(expected)) close++;
      }
      // Exact for every weight: a weight updated before back-propagation read it would change the gradient.
      assertTrue(close == w0.length, name + ": " + close + " of " + w0.length + " moved as expected");
      checked++;
    }
    assertTrue(checked > 10, "weights compared: " + checked);
  }

  /**
   * From fresh weights, 40 Adam steps on two-region images (batches of 4 alternating over 8) take the loss
   * on a fixed batch below 0.7 of where it started: what a training-only graph change must keep.
   */
  static void assertFortyStepsLowerTheLoss(TrainGraph graph) {
    List<LabelledImage> data = TinyModels.twoRegions(8, 48, 64, 3);
    BatchAssembler assembler = new BatchAssembler(48, 48, new Augmentation(0.8f, 1.2f, true, 0.1f, 0.1f, 0.1f),
        255, ClassWeights.uniform(2));
    graph.loadModel(graph.freshModelValues(3));
    graph.loadOptimizer(graph.freshOptimizerValues());
    BatchAssembler.Batch probe = assembler.assemble(data.subList(0, 4), new Random(99));
    float initial = loss(graph, probe);
    Random random = new Random(1);
    for (int step = 1; step <= 40; step++) run(graph, assembler.assemble(data.subList((step % 2) * 4, (step % 2) * 4 + 4), random), 3e-3f, step);
    float trained = loss(graph, probe);
    assertTrue(Float.isFinite(trained) && trained < 0.7f * initial, "loss should fall: " + initial + " -> " + trained);
  }

  private static Map<String, float[]> oneStep(TrainGraph g, Map<String, float[]> start, BatchAssembler.Batch b, float lr) {
    g.loadModel(start);
    g.loadOptimizer(g.freshOptimizerValues());
    run(g, b, lr, 1);
    return g.readModel();
  }

  private static float loss(TrainGraph g, BatchAssembler.Batch b) {
    try (Tensors t = new Tensors(b)) {
      return g.loss(t.images, t.labels, t.weights);
    }
  }

  private static void run(TrainGraph g, BatchAssembler.Batch b, float lr, long step) {
    try (Tensors t = new Tensors(b)) {
      g.step(t.images, t.labels, t.weights, lr, step);
    }
  }

  /** The three input tensors of a batch. */
  static final class Tensors implements AutoCloseable {
    final TUint8 images;
    final TUint8 labels;
    final TFloat32 weights;

    Tensors(BatchAssembler.Batch b) {
      images = TUint8.tensorOf(Shape.of(b.size(), b.height(), b.width(), 3), DataBuffers.of(b.images(), true, false));
      labels = TUint8.tensorOf(Shape.of(b.size(), b.height(), b.width()), DataBuffers.of(b.labels(), true, false));
      weights = TFloat32.tensorOf(Shape.of(b.size(), b.height(), b.width()), DataBuffers.of(b.weights(), true, false));
    }

    @Override
    public void close() {
      images.close();
      labels.close();
      weights.close();
    }
  }
}
