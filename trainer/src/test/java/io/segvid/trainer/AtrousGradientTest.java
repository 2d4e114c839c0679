package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.model.Layers;
import io.segvid.trainer.model.Mode;
import io.segvid.trainer.model.ParamStore;
import io.segvid.trainer.model.VariableLoader;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
 * TensorFlow's dilated Conv2D/DepthwiseConv2dNative have wrong gradients in graph mode; every atrous
 * path of the model goes through Layers' space-to-batch form instead. Here the analytic gradient of
 * each path (regular conv as in ResNet/ASPP, depthwise as in MobileNetV2/separable ASPP) is compared
 * with central differences, at sizes not divisible by the rate so the padding logic is exercised.
 */
class AtrousGradientTest {

  private static final int H = 11;
  private static final int W = 13;
  private static final int C = 3;

  @ParameterizedTest(name = "{0} rate {1}")
  @CsvSource({"conv,2", "conv,3", "conv,6", "depthwise,2", "depthwise,4", "depthwise,12"})
  void analyticGradientMatchesNumeric(String kind, int rate) {
    BiFunction<Layers, Operand<TFloat32>, Operand<TFloat32>> layer = kind.equals("conv")
        ? (l, x) -> l.conv(x, "probe", 3, C, 4, 1, rate)
        : (l, x) -> l.depthwise(x, "probe", 3, C, 1, rate);
    Random random = new Random(rate * 31L + kind.length());
    float[] input = randoms(random, H * W * C);

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParamStore params = new ParamStore(tf);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, H, W, C)));
      Operand<TFloat32> y = layer.apply(new Layers(tf, params, Mode.TRAIN, 0.9f), x);
      int outChannels = kind.equals("conv") ? 4 : C;
      // A fixed random projection makes the scalar loss sensitive to every output element.
      Operand<TFloat32> projection = tf.constant(Shape.of(1, H, W, outChannels),
          DataBuffers.of(randoms(random, H * W * outChannels)));
      Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(y, projection), tf.constant(new int[] {0, 1, 2, 3}));
      ParamStore.Param weights = params.all().get("probe.weights");
      Output<?>[] grads = g.addGradients(loss.asOutput(), new Output<?>[] {weights.variable().asOutput(), x.asOutput()});
      VariableLoader loader = VariableLoader.forParams(tf, params.all().values());
      float[] w = randoms(random, weights.size());

      try (Session s = new Session(g);
           TFloat32 xt = TFloat32.tensorOf(Shape.of(1, H, W, C), DataBuffers.of(input, true, false))) {
        loader.load(s, Map.of("probe.weights", w));
        float[] gw = new float[w.length];
        float[] gx = new float[input.length];
        try (Result r = s.runner().feed(x, xt).fetch(grads[0]).fetch(grads[1]).run()) {
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(gw, false, false));
          ((TFloat32) r.get(1)).copyTo(DataBuffers.of(gx, false, false));
        }
        double eps = 1e-2;
        for (int k = 0; k < 12; k++) {
          int i = random.nextInt(w.length);
          float saved = w[i];
          w[i] = (float) (saved + eps);
          loader.load(s, Map.of("probe.weights", w));
          double plus = lossValue(s, x, xt, loss);
          w[i] = (float) (saved - eps);
          loader.load(s, Map.of("probe.weights", w));
          double minus = lossValue(s, x, xt, loss);
          w[i] = saved;
          double numeric = (plus - minus) / (2 * eps);
          assertEquals(numeric, gw[i], 2e-3 * Math.max(1, Math.abs(numeric)), "d loss / d weight[" + i + "]");
        }
        loader.load(s, Map.of("probe.weights", w));
        for (int k = 0; k < 12; k++) {
          // Border pixels are where a wrong padding or crop would show.
          int i = k < 4 ? k * C : random.nextInt(input.length);
          double numeric = numericInputGradient(s, x, loss, input, i, eps);
          assertEquals(numeric, gx[i], 2e-3 * Math.max(1, Math.abs(numeric)), "d loss / d input[" + i + "]");
        }
        assertTrue(norm(gw) > 0, "gradient must not vanish");
      }
    }
  }

  private static double numericInputGradient(Session s, Placeholder<TFloat32> x, Operand<TFloat32> loss,
                                             float[] input, int i, double eps) {
    float saved = input[i];
    input[i] = (float) (saved + eps);
    double plus = lossOf(s, x, loss, input);
    input[i] = (float) (saved - eps);
    double minus = lossOf(s, x, loss, input);
    input[i] = saved;
    return (plus - minus) / (2 * eps);
  }

  private static double lossOf(Session s, Placeholder<TFloat32> x, Operand<TFloat32> loss, float[] input) {
    try (TFloat32 t = TFloat32.tensorOf(Shape.of(1, H, W, C), DataBuffers.of(input, true, false))) {
      return lossValue(s, x, t, loss);
    }
  }

  private static double lossValue(Session s, Placeholder<TFloat32> x, TFloat32 xt, Operand<TFloat32> loss) {
    try (Result r = s.runner().feed(x, xt).fetch(loss).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  private static float[] randoms(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
    return v;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float f : v) s += f * f;
    return Math.sqrt(s);
  }
}
