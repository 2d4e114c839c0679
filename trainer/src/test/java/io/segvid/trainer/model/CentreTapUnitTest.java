package io.segvid.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Which 3x3 depthwise kernels count as their centre tap alone. */
class CentreTapUnitTest {

  @Test
  void negligibleOffCentreTapsLeaveTheCentre() {
    float[] w = kernel(2, new float[] {0.5f, -2f}, 1e-31f);
    assertArrayEquals(new float[] {0.5f, -2f}, CentreTap.only(w, 3, 2));
  }

  @Test
  void oneTapInUseKeepsTheKernel() {
    float[] w = kernel(2, new float[] {0.5f, -2f}, 0f);
    w[8 * 2 + 1] = 1e-6f;  // bottom-right tap of channel 1: small, but 5e-7 of the largest centre, not 1e-9
    assertNull(CentreTap.only(w, 3, 2));
    float[] nan = kernel(1, new float[] {1f}, 0f);
    nan[0] = Float.NaN;
    assertNull(CentreTap.only(nan, 3, 1), "NaN is not negligible");
  }

  /** [3, 3, channels, 1] with the given centre per channel and every other tap set to {@code rest}. */
  private static float[] kernel(int channels, float[] centre, float rest) {
    float[] w = new float[9 * channels];
    java.util.Arrays.fill(w, rest);
    for (int c = 0; c < channels; c++) w[4 * channels + c] = centre[c];
    return w;
  }
}
