package io.segvid.trainer.model;

/**
 * A dilated depthwise convolution whose off-centre taps are all negligible is a per-channel scale.
 * It happens where the rate is larger than the feature maps the model was trained on (the ASPP's 36 on
 * 256x256 crops at output stride 8: a 32x32 map): those taps only ever saw padding, had no gradient
 * and weight decay took them to ~1e-31. Served on larger frames they would read real pixels with
 * those weights, which changes nothing; a multiply skips the space-to-batch reshuffle that costs
 * several milliseconds a frame at such rates.
 */
final class CentreTap {

  /** Off-centre taps below this share of the largest centre tap count as zero (float32 keeps ~6e-8). */
  static final float NEGLIGIBLE = 1e-9f;

  private CentreTap() { }

  /**
   * The centre tap of each channel of {@code weights} ([k, k, channels, 1], row-major), or null where
   * any off-centre tap is not negligible.
   */
  static float[] only(float[] weights, int k, int channels) {
    int centre = (k / 2) * k + k / 2;
    float[] out = new float[channels];
    float largest = 0f;
    for (int c = 0; c < channels; c++) {
      out[c] = weights[centre * channels + c];
      largest = Math.max(largest, Math.abs(out[c]));
    }
    float bound = largest * NEGLIGIBLE;
    for (int t = 0; t < k * k; t++) {
      if (t == centre) continue;
      for (int c = 0; c < channels; c++) if (!(Math.abs(weights[t * channels + c]) <= bound)) return null;
    }
    return out;
  }
}
