package io.segvid.trainer.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Instance normalisation: each image's own per-channel mean and spread over its pixels removed, then a
 * learnt scale and shift. Unlike batch norm it has no population statistics, so training, validation and
 * serving compute the same thing, and a picture's contrast and colour cast (much of what one camera or
 * light adds) do not reach the next layer. Used for half of the channels of early layers (IBN-a,
 * {@link Layers#convIbnAct}).
 */
final class InstanceNorm {

  static final float EPSILON = 1e-5f;

  private InstanceNorm() { }

  /** {@code x} [N,H,W,C] normalised per image and channel, times {@code gamma} plus {@code beta} (both [C]). */
  static Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, Operand<TFloat32> gamma, Operand<TFloat32> beta) {
    Operand<TInt32> spatial = tf.constant(new int[] {1, 2});
    Operand<TFloat32> centred = tf.math.sub(x, tf.math.mean(x, spatial, Mean.keepDims(true)));
    Operand<TFloat32> variance = tf.math.mean(tf.math.square(centred), spatial, Mean.keepDims(true));
    Operand<TFloat32> normalised = tf.math.mul(centred, tf.math.rsqrt(tf.math.add(variance, tf.constant(EPSILON))));
    return tf.math.add(tf.math.mul(normalised, gamma), beta);
  }
}
