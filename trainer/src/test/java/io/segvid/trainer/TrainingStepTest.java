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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/** A few optimizer steps on a tiny synthetic set lower the loss and move the batch-norm statistics. */
class TrainingStepTest {

  @ParameterizedTest
  @EnumSource(OptimizerKind.class)
  void stepsLowerLossAndUpdateBatchNormStatistics(OptimizerKind optimizer) {
    List<LabelledImage> data = TinyModels.twoRegions(8, 48, 64, 7);
    BatchAssembler assembler = new BatchAssembler(48, 48, new Augmentation(0.8f, 1.2f, true, 0.1f, 0.1f, 0.1f),
        255, ClassWeights.uniform(2));
    float lr = optimizer == OptimizerKind.ADAM ? 3e-3f : 0.1f;
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
