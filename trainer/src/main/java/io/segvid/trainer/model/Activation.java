package io.segvid.trainer.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The activation after a convolution and its batch norm. Passed to the layer rather than applied
 * after it so that the serving graph can apply it where oneDNN fuses it into the convolution (inside
 * a dilated convolution's space-to-batch form, before the batch-to-space reshuffle).
 */
public enum Activation {
  NONE, RELU, RELU6;

  Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return switch (this) {
      case NONE -> x;
      case RELU -> tf.nn.relu(x);
      case RELU6 -> tf.nn.relu6(x);
    };
  }
}
