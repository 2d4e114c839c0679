package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.segvid.trainer.model.Layers;
import io.segvid.trainer.model.Mode;
import io.segvid.trainer.model.ParamStore;
import io.segvid.trainer.train.LossKind;
import io.segvid.trainer.train.OptimizerKind;
import io.segvid.trainer.train.TrainGraph;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** {@code --dropout}: decoder features dropped while training only, the rest scaled so the expectation holds. */
class DropoutTest {

  private static final int SIZE = 4 * 16 * 16 * 32;

  @Test
  void trainingDropsTheShareAskedAndScalesTheRest() {
    float[] out = run(0.5f, 1f);
    long zeros = countOf(out, 0f);
    long doubled = countOf(out, 2f);
    assertEquals(SIZE, zeros + doubled, "every value is dropped or scaled by 1/keep");
    assertEquals(0.5, zeros / (double) SIZE, 0.03, "share dropped at rate 0.5");
    // A fifth of the rate before the classifier: 0.1 dropped, the rest scaled by 1/0.9.
    float[] fifth = run(0.5f, 0.2f);
    assertEquals(0.1, countOf(fifth, 0f) / (double) SIZE, 0.02, "share dropped at a fifth of the rate");
    assertEquals(SIZE, countOf(fifth, 0f) + countOf(fifth, 1f / 0.9f));
  }

  @Test
  void eachStepDrawsANewMask() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> dropped = new Layers(tf, new ParamStore(tf), Mode.TRAIN, 0.9f, null, 0.5f)
          .dropout(tf.fill(tf.constant(new int[] {SIZE}), tf.constant(1f)), 1f);
      try (Session s = new Session(g)) {
        assertNotEquals(Arrays.toString(fetch(s, dropped)), Arrays.toString(fetch(s, dropped)));
      }
    }
  }

  @Test
  void validationServingAndRunsWithoutTheOptionAreUnchanged() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(2, 3)));
      assertSame(x, new Layers(tf, new ParamStore(tf), Mode.INFER, 0.9f, null, 0.5f).dropout(x, 1f));
      assertSame(x, new Layers(tf, new ParamStore(tf), Mode.TRAIN, 0.9f, null, 0f).dropout(x, 1f));
    }
  }

  @Test
  void trainingStepsWithItLowerTheLoss() {
    try (TrainGraph graph = new TrainGraph(TinyModels.spec(2), OptimizerKind.ADAM, 1e-4f, 0.9f, 2,
        LossKind.CROSS_ENTROPY, 0f, 0.5f, 0f)) {
      TrainingStepTest.assertFortyStepsLowerTheLoss(graph);
    }
  }

  /** Ones through a TRAIN-mode dropout of {@code rate}, at {@code share} of it. */
  private static float[] run(float rate, float share) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> ones = tf.fill(tf.constant(new int[] {4, 16, 16, 32}), tf.constant(1f));
      Operand<TFloat32> dropped = new Layers(tf, new ParamStore(tf), Mode.TRAIN, 0.9f, null, rate).dropout(ones, share);
      try (Session s = new Session(g)) {
        return fetch(s, dropped);
      }
    }
  }

  private static float[] fetch(Session s, Operand<TFloat32> op) {
    try (TFloat32 result = (TFloat32) s.runner().fetch(op).run().get(0)) {
      float[] out = new float[(int) result.shape().size()];
      result.asRawTensor().data().asFloats().read(out);
      return out;
    }
  }

  private static long countOf(float[] values, float v) {
    long n = 0;
    for (float x : values) if (Math.abs(x - v) < 1e-5f) n++;
    return n;
  }
}
