package io.segvid.render;

/**
 * How large the legend and HUD are drawn on a frame: their sizes are set for a 540-line picture and
 * scale with the frame's shorter side, so they stay legible on a 4K recording and leave a phone's
 * portrait video mostly uncovered.
 */
final class OverlayScale {

  private static final double REFERENCE_SIDE = 540;
  private static final double MIN = 0.75;  // smaller Hershey text is not legible
  private static final double MAX = 4;

  private OverlayScale() {
  }

  static double of(int rows, int cols) {
    return Math.max(MIN, Math.min(MAX, Math.min(rows, cols) / REFERENCE_SIDE));
  }

  /** {@code length} pixels at the reference size, scaled, at least one. */
  static int px(double scale, int length) {
    return Math.max(1, (int) Math.round(length * scale));
  }
}
