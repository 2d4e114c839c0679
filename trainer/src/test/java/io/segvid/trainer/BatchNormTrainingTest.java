package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.model.Layers;
import io.segvid.trainer.model.Mode;
import io.segvid.trainer.model.ParamStore;
import io.segvid.trainer.model.VariableLoader;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Batch norm while training (the fused kernel): it normalises each channel with the batch's own
 * statistics, folds them into the moving averages, and its gradient, also through those statistics,
 * matches central differences. A batch of a single value per channel (image pooling at batch 1) keeps
 * the moving statistics finite.
 */
class BatchNormTrainingTest {

  private static final int N = 2;
  private static final int H = 5;
  private static final int W = 6;
  private static final int C = 3;
  private static final float MOMENTUM = 0.9f;
  private static final float[] GAMMA = {1.5f, 0.5f, 2f};
  private static final float[] BETA = {0.25f, -1f, 0f};

  @Test
  void normalisesWithBatchStatisticsAndTracksThem() {
    float[] input = channels(new Random(1), N * H * W, new float[] {3f, -2f, 0.5f}, new float[] {2f, 0.5f, 4f});
    try (Probe p = new Probe(Shape.of(N, H, W, C))) {
      float[] y = p.forward(input, true);
      int count = N * H * W;
      for (int c = 0; c < C; c++) {
        double[] in = stats(input, c);
        double[] out = stats(y, c);
        double expectedStd = GAMMA[c] * Math.sqrt(in[1] / (in[1] + 1e-3));
        assertEquals(BETA[c], out[0], 1e-4, "channel " + c + " mean");
        assertEquals(expectedStd, Math.sqrt(out[1]), 1e-3 * expectedStd, "channel " + c + " spread");
        float[] mean = p.read(".moving_mean");
        float[] variance = p.read(".moving_variance");
        assertEquals((1 - MOMENTUM) * in[0], mean[c], 1e-4, "moving mean " + c);
        // The moving variance may take the unbiased batch variance: allow its count / (count - 1).
        double low = MOMENTUM + (1 - MOMENTUM) * in[1];
        double high = MOMENTUM + (1 - MOMENTUM) * in[1] * count / (count - 1);
        assertTrue(variance[c] > low - 1e-4 && variance[c] < high + 1e-4, "moving variance " + c + ": " + variance[c]);
      }
    }
  }

  @Test
  void gradientThroughTheBatchStatisticsMatchesNumeric() {
    Random random = new Random(2);
    float[] input = channels(random, N * H * W, new float[] {1f, -1f, 0f}, new float[] {1f, 2f, 0.5f});
    float[] projection = new float[input.length];
    for (int i = 0; i < projection.length; i++) projection[i] = (float) random.nextGaussian();
    try (Probe p = new Probe(Shape.of(N, H, W, C), projection)) {
      float[] analytic = p.inputGradient(input);
      double eps = 1e-2;
      for (int k = 0; k < 16; k++) {
        int i = random.nextInt(input.length);
        float saved = input[i];
        input[i] = (float) (saved + eps);
        double plus = p.loss(input);
        input[i] = (float) (saved - eps);
        double minus = p.loss(input);
        input[i] = saved;
        double numeric = (plus - minus) / (2 * eps);
        assertEquals(numeric, analytic[i], 2e-3 * Math.max(1, Math.abs(numeric)), "d loss / d input[" + i + "]");
      }
    }
  }

  @Test
  void oneValuePerChannelKeepsTheMovingStatisticsFinite() {
    try (Probe p = new Probe(Shape.of(1, 1, 1, C))) {
      float[] y = p.forward(new float[] {5f, -3f, 0.25f}, true);
      for (int c = 0; c < C; c++) {
        assertEquals(BETA[c], y[c], 1e-5, "a lone value normalises to the shift");
        assertTrue(Float.isFinite(p.read(".moving_variance")[c]), "moving variance " + c);
        assertTrue(Float.isFinite(p.read(".moving_mean")[c]), "moving mean " + c);
      }
    }
  }

  /** Per-channel mean and population variance of an NHWC buffer. */
  private static double[] stats(float[] v, int channel) {
    double sum = 0;
    double squares = 0;
    int n = v.length / C;
    for (int i = channel; i < v.length; i += C) sum += v[i];
    double mean = sum / n;
    for (int i = channel; i < v.length; i += C) squares += (v[i] - mean) * (v[i] - mean);
    return new double[] {mean, squares / n};
  }

  private static float[] channels(Random r, int pixels, float[] offset, float[] scale) {
    float[] v = new float[pixels * C];
    for (int i = 0; i < v.length; i++) v[i] = offset[i % C] + scale[i % C] * (float) r.nextGaussian();
    return v;
  }

  /** One training-mode batch norm "probe" with fixed scale and shift, a loss that projects its output, and its gradient. */
  private static final class Probe implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final Placeholder<TFloat32> x;
    private final Operand<TFloat32> y;
    private final Operand<TFloat32> loss;
    private final Output<?> inputGradient;
    private final Layers layers;
    private final VariableLoader loader;
    private final Shape shape;

    Probe(Shape shape) {
      this(shape, null);
    }

    Probe(Shape shape, float[] projection) {
      this.shape = shape;
      Ops tf = Ops.create(graph);
      ParamStore params = new ParamStore(tf);
      x = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      layers = new Layers(tf, params, Mode.TRAIN, MOMENTUM);
      y = layers.batchNorm(x, "probe", C);
      float[] ones = new float[(int) shape.size()];
      java.util.Arrays.fill(ones, 1f);
      Operand<TFloat32> weights = tf.constant(shape, DataBuffers.of(projection == null ? ones : projection));
      loss = tf.reduceSum(tf.math.mul(y, weights), tf.constant(new int[] {0, 1, 2, 3}));
      inputGradient = graph.addGradients(loss.asOutput(), new Output<?>[] {x.asOutput()})[0];
      loader = VariableLoader.forParams(tf, params.all().values());
      session = new Session(graph);
      loader.load(session, Map.of("probe.gamma", GAMMA, "probe.beta", BETA,
          "probe.moving_mean", new float[C], "probe.moving_variance", new float[] {1f, 1f, 1f}));
    }

    float[] forward(float[] input, boolean update) {
      try (TFloat32 t = tensor(input)) {
        Session.Runner r = session.runner().feed(x, t).fetch(y);
        if (update) layers.updates().forEach(r::addTarget);
        try (Result result = r.run()) {
          float[] out = new float[input.length];
          ((TFloat32) result.get(0)).copyTo(DataBuffers.of(out, false, false));
          return out;
        }
      }
    }

    double loss(float[] input) {
      try (TFloat32 t = tensor(input); Result r = session.runner().feed(x, t).fetch(loss).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    }

    float[] inputGradient(float[] input) {
      try (TFloat32 t = tensor(input); Result r = session.runner().feed(x, t).fetch(inputGradient).run()) {
        float[] out = new float[input.length];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
        return out;
      }
    }

    float[] read(String suffix) {
      return loader.read(session).get("probe" + suffix);
    }

    private TFloat32 tensor(float[] values) {
      return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }
}
