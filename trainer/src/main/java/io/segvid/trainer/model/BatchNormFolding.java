package io.segvid.trainer.model;

/**
 * Folds an inference-mode batch norm into the convolution before it: with
 * {@code s = gamma / sqrt(var + eps)}, {@code bn(conv(x, W)) = conv(x, W * s) + (beta - mean * s)}.
 * The serving graph then has one convolution with a bias per layer instead of a convolution plus a
 * stand-alone batch-norm primitive (which oneDNN runs very slowly on some hosts).
 */
public final class BatchNormFolding {

  /** Folded weights (same layout as the convolution's) and the per-channel bias. */
  public record Folded(float[] weights, float[] bias) { }

  private BatchNormFolding() { }

  /**
   * @param weights convolution weights whose innermost axis is the normalised channel: HWIO for a
   *                convolution (channel = O), HWC1 for a depthwise convolution (channel = C)
   */
  public static Folded fold(float[] weights, float[] gamma, float[] beta, float[] mean, float[] variance,
                            float epsilon) {
    int channels = gamma.length;
    if (beta.length != channels || mean.length != channels || variance.length != channels) {
      throw new IllegalArgumentException("batch-norm vectors differ in length");
    }
    if (weights.length % channels != 0) {
      throw new IllegalArgumentException(weights.length + " weights do not divide into " + channels + " channels");
    }
    float[] scale = new float[channels];
    float[] bias = new float[channels];
    for (int c = 0; c < channels; c++) {
      scale[c] = (float) (gamma[c] / Math.sqrt((double) variance[c] + epsilon));
      bias[c] = beta[c] - mean[c] * scale[c];
    }
    float[] folded = new float[weights.length];
    for (int i = 0; i < weights.length; i++) folded[i] = weights[i] * scale[i % channels];
    return new Folded(folded, bias);
  }
}
