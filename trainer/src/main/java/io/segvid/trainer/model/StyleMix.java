package io.segvid.trainer.model;

import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * MixStyle (Zhou et al., "Domain Generalization with MixStyle", ICLR 2021) for {@code --style-mix}: in
 * training only, an early feature map's per-image, per-channel mean and standard deviation, which
 * carry much of a picture's camera and light ("style"), are replaced by a random blend of its own and
 * another image's of the batch, while the normalised content stays. The network learns features that
 * depend less on one drive's statistics. Nothing of it is in the validation or serving graphs.
 *
 * <p>The draws (partner image, own weight) are fed from Java: reproducible from a seed, and the
 * graph's gradient never meets a random op.
 */
public final class StyleMix {

  private static final float EPSILON = 1e-6f;
  /** Beta(0.1, 0.1): most blends sit near one image or the other, some halfway (the paper's choice). */
  private static final double BETA_ALPHA = 0.1;

  /** Per image of the batch: the index of the image whose statistics it blends with, and its own weight. */
  public record Inputs(Placeholder<TInt32> partner, Placeholder<TFloat32> ownWeight) {

    public static Inputs create(Ops tf) {
      return new Inputs(tf.withName("style_partner").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1))),
          tf.withName("style_own_weight").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1, 1, 1))));
    }
  }

  private StyleMix() { }

  /** {@code x} [N,H,W,C] with each image's statistics blended as {@code inputs} say. */
  static Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, Inputs inputs) {
    Operand<TInt32> spatial = tf.constant(new int[] {1, 2});
    // The statistics are constants for the gradient, as in the paper.
    Operand<TFloat32> mean = tf.stopGradient(tf.math.mean(x, spatial, Mean.keepDims(true)));
    Operand<TFloat32> variance = tf.math.mean(tf.math.squaredDifference(x, mean), spatial, Mean.keepDims(true));
    Operand<TFloat32> std = tf.stopGradient(tf.math.sqrt(tf.math.add(variance, tf.constant(EPSILON))));
    Operand<TFloat32> content = tf.math.div(tf.math.sub(x, mean), std);
    Operand<TFloat32> own = inputs.ownWeight();
    Operand<TFloat32> other = tf.math.sub(tf.constant(1f), own);
    Operand<TFloat32> mixedMean = tf.math.add(tf.math.mul(own, mean),
        tf.math.mul(other, tf.gather(mean, inputs.partner(), tf.constant(0))));
    Operand<TFloat32> mixedStd = tf.math.add(tf.math.mul(own, std),
        tf.math.mul(other, tf.gather(std, inputs.partner(), tf.constant(0))));
    return tf.math.add(tf.math.mul(content, mixedStd), mixedMean);
  }

  /**
   * Draws for a batch of {@code partner.length} images: a random permutation as partners, and with
   * {@code probability} per image a Beta(0.1, 0.1) own weight (else 1: its statistics unchanged).
   */
  public static void draw(float probability, Random random, int[] partner, float[] ownWeight) {
    for (int i = 0; i < partner.length; i++) partner[i] = i;
    for (int i = partner.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = partner[i];
      partner[i] = partner[j];
      partner[j] = t;
    }
    for (int i = 0; i < ownWeight.length; i++) ownWeight[i] = random.nextFloat() < probability ? (float) beta(random) : 1f;
  }

  /** Beta(a, a) for a < 1 by Jöhnk's method, in logarithms so that u^(1/a) does not underflow. */
  private static double beta(Random random) {
    while (true) {
      double x = Math.log(1 - random.nextDouble()) / BETA_ALPHA;
      double y = Math.log(1 - random.nextDouble()) / BETA_ALPHA;
      double sum = Math.max(x, y) + Math.log1p(Math.exp(-Math.abs(x - y)));
      if (sum <= 0) return 1 / (1 + Math.exp(y - x));
    }
  }
}
