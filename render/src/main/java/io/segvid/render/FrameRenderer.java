package io.segvid.render;

import io.segvid.config.RenderConfig;
import io.segvid.inference.ModelMetadata;
import org.bytedeco.opencv.opencv_core.Mat;

/** The render stage for one stream: smoothing, overlay, legend, HUD, in that order. */
public final class FrameRenderer implements AutoCloseable {

  private final RenderConfig config;
  private final Overlay overlay;
  private final LegendPainter legend;
  private final HudPainter hud = new HudPainter();
  private final MaskSmoother smoother = new MaskSmoother();

  public FrameRenderer(Palette palette, ModelMetadata metadata, RenderConfig config) {
    this.config = config;
    this.overlay = new Overlay(palette, config.alpha());
    this.legend = new LegendPainter(metadata.classes());
  }

  /**
   * Renders one frame into {@code out}. {@code ids} may be smoothed in place. {@code latencyNanos}
   * is the time since capture, for the HUD.
   */
  public void render(Mat frame, byte[] ids, int maskH, int maskW, Mat out, long nowNanos, long latencyNanos) {
    if (config.smoothingFrames() > 1) smoother.apply(ids, maskH * maskW);
    overlay.render(frame, ids, maskH, maskW, out);
    if (config.legend()) {
      legend.scan(ids, maskH * maskW);
      legend.paint(out, config.hud());
    }
    if (config.hud()) {
      hud.frame(nowNanos, latencyNanos);
      hud.paint(out);
    }
  }

  @Override
  public void close() {
    overlay.close();
    legend.close();
    hud.close();
  }
}
