package io.segvid.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The whole run configuration, immutable. Every section has defaults; the CLI overrides fields. */
public record PipelineConfig(
    @JsonProperty("sources") List<String> sources,
    @JsonProperty("sinks") List<String> sinks,
    @JsonProperty("model") ModelConfig model,
    @JsonProperty("ring") RingConfig ring,
    @JsonProperty("render") RenderConfig render,
    @JsonProperty("recording") RecordingConfig recording,
    @JsonProperty("live") LiveConfig live,
    @JsonProperty("progress") Boolean progress,
    @JsonProperty("duration_seconds") Double durationSeconds) {

  public PipelineConfig {
    sources = sources == null ? List.of() : List.copyOf(sources);
    sinks = sinks == null ? List.of() : List.copyOf(sinks);
    model = Check.orDefault(model, ModelConfig.defaults());
    ring = Check.orDefault(ring, RingConfig.defaults());
    render = Check.orDefault(render, RenderConfig.defaults());
    recording = Check.orDefault(recording, RecordingConfig.defaults());
    live = Check.orDefault(live, LiveConfig.defaults());
    progress = Check.orDefault(progress, true);
    if (durationSeconds != null) Check.range("duration_seconds", durationSeconds, 0.0, 1e9);
  }

  public static PipelineConfig defaults() {
    return new PipelineConfig(null, null, null, null, null, null, null, null, null);
  }

  public PipelineConfig withSources(List<String> s) {
    return new PipelineConfig(s, sinks, model, ring, render, recording, live, progress, durationSeconds);
  }

  public PipelineConfig withSinks(List<String> s) {
    return new PipelineConfig(sources, s, model, ring, render, recording, live, progress, durationSeconds);
  }

  public PipelineConfig withModel(ModelConfig m) {
    return new PipelineConfig(sources, sinks, m, ring, render, recording, live, progress, durationSeconds);
  }

  public PipelineConfig withRing(RingConfig r) {
    return new PipelineConfig(sources, sinks, model, r, render, recording, live, progress, durationSeconds);
  }

  public PipelineConfig withRender(RenderConfig r) {
    return new PipelineConfig(sources, sinks, model, ring, r, recording, live, progress, durationSeconds);
  }

  public PipelineConfig withRecording(RecordingConfig r) {
    return new PipelineConfig(sources, sinks, model, ring, render, r, live, progress, durationSeconds);
  }

  public PipelineConfig withLive(LiveConfig l) {
    return new PipelineConfig(sources, sinks, model, ring, render, recording, l, progress, durationSeconds);
  }

  public PipelineConfig withProgress(boolean p) {
    return new PipelineConfig(sources, sinks, model, ring, render, recording, live, p, durationSeconds);
  }

  public PipelineConfig withDuration(Double d) {
    return new PipelineConfig(sources, sinks, model, ring, render, recording, live, progress, d);
  }
}
