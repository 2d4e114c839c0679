package io.segvid.trainer.model;

import io.segvid.trainer.model.ParamStore.Init;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.DepthwiseConv2dNative;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Convolution, batch-norm and resize building blocks in NHWC. Every dilated convolution goes through
 * {@link #atrous}: SpaceToBatchND, a plain convolution, BatchToSpaceND. TensorFlow's own dilated
 * Conv2D/DepthwiseConv2dNative compute wrong gradients in graph mode; this form is exact. Their forward
 * pass is right, so a second serving graph may use them ({@link #NATIVE_DILATION_MAX_RATE}).
 */
public final class Layers {

  static final float BN_EPSILON = 1e-3f;

  private final Ops tf;
  private final ParamStore params;
  private final Mode mode;
  private final float bnMomentum;
  private final List<Op> updates = new ArrayList<>();
  /** Trained values, in SERVE mode only: the serving graph computes with folded constants made from them. */
  private final Map<String, float[]> values;
  /** Fed draws that blend early feature statistics across the batch (TRAIN only); null: no blending. */
  private final StyleMix.Inputs styleMix;
  /** Share of decoder features dropped while training ({@link #dropout}); 0: none. */
  private final float dropout;
  /** Each dropout op its own fixed seed pair, so a run's masks repeat. */
  private int dropoutOps;
  /**
   * SERVE only: depthwise convolutions dilated by up to this rate (stride 1) are built with the kernel's
   * own dilations instead of {@link #atrous}. Where oneDNN runs them (TensorFlow's x86 builds) that is the
   * same values in half the time (a quarter at batch 4, at the output-stride-8 backbone's shapes);
   * larger rates (the ASPP's 12/24/36) run slower that way; kernels without oneDNN reject any.
   */
  public static final int NATIVE_DILATION_MAX_RATE = 4;
  private final boolean nativeDilation;
  /** SERVE: the constants made from {@link #values}, by name (shared between serving graphs). */
  private final Map<String, Operand<TFloat32>> constants;

  public Layers(Ops tf, ParamStore params, Mode mode, float bnMomentum) {
    this(tf, params, mode, bnMomentum, (StyleMix.Inputs) null);
  }

  /** TRAIN or INFER; {@code styleMix}: see {@link #mixStyles} (null: none). */
  public Layers(Ops tf, ParamStore params, Mode mode, float bnMomentum, StyleMix.Inputs styleMix) {
    this(tf, params, mode, bnMomentum, styleMix, 0f);
  }

  /** TRAIN or INFER; {@code dropout}: see {@link #dropout} (0: none). */
  public Layers(Ops tf, ParamStore params, Mode mode, float bnMomentum, StyleMix.Inputs styleMix, float dropout) {
    this(tf, params, mode, bnMomentum, Map.of(), styleMix, dropout, false, Map.of());
    if (mode == Mode.SERVE) throw new IllegalArgumentException("SERVE mode needs the trained values");
  }

  /**
   * SERVE mode: {@code values} holds every parameter by name; {@code nativeDilation}: see
   * {@link #NATIVE_DILATION_MAX_RATE}; the serving constants are kept in {@code constants} by name, so
   * two serving graphs built with one map share them.
   */
  public Layers(Ops tf, ParamStore params, Map<String, float[]> values, boolean nativeDilation,
                Map<String, Operand<TFloat32>> constants) {
    this(tf, params, Mode.SERVE, 0.9f, values, null, 0f, nativeDilation, constants);
  }

  private Layers(Ops tf, ParamStore params, Mode mode, float bnMomentum, Map<String, float[]> values,
                 StyleMix.Inputs styleMix, float dropout, boolean nativeDilation,
                 Map<String, Operand<TFloat32>> constants) {
    this.nativeDilation = nativeDilation;
    this.constants = constants;
    if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    this.styleMix = styleMix;
    this.dropout = dropout;
    this.tf = tf;
    this.params = params;
    this.mode = mode;
    this.bnMomentum = bnMomentum;
    this.values = values;
  }

  public Mode mode() {
    return mode;
  }

  public Ops tf() {
    return tf;
  }

  /** Moving-statistics updates of the TRAIN branch, to be run with each training step. */
  public List<Op> updates() {
    return Collections.unmodifiableList(updates);
  }

  /**
   * An early feature map with its per-image statistics blended across the batch ({@link StyleMix}), in
   * TRAIN mode with style-mix inputs; unchanged otherwise (validation, serving).
   */
  public Operand<TFloat32> mixStyles(Operand<TFloat32> x) {
    return mode == Mode.TRAIN && styleMix != null ? StyleMix.apply(tf, x, styleMix) : x;
  }

  /**
   * In TRAIN mode, zeroes {@code share} times the configured dropout of x's values at random and scales
   * the rest by 1/keep (inverted dropout: validation and serving use x as it is); unchanged otherwise.
   * The mask depends on no weight, so the gradient never reaches the random op.
   */
  public Operand<TFloat32> dropout(Operand<TFloat32> x, float share) {
    float rate = dropout * share;
    if (mode != Mode.TRAIN || rate <= 0) return x;
    float keep = 1 - rate;
    Operand<TFloat32> uniform = tf.random.randomUniform(tf.shape(x), TFloat32.class,
        RandomUniform.seed(0x5eedL).seed2((long) ++dropoutOps));
    Operand<TFloat32> kept = tf.stopGradient(tf.math.floor(tf.math.add(uniform, tf.constant(keep))));
    return tf.math.mul(x, tf.math.mul(kept, tf.constant(1f / keep)));
  }

  /** k x k convolution without bias (a batch norm follows). */
  public Operand<TFloat32> conv(Operand<TFloat32> x, String name, int k, int cin, int cout, int stride, int rate) {
    Variable<TFloat32> w = params.get(name + ".weights", new long[] {k, k, cin, cout}, Init.HE_NORMAL,
        (long) k * k * cin, true, true);
    return x == null ? null : convolve(x, w, k, stride, rate);
  }

  /** Depthwise k x k convolution (multiplier 1) without bias. */
  public Operand<TFloat32> depthwise(Operand<TFloat32> x, String name, int k, int channels, int stride, int rate) {
    Variable<TFloat32> w = params.get(name + ".weights", new long[] {k, k, channels, 1}, Init.HE_NORMAL,
        (long) k * k, true, true);
    return x == null ? null : convolveDepthwise(x, w, k, stride, rate);
  }

  /** 1x1 convolution with bias and no normalisation: the classifier. */
  public Operand<TFloat32> conv1x1Bias(Operand<TFloat32> x, String name, int cin, int cout) {
    long[] shape = {1, 1, cin, cout};
    Variable<TFloat32> w = params.get(name + ".weights", shape, Init.HE_NORMAL, cin, true, true);
    Variable<TFloat32> b = params.get(name + ".bias", new long[] {cout}, Init.ZEROS, 1, true, false);
    if (mode == Mode.SERVE) {
      return tf.nn.biasAdd(tf.nn.conv2d(x, constant(name + ".weights", shape, value(name + ".weights")), strides(1), "SAME"),
          constant(name + ".bias", new long[] {cout}, value(name + ".bias")));
    }
    return tf.nn.biasAdd(tf.nn.conv2d(x, w, strides(1), "SAME"), b);
  }

  /** Convolution followed by batch norm; in SERVE mode one convolution with folded weights and a bias. */
  public Operand<TFloat32> convBn(Operand<TFloat32> x, String name, int k, int cin, int cout, int stride, int rate) {
    return convBnAct(x, name, k, cin, cout, stride, rate, Activation.NONE);
  }

  /**
   * Convolution, batch norm, activation. In SERVE mode the bias and activation are applied before a
   * dilated convolution's batch-to-space (elementwise, so the values are the same) where oneDNN
   * fuses them into the convolution instead of running them as separate passes.
   */
  public Operand<TFloat32> convBnAct(Operand<TFloat32> x, String name, int k, int cin, int cout, int stride, int rate,
                                     Activation act) {
    if (mode != Mode.SERVE) return act.apply(tf, batchNorm(conv(x, name, k, cin, cout, stride, rate), name + ".bn", cout));
    conv(null, name, k, cin, cout, stride, rate);
    BatchNormFolding.Folded f = folded(name, cout);
    Operand<TFloat32> w = constant(name + ".folded_weights", new long[] {k, k, cin, cout}, f.weights());
    Operand<TFloat32> b = constant(name + ".folded_bias", new long[] {cout}, f.bias());
    return atrous(x, rate, k, in -> act.apply(tf, tf.nn.biasAdd(tf.nn.conv2d(in, w, strides(stride), padding(rate)), b)));
  }

  /**
   * IBN-a (Pan et al., "Two at Once: Enhancing Learning and Generalization Capacities via IBN-Net", ECCV
   * 2018): a convolution whose first half of output channels is instance-normalised ({@link InstanceNorm}),
   * the rest batch-normalised, then the activation. In SERVE mode the batch-normalised half is folded into
   * the convolution; the instance-normalised half takes the raw weights (its own statistics are removed).
   */
  public Operand<TFloat32> convIbnAct(Operand<TFloat32> x, String name, int k, int cin, int cout, int stride, int rate,
                                     Activation act) {
    int instance = cout / 2;
    int batch = cout - instance;
    Variable<TFloat32> gamma = params.get(name + ".in.gamma", new long[] {instance}, Init.ONES, 1, true, false);
    Variable<TFloat32> beta = params.get(name + ".in.beta", new long[] {instance}, Init.ZEROS, 1, true, false);
    Operand<TInt32> sizes = tf.constant(new int[] {instance, batch});
    if (mode != Mode.SERVE) {
      List<Output<TFloat32>> halves = tf.splitV(conv(x, name, k, cin, cout, stride, rate), sizes, tf.constant(3), 2L).output();
      Operand<TFloat32> normalised = InstanceNorm.apply(tf, halves.get(0), gamma, beta);
      return act.apply(tf, tf.concat(List.of(normalised, batchNorm(halves.get(1), name + ".bn", batch)), tf.constant(3)));
    }
    String bn = name + ".bn";
    conv(null, name, k, cin, cout, stride, rate);
    batchNorm(null, bn, batch);
    // The batch-norm vectors widened to every channel, the instance-normalised ones passed through (scale 1, shift 0).
    float[] ones = new float[instance];
    Arrays.fill(ones, 1f);
    float[] passVariance = new float[instance];
    Arrays.fill(passVariance, 1f - BN_EPSILON);
    float[] zeros = new float[instance];
    BatchNormFolding.Folded f = BatchNormFolding.fold(value(name + ".weights"), join(ones, value(bn + ".gamma")),
        join(zeros, value(bn + ".beta")), join(zeros, value(bn + ".moving_mean")),
        join(passVariance, value(bn + ".moving_variance")), BN_EPSILON);
    Operand<TFloat32> w = constant(name + ".folded_weights", new long[] {k, k, cin, cout}, f.weights());
    Operand<TFloat32> b = constant(name + ".folded_bias", new long[] {batch},
        Arrays.copyOfRange(f.bias(), instance, cout));
    List<Output<TFloat32>> halves = tf.splitV(convolve(x, w, k, stride, rate), sizes, tf.constant(3), 2L).output();
    Operand<TFloat32> normalised = InstanceNorm.apply(tf, halves.get(0),
        constant(name + ".in.gamma", new long[] {instance}, value(name + ".in.gamma")),
        constant(name + ".in.beta", new long[] {instance}, value(name + ".in.beta")));
    return act.apply(tf, tf.concat(List.of(normalised, tf.nn.biasAdd(halves.get(1), b)), tf.constant(3)));
  }

  private static float[] join(float[] a, float[] b) {
    float[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Depthwise convolution followed by batch norm; in SERVE mode folded, like {@link #convBn}. */
  public Operand<TFloat32> depthwiseBn(Operand<TFloat32> x, String name, int k, int channels, int stride, int rate) {
    return depthwiseBnAct(x, name, k, channels, stride, rate, Activation.NONE);
  }

  /** Depthwise convolution, batch norm, activation; in SERVE mode fused like {@link #convBnAct}. */
  public Operand<TFloat32> depthwiseBnAct(Operand<TFloat32> x, String name, int k, int channels, int stride, int rate,
                                          Activation act) {
    if (mode != Mode.SERVE) {
      return act.apply(tf, batchNorm(depthwise(x, name, k, channels, stride, rate), name + ".bn", channels));
    }
    depthwise(null, name, k, channels, stride, rate);
    BatchNormFolding.Folded f = folded(name, channels);
    Operand<TFloat32> b = constant(name + ".folded_bias", new long[] {channels}, f.bias());
    float[] centre = rate > 1 && stride == 1 ? CentreTap.only(f.weights(), k, channels) : null;
    if (centre != null) {
      return act.apply(tf, tf.nn.biasAdd(tf.math.mul(x, constant(name + ".centre_tap", new long[] {channels}, centre)), b));
    }
    Operand<TFloat32> w = constant(name + ".folded_weights", new long[] {k, k, channels, 1}, f.weights());
    if (nativeDilation && rate > 1 && rate <= NATIVE_DILATION_MAX_RATE && stride == 1) {
      return act.apply(tf, tf.nn.biasAdd(tf.nn.depthwiseConv2dNative(x, w, strides(1), "SAME",
          DepthwiseConv2dNative.dilations(List.of(1L, (long) rate, (long) rate, 1L))), b));
    }
    return atrous(x, rate, k,
        in -> act.apply(tf, tf.nn.biasAdd(tf.nn.depthwiseConv2dNative(in, w, strides(stride), padding(rate)), b)));
  }

  public Operand<TFloat32> batchNorm(Operand<TFloat32> x, String name, int channels) {
    long[] shape = {channels};
    Variable<TFloat32> gamma = params.get(name + ".gamma", shape, Init.ONES, 1, true, false);
    Variable<TFloat32> beta = params.get(name + ".beta", shape, Init.ZEROS, 1, true, false);
    Variable<TFloat32> movingMean = params.get(name + ".moving_mean", shape, Init.ZEROS, 1, false, false);
    Variable<TFloat32> movingVar = params.get(name + ".moving_variance", shape, Init.ONES, 1, false, false);
    if (x == null) return null;  // SERVE: the variables are registered (and exported) but not computed with
    if (mode == Mode.INFER) {
      // Fused inference form: grappler folds it into the preceding convolution.
      return tf.nn.fusedBatchNorm(x, gamma, beta, movingMean, movingVar,
          FusedBatchNorm.epsilon(BN_EPSILON), FusedBatchNorm.isTraining(false)).y();
    }
    // Batch statistics: the fused kernel, whose gradient (FusedBatchNormGradV3) also flows through them;
    // one op each way where the same in primitives took ~20 and a third of a training step.
    Operand<TFloat32> none = tf.constant(new float[0]);  // training mode takes no population statistics
    FusedBatchNorm<TFloat32, TFloat32> train = tf.nn.fusedBatchNorm(x, gamma, beta, none, none,
        FusedBatchNorm.epsilon(BN_EPSILON), FusedBatchNorm.isTraining(true));
    Operand<TFloat32> keep = tf.constant(bnMomentum);
    Operand<TFloat32> blend = tf.constant(1f - bnMomentum);
    updates.add(tf.assign(movingMean, tf.math.add(tf.math.mul(movingMean, keep), tf.math.mul(train.batchMean(), blend))));
    updates.add(tf.assign(movingVar, tf.math.add(tf.math.mul(movingVar, keep), tf.math.mul(train.batchVariance(), blend))));
    return train.y();
  }

  public Operand<TFloat32> convBnRelu(Operand<TFloat32> x, String name, int k, int cin, int cout, int stride, int rate) {
    return convBnAct(x, name, k, cin, cout, stride, rate, Activation.RELU);
  }

  /** Depthwise-separable convolution: depthwise k x k + BN + ReLU, then pointwise 1x1 + BN + ReLU. */
  public Operand<TFloat32> separableConvBnRelu(Operand<TFloat32> x, String name, int cin, int cout, int rate) {
    Operand<TFloat32> dw = depthwiseBnAct(x, name + ".dw", 3, cin, 1, rate, Activation.RELU);
    return convBnRelu(dw, name + ".pw", 1, cin, cout, 1, 1);
  }

  /** Bilinear resize to the spatial size of {@code like} (half-pixel centres, matching OpenCV). */
  public Operand<TFloat32> resizeLike(Operand<TFloat32> x, Operand<?> like) {
    Operand<TInt32> size = tf.stridedSlice(tf.shape(like), Indices.slice(1, 3));
    return resize(x, size);
  }

  public Operand<TFloat32> resize(Operand<TFloat32> x, Operand<TInt32> size) {
    return tf.image.resizeBilinear(x, size, ResizeBilinear.halfPixelCenters(true));
  }

  public Operand<TFloat32> globalAveragePool(Operand<TFloat32> x) {
    return tf.math.mean(x, tf.constant(new int[] {1, 2}), Mean.keepDims(true));
  }

  /**
   * Runs {@code conv} (a VALID convolution) at dilation {@code rate} via space-to-batch, for any
   * input size: pads by rate*(k-1)/2 on each side plus what makes the size divisible by the rate,
   * then crops that extra back off.
   */
  private Operand<TFloat32> atrous(Operand<TFloat32> x, int rate, int k,
                                   java.util.function.Function<Operand<TFloat32>, Operand<TFloat32>> conv) {
    if (rate == 1) return conv.apply(x);
    Operand<TInt32> shape = tf.shape(x);
    Operand<TInt32> r = tf.constant(rate);
    Operand<TInt32> pad = tf.constant(rate * (k - 1) / 2);
    Operand<TInt32> extraH = tf.math.floorMod(tf.math.sub(r, tf.math.floorMod(tf.stridedSlice(shape, Indices.at(1)), r)), r);
    Operand<TInt32> extraW = tf.math.floorMod(tf.math.sub(r, tf.math.floorMod(tf.stridedSlice(shape, Indices.at(2)), r)), r);
    Operand<TInt32> zero = tf.constant(0);
    Operand<TInt32> paddings = tf.reshape(tf.stack(List.of(pad, tf.math.add(pad, extraH), pad, tf.math.add(pad, extraW))),
        tf.constant(new int[] {2, 2}));
    Operand<TInt32> crops = tf.reshape(tf.stack(List.of(zero, extraH, zero, extraW)), tf.constant(new int[] {2, 2}));
    Operand<TInt32> block = tf.constant(new int[] {rate, rate});
    Operand<TFloat32> batched = tf.spaceToBatchNd(x, block, paddings);
    return tf.batchToSpaceNd(conv.apply(batched), block, crops);
  }

  private Operand<TFloat32> convolve(Operand<TFloat32> x, Operand<TFloat32> w, int k, int stride, int rate) {
    return atrous(x, rate, k, in -> tf.nn.conv2d(in, w, strides(stride), padding(rate)));
  }

  private Operand<TFloat32> convolveDepthwise(Operand<TFloat32> x, Operand<TFloat32> w, int k, int stride, int rate) {
    return atrous(x, rate, k, in -> tf.nn.depthwiseConv2dNative(in, w, strides(stride), padding(rate)));
  }

  /** atrous pads dilated convolutions itself; plain ones pad SAME. */
  private static String padding(int rate) {
    return rate > 1 ? "VALID" : "SAME";
  }

  /** The batch norm {@code name + ".bn"} folded into the weights {@code name + ".weights"}. */
  private BatchNormFolding.Folded folded(String name, int channels) {
    String bn = name + ".bn";
    batchNorm(null, bn, channels);
    return BatchNormFolding.fold(value(name + ".weights"), value(bn + ".gamma"), value(bn + ".beta"),
        value(bn + ".moving_mean"), value(bn + ".moving_variance"), BN_EPSILON);
  }

  private float[] value(String name) {
    float[] v = values.get(name);
    if (v == null) throw new IllegalArgumentException("no trained value for " + name);
    return v;
  }

  private Operand<TFloat32> constant(String name, long[] shape, float[] v) {
    return constants.computeIfAbsent(name, n -> tf.constant(Shape.of(shape), DataBuffers.of(v, true, false)));
  }

  private static List<Long> strides(int s) {
    return List.of(1L, (long) s, (long) s, 1L);
  }
}
