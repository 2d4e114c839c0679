package io.segvid.trainer;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.math.Cumsum;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The Lovász-softmax loss as the paper defines it, with a full sort of every pixel's error per class:
 * the reference the trainer's binned {@link io.segvid.trainer.train.LovaszSoftmax} is checked against.
 */
final class SortedLovaszSoftmax {

  private SortedLovaszSoftmax() {
  }

  /**
   * @param flatLogits [pixels, classes]
   * @param oneHot [pixels, classes] labels; an ignored pixel has an all-zero row
   * @return scalar loss
   */
  static Operand<TFloat32> loss(Ops tf, Operand<TFloat32> flatLogits, Operand<TFloat32> oneHot, int numClasses) {
    Operand<TFloat32> valid = tf.reduceSum(oneHot, tf.constant(1), ReduceSum.keepDims(true));
    Operand<TFloat32> errors = tf.math.mul(tf.math.abs(tf.math.sub(oneHot, tf.nn.softmax(flatLogits))), valid);
    Operand<TInt32> classMajor = tf.constant(new int[] {1, 0});
    Operand<TFloat32> errorsByClass = tf.linalg.transpose(errors, classMajor);
    Operand<TFloat32> labelsByClass = tf.linalg.transpose(oneHot, classMajor);

    Operand<TInt32> shape = tf.shape(errorsByClass);
    Operand<TInt32> pixels = tf.gather(shape, tf.constant(1), tf.constant(0));
    TopK<TFloat32, TInt32> descending = tf.nn.topK(tf.stopGradient(errorsByClass), pixels, TInt32.class);
    Operand<TInt32> rows = tf.broadcastTo(tf.expandDims(tf.range(tf.constant(0), tf.constant(numClasses), tf.constant(1)),
        tf.constant(1)), shape);
    Operand<TInt32> places = tf.stack(List.of(rows, descending.indices()), Stack.axis(2L));
    Operand<TFloat32> sortedLabels = tf.gatherNd(labelsByClass, places);

    Operand<TFloat32> truePixels = tf.reduceSum(sortedLabels, tf.constant(1), ReduceSum.keepDims(true));
    Operand<TFloat32> jaccardUpTo = jaccardLoss(tf, truePixels, sortedLabels, false);
    Operand<TFloat32> jaccardBefore = jaccardLoss(tf, truePixels, sortedLabels, true);
    Operand<TFloat32> increments = tf.math.sub(jaccardUpTo, jaccardBefore);
    Operand<TFloat32> pixelWeights = tf.stopGradient(tf.scatterNd(places, increments, shape));

    Operand<TFloat32> perClass = tf.reduceSum(tf.math.mul(errorsByClass, pixelWeights), tf.constant(1));
    Operand<TFloat32> present = tf.dtypes.cast(
        tf.math.greater(tf.reshape(truePixels, tf.constant(new int[] {-1})), tf.constant(0f)), TFloat32.class);
    return tf.math.div(tf.reduceSum(tf.math.mul(perClass, present), tf.constant(0)),
        tf.math.maximum(tf.reduceSum(present, tf.constant(0)), tf.constant(1f)));
  }

  /**
   * 1 - |labels \ errors so far| / |labels ∪ errors so far| along the sorted pixels, including
   * the current pixel or (exclusive) up to the one before it; 0 where both are empty.
   */
  private static Operand<TFloat32> jaccardLoss(Ops tf, Operand<TFloat32> truePixels, Operand<TFloat32> sortedLabels,
                                               boolean exclusive) {
    Cumsum.Options mode = Cumsum.exclusive(exclusive);
    Operand<TFloat32> labelsSoFar = tf.math.cumsum(sortedLabels, tf.constant(1), mode);
    Operand<TFloat32> othersSoFar = tf.math.cumsum(tf.math.sub(tf.constant(1f), sortedLabels), tf.constant(1), mode);
    Operand<TFloat32> intersection = tf.math.sub(truePixels, labelsSoFar);
    Operand<TFloat32> union = tf.math.add(truePixels, othersSoFar);
    return tf.math.sub(tf.constant(1f), tf.math.divNoNan(intersection, union));
  }
}
