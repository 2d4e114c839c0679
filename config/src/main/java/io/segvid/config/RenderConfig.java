package io.segvid.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * render: overlay opacity, class legend, HUD (fps, latency), and temporal smoothing: a pixel's class
 * is the majority of the last {@code smoothing_frames} predictions (1 = off; 3 removes one-frame flicker).
 */
public record RenderConfig(
    @JsonProperty("alpha") Double alpha,
    @JsonProperty("legend") Boolean legend,
    @JsonProperty("hud") Boolean hud,
    @JsonProperty("smoothing_frames") Integer smoothingFrames) {

  public RenderConfig {
    alpha = Check.range("render.alpha", Check.orDefault(alpha, 0.5), 0.0, 1.0);
    legend = Check.orDefault(legend, true);
    hud = Check.orDefault(hud, true);
    smoothingFrames = Check.orDefault(smoothingFrames, 1);
    if (smoothingFrames != 1 && smoothingFrames != 3) {
      throw new ConfigException("render.smoothing_frames must be 1 (off) or 3, got " + smoothingFrames);
    }
  }

  public static RenderConfig defaults() {
    return new RenderConfig(null, null, null, null);
  }
}
