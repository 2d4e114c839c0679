package io.segvid.trainer.model;

/** Test access to {@link CentreTap} for 3x3 depthwise weights [3, 3, channels, 1]. */
public final class CentreTapProbe {

  private CentreTapProbe() { }

  public static boolean centreOnly(float[] weights) {
    return CentreTap.only(weights, 3, weights.length / 9) != null;
  }
}
