package io.segvid.output;

import java.util.Map;

/**
 * What an {@link FfmpegWriter} writes: container, video codec and its settings, optional audio,
 * muxer options; {@code keyframeMicros} > 0 also forces a keyframe whenever that much stream time
 * passed since the last one (a GOP counted in frames gets long in time when a live stream delivers
 * fewer frames than its nominal rate).
 */
public record EncoderSettings(String format, int width, int height, double frameRate, int codecId, int pixelFormat,
                              int gopSize, long bitRate, int audioChannels, int sampleRate, Map<String, String> options,
                              long keyframeMicros) {

  public EncoderSettings {
    options = Map.copyOf(options);
  }

  /** Keyframes by GOP only. */
  public EncoderSettings(String format, int width, int height, double frameRate, int codecId, int pixelFormat,
                         int gopSize, long bitRate, int audioChannels, int sampleRate, Map<String, String> options) {
    this(format, width, height, frameRate, codecId, pixelFormat, gopSize, bitRate, audioChannels, sampleRate, options, 0);
  }

  boolean audio() {
    return audioChannels > 0 && sampleRate > 0;
  }
}
