package io.segvid.trainer.train;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.math.Cumsum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The Lovász-softmax loss (Berman, Triki, Blaschko, CVPR 2018): per class, the Lovász extension of
 * the Jaccard loss evaluated at the pixels' errors |1[label = c] - p_c|, averaged over the classes
 * present in the batch's labels. For hard predictions it equals 1 - IoU exactly, so it optimises the
 * score mIoU reports, and every present class counts the same however few its pixels are (poles,
 * signs, pedestrians), where cross-entropy is dominated by road and sky.
 *
 * <p>The paper sorts every pixel's error per class; a full sort of a batch's half-million pixels
 * per class cost more than the rest of a training step's loss. Errors lie in [0, 1], so this form
 * orders them into {@value #BINS} bins instead (one pass, no sort): the Jaccard loss is exact at
 * every bin boundary, and within a bin the increment is shared between its labelled and unlabelled
 * pixels as if they were interleaved evenly. Only the order of pixels whose errors differ by less
 * than 1/{@value #BINS} is lost, so the loss moves by less than that; for hard predictions (errors
 * 0 or 1) it is still exactly 1 - IoU.
 *
 * <p>As in the paper's reference code, the ordering and the increments are constants: the gradient
 * flows only through the errors, each weighted by its pixel's increment.
 */
public final class LovaszSoftmax {

  /** How finely errors are ordered; the loss is within 1/BINS of the sorted form. */
  public static final int BINS = 1024;

  private LovaszSoftmax() {
  }

  /**
   * @param flatLogits [pixels, classes]
   * @param oneHot [pixels, classes] labels; an ignored pixel has an all-zero row
   * @return scalar loss
   */
  public static Operand<TFloat32> loss(Ops tf, Operand<TFloat32> flatLogits, Operand<TFloat32> oneHot, int numClasses) {
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> valid = tf.reduceSum(oneHot, tf.constant(1), ReduceSum.keepDims(true));
    Operand<TFloat32> errors = tf.math.mul(tf.math.abs(tf.math.sub(oneHot, tf.nn.softmax(flatLogits))), valid);

    // Bin 0 holds each class's largest errors, so running sums along the bins follow the sorted order.
    Operand<TFloat32> fromTop = tf.math.floor(tf.math.mul(tf.math.sub(one, tf.stopGradient(errors)),
        tf.constant((float) BINS)));
    Operand<TInt32> bin = tf.dtypes.cast(tf.math.minimum(tf.math.maximum(fromTop, tf.constant(0f)),
        tf.constant(BINS - 1f)), TInt32.class);
    // Each (pixel, class) pair has one counter: the class, whether the pixel is labelled with it, the bin;
    // ignored pixels go to one spare counter past the end. One Bincount over them costs 0.5 % of a training
    // step where two UnsortedSegmentSums of one-hot rows cost 7 % (session 35's per-op trace).
    int[] classOffsets = new int[numClasses];
    for (int c = 0; c < numClasses; c++) classOffsets[c] = 2 * c * BINS;
    int spare = 2 * numClasses * BINS;
    Operand<TInt32> isValid = tf.dtypes.cast(valid, TInt32.class);
    Operand<TInt32> counter = tf.math.add(tf.math.mul(tf.math.add(tf.math.add(bin, tf.constant(new int[][] {classOffsets})),
            tf.math.mul(tf.dtypes.cast(oneHot, TInt32.class), tf.constant(BINS))), isValid),
        tf.math.mul(tf.math.sub(tf.constant(1), isValid), tf.constant(spare)));
    Operand<TInt32> flat = tf.constant(new int[] {-1});
    Operand<TFloat32> counts = tf.math.bincount(tf.reshape(counter, flat), tf.constant(spare + 1),
        tf.constant(new float[0]));
    Operand<TFloat32> byKind = tf.reshape(tf.slice(counts, tf.constant(new int[] {0}), tf.constant(new int[] {spare})),
        tf.constant(new int[] {numClasses, 2, BINS}));
    List<Output<TFloat32>> kinds = tf.unstack(byKind, 2L, Unstack.axis(1L)).output();
    Operand<TFloat32> unlabelled = kinds.get(0);
    Operand<TFloat32> labelled = kinds.get(1);

    Operand<TFloat32> truePixels = tf.reduceSum(labelled, tf.constant(1), ReduceSum.keepDims(true));
    Cumsum.Options before = Cumsum.exclusive(true);
    Operand<TFloat32> labelledBefore = tf.math.cumsum(labelled, tf.constant(1), before);
    Operand<TFloat32> unlabelledBefore = tf.math.cumsum(unlabelled, tf.constant(1), before);
    Operand<TFloat32> increment = tf.math.sub(
        jaccardLoss(tf, truePixels, tf.math.add(labelledBefore, labelled), tf.math.add(unlabelledBefore, unlabelled)),
        jaccardLoss(tf, truePixels, labelledBefore, unlabelledBefore));

    // With a labelled pixels and b unlabelled ones taken so far, J = 1 - (P - a) / (P + b), so
    // dJ/da = 1 / (P + b). Along an even interleaving of the bin's p labelled and n unlabelled pixels
    // the labelled ones take p * ln(1 + n / D) / n with D = P + b before the bin; the rest is theirs.
    Operand<TFloat32> unionBefore = tf.math.maximum(tf.math.add(truePixels, unlabelledBefore), one);
    Operand<TFloat32> growth = tf.math.maximum(tf.math.div(unlabelled, unionBefore), tf.constant(1e-6f));
    Operand<TFloat32> labelledShare = tf.math.mul(tf.math.div(labelled, unionBefore),
        tf.math.div(tf.math.log1p(growth), growth));
    Operand<TFloat32> perLabelled = tf.math.divNoNan(labelledShare, labelled);
    Operand<TFloat32> perUnlabelled = tf.math.divNoNan(tf.math.sub(increment, labelledShare), unlabelled);

    // Each pair's weight from its own counter's entry; the spare counter's is 0.
    Operand<TFloat32> perCounter = tf.concat(List.of(
        tf.reshape(tf.stack(List.of(perUnlabelled, perLabelled), Stack.axis(1L)), flat), tf.constant(new float[] {0f})),
        tf.constant(0));
    Operand<TFloat32> pixelWeights = tf.stopGradient(tf.gather(perCounter, counter, tf.constant(0)));

    Operand<TFloat32> perClass = tf.reduceSum(tf.math.mul(errors, pixelWeights), tf.constant(0));
    Operand<TFloat32> present = tf.dtypes.cast(
        tf.math.greater(tf.reshape(truePixels, flat), tf.constant(0f)), TFloat32.class);
    return tf.math.div(tf.reduceSum(tf.math.mul(perClass, present), tf.constant(0)),
        tf.math.maximum(tf.reduceSum(present, tf.constant(0)), one));
  }

  /**
   * 1 - |labelled not yet taken| / |labelled ∪ unlabelled taken so far|; 1 for a class with no
   * labelled pixels (its increments are then all 0, and it is not averaged).
   */
  private static Operand<TFloat32> jaccardLoss(Ops tf, Operand<TFloat32> truePixels, Operand<TFloat32> labelledSoFar,
                                               Operand<TFloat32> unlabelledSoFar) {
    Operand<TFloat32> intersection = tf.math.sub(truePixels, labelledSoFar);
    Operand<TFloat32> union = tf.math.maximum(tf.math.add(truePixels, unlabelledSoFar), tf.constant(1f));
    return tf.math.sub(tf.constant(1f), tf.math.div(intersection, union));
  }
}
