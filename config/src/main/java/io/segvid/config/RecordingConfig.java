package io.segvid.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * recording: encoder settings of file sinks. A keyframe every {@code gop_seconds} bounds what a crash
 * can cost; bitrate 0 lets the encoder pick from the frame size.
 */
public record RecordingConfig(
    @JsonProperty("codec") String codec,
    @JsonProperty("gop_seconds") Double gopSeconds,
    @JsonProperty("bitrate_kbps") Integer bitrateKbps,
    @JsonProperty("audio") Boolean audio) {

  public RecordingConfig {
    codec = Check.orDefault(codec, "h264");
    if (!codec.matches("h264|mpeg4|mjpeg")) throw new ConfigException("recording.codec must be h264, mpeg4 or mjpeg, got '" + codec + "'");
    gopSeconds = Check.range("recording.gop_seconds", Check.orDefault(gopSeconds, 1.0), 0.1, 60.0);
    bitrateKbps = Check.range("recording.bitrate_kbps", Check.orDefault(bitrateKbps, 0), 0, 200_000);
    audio = Check.orDefault(audio, true);
  }

  public static RecordingConfig defaults() {
    return new RecordingConfig(null, null, null, null);
  }
}
