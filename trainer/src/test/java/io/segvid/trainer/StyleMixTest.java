package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.model.Layers;
import io.segvid.trainer.model.Mode;
import io.segvid.trainer.model.ParamStore;
import io.segvid.trainer.model.StyleMix;
import io.segvid.trainer.train.LossKind;
import io.segvid.trainer.train.OptimizerKind;
import io.segvid.trainer.train.TrainGraph;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code train --style-mix}: each image's per-channel feature statistics become a blend of its own and
 * another image's of the batch, its normalised content unchanged; validation and serving never mix;
 * training steps with it lower the loss.
 */
class StyleMixTest {

  private static final int N = 4;
  private static final int H = 6;
  private static final int W = 5;
  private static final int C = 3;

  @Test
  void eachImageGetsTheDrawnBlendOfStatisticsAndKeepsItsContent() {
    Random random = new Random(5);
    float[] input = new float[N * H * W * C];
    // Image n, channel c: its own pattern, mean 10n + c, spread 1 + n: four clearly different "styles".
    for (int i = 0; i < input.length; i++) {
      int n = i / (H * W * C);
      input[i] = (float) (10 * n + i % C + (1 + n) * random.nextGaussian());
    }
    int[] partner = {2, 0, 3, 1};
    float[] own = {0.25f, 1f, 0f, 0.6f};
    float[] out = new float[input.length];
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(N, H, W, C)));
      StyleMix.Inputs inputs = StyleMix.Inputs.create(tf);
      Operand<TFloat32> mixed = new Layers(tf, new ParamStore(tf), Mode.TRAIN, 0.9f, inputs).mixStyles(x);
      try (Session s = new Session(g);
           TFloat32 in = TFloat32.tensorOf(Shape.of(N, H, W, C), DataBuffers.of(input));
           TInt32 partnerT = TInt32.vectorOf(partner);
           TFloat32 ownT = TFloat32.tensorOf(Shape.of(N, 1, 1, 1), DataBuffers.of(own));
           TFloat32 result = (TFloat32) s.runner().feed(x, in).feed(inputs.partner(), partnerT)
               .feed(inputs.ownWeight(), ownT).fetch(mixed).run().get(0)) {
        result.asRawTensor().data().asFloats().read(out);
      }
    }
    for (int n = 0; n < N; n++) {
      for (int c = 0; c < C; c++) {
        double[] before = stats(input, n, c);
        double[] other = stats(input, partner[n], c);
        double[] after = stats(out, n, c);
        assertEquals(own[n] * before[0] + (1 - own[n]) * other[0], after[0], 1e-3, "mean of image " + n);
        assertEquals(own[n] * before[1] + (1 - own[n]) * other[1], after[1], 1e-3, "spread of image " + n);
        for (int y = 0; y < H * W; y++) {
          int i = ((n * H * W) + y) * C + c;
          assertEquals((input[i] - before[0]) / before[1], (out[i] - after[0]) / after[1], 1e-3,
              "the normalised picture of image " + n + " is kept");
        }
      }
    }
  }

  @Test
  void drawsArePermutationsAndBlendAboutTheGivenShareOfImages() {
    Random random = new Random(3);
    int[] partner = new int[8];
    float[] own = new float[8];
    int blended = 0;
    int halfway = 0;
    for (int draw = 0; draw < 500; draw++) {
      StyleMix.draw(0.5f, random, partner, own);
      assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, java.util.Arrays.stream(partner).sorted().toArray());
      for (float w : own) {
        assertTrue(w >= 0 && w <= 1, "weight " + w);
        if (w < 1) blended++;
        if (w > 0.2 && w < 0.8) halfway++;
      }
    }
    assertEquals(0.5, blended / 4000.0, 0.05, "share of images blended");
    // Beta(0.1, 0.1) puts about a quarter of its mass between 0.2 and 0.8.
    assertTrue(halfway > 200 && halfway < blended / 2, halfway + " of " + blended + " blends near halfway");
  }

  @Test
  void validationAndRunsWithoutTheOptionNeverMix() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(N, H, W, C)));
      assertSame(x, new Layers(tf, new ParamStore(tf), Mode.INFER, 0.9f, StyleMix.Inputs.create(tf)).mixStyles(x));
      assertSame(x, new Layers(tf, new ParamStore(tf), Mode.TRAIN, 0.9f).mixStyles(x));
    }
  }

  @Test
  void trainingStepsWithItLowerTheLoss() {
    try (TrainGraph graph = new TrainGraph(TinyModels.spec(2), OptimizerKind.ADAM, 1e-4f, 0.9f, 2,
        LossKind.CROSS_ENTROPY, 1f, 0f, 0f)) {
      TrainingStepTest.assertFortyStepsLowerTheLoss(graph);
    }
  }

  /** Mean and standard deviation of image n, channel c. */
  private static double[] stats(float[] v, int n, int c) {
    double sum = 0;
    double squares = 0;
    for (int y = 0; y < H * W; y++) {
      double a = v[((n * H * W) + y) * C + c];
      sum += a;
      squares += a * a;
    }
    double mean = sum / (H * W);
    return new double[] {mean, Math.sqrt(Math.max(0, squares / (H * W) - mean * mean))};
  }
}
