package io.segvid.trainer.model;

import io.segvid.trainer.model.ParamStore.Init;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Convolution, batch-norm and resize building blocks in NHWC. Every dilated convolution goes through
 * {@link #atrous}: SpaceToBatchND, a plain convolution, BatchToSpaceND. TensorFlow's own dilated
 * Conv2D/DepthwiseConv2dNative compute wrong gradients in graph mode; this form is exact and as fast.
 */
public final class Layers {

  static final float BN_EPSILON = 1e-3f;

  private final Ops tf;
  private final ParamStore params;
  private final Mode mode;
  private final float bnMomentum;
  private final List<Op> updates = new ArrayList<>();

  public Layers(Ops tf, ParamStore params, Mode mode, float bnMomentum) {
    this.tf = tf;
    this.params = params;
    this.mode = mode;
    this.bnMomentum = bnMomentum;
  }

  public Ops tf() {
    return tf;
  }

  /** Moving-statistics updates of the TRAIN branch, to be run with each training step. */
  public List<Op> updates() {
    return Collections.unmodifiableList(updates);
  }

  /** k x k convolution without bias (a batch norm follows). */
  public Operand<TFloat32> conv(Operand<TFloat32> x, String name, int k, int cin, int cout, int stride, int rate) {
    Variable<TFloat32> w = params.get(name + ".weights", new long[] {k, k, cin, cout}, Init.HE_NORMAL,
        (long) k * k * cin, true, true);
    return atrous(x, rate, k, in -> tf.nn.conv2d(in, w, strides(stride), rate > 1 ? "VALID" : "SAME"));
  }

  /** Depthwise k x k convolution (multiplier 1) without bias. */
  public Operand<TFloat32> depthwise(Operand<TFloat32> x, String name, int k, int channels, int stride, int rate) {
    Variable<TFloat32> w = params.get(name + ".weights", new long[] {k, k, channels, 1}, Init.HE_NORMAL,
        (long) k * k, true, true);
    return atrous(x, rate, k, in -> tf.nn.depthwiseConv2dNative(in, w, strides(stride), rate > 1 ? "VALID" : "SAME"));
  }

  /** 1x1 convolution with bias and no normalisation: the classifier. */
  public Operand<TFloat32> conv1x1Bias(Operand<TFloat32> x, String name, int cin, int cout) {
    Variable<TFloat32> w = params.get(name + ".weights", new long[] {1, 1, cin, cout}, Init.HE_NORMAL, cin, true, true);
    Variable<TFloat32> b = params.get(name + ".bias", new long[] {cout}, Init.ZEROS, 1, true, false);
    return tf.nn.biasAdd(tf.nn.conv2d(x, w, strides(1), "SAME"), b);
  }

  public Operand<TFloat32> batchNorm(Operand<TFloat32> x, String name, int channels) {
    long[] shape = {channels};
    Variable<TFloat32> gamma = params.get(name + ".gamma", shape, Init.ONES, 1, true, false);
    Variable<TFloat32> beta = params.get(name + ".beta", shape, Init.ZEROS, 1, true, false);
    Variable<TFloat32> movingMean = params.get(name + ".moving_mean", shape, Init.ZEROS, 1, false, false);
    Variable<TFloat32> movingVar = params.get(name + ".moving_variance", shape, Init.ONES, 1, false, false);
    if (mode == Mode.INFER) {
      // Fused inference form: grappler folds it into the preceding convolution.
      return tf.nn.fusedBatchNorm(x, gamma, beta, movingMean, movingVar,
          FusedBatchNorm.epsilon(BN_EPSILON), FusedBatchNorm.isTraining(false)).y();
    }
    // Batch statistics written with differentiable primitives, so the gradient flows through them.
    Operand<TInt32> axes = tf.constant(new int[] {0, 1, 2});
    Operand<TFloat32> mean = tf.math.mean(x, axes);
    Operand<TFloat32> centered = tf.math.sub(x, mean);
    Operand<TFloat32> variance = tf.math.mean(tf.math.square(centered), axes);
    Operand<TFloat32> scale = tf.math.mul(gamma, tf.math.rsqrt(tf.math.add(variance, tf.constant(BN_EPSILON))));
    Operand<TFloat32> keep = tf.constant(bnMomentum);
    Operand<TFloat32> blend = tf.constant(1f - bnMomentum);
    updates.add(tf.assign(movingMean, tf.math.add(tf.math.mul(movingMean, keep), tf.math.mul(mean, blend))));
    updates.add(tf.assign(movingVar, tf.math.add(tf.math.mul(movingVar, keep), tf.math.mul(variance, blend))));
    return tf.math.add(tf.math.mul(centered, scale), beta);
  }

  public Operand<TFloat32> convBn(Operand<TFloat32> x, String name, int k, int cin, int cout, int stride, int rate) {
    return batchNorm(conv(x, name, k, cin, cout, stride, rate), name + ".bn", cout);
  }

  public Operand<TFloat32> convBnRelu(Operand<TFloat32> x, String name, int k, int cin, int cout, int stride, int rate) {
    return tf.nn.relu(convBn(x, name, k, cin, cout, stride, rate));
  }

  /** Depthwise-separable convolution: depthwise k x k + BN + ReLU, then pointwise 1x1 + BN + ReLU. */
  public Operand<TFloat32> separableConvBnRelu(Operand<TFloat32> x, String name, int cin, int cout, int rate) {
    Operand<TFloat32> dw = tf.nn.relu(batchNorm(depthwise(x, name + ".dw", 3, cin, 1, rate), name + ".dw.bn", cin));
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

  private static List<Long> strides(int s) {
    return List.of(1L, (long) s, (long) s, 1L);
  }
}
