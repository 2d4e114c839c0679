package io.segvid.cli;

import io.segvid.config.ConfigLoader;
import io.segvid.config.ModelConfig;
import io.segvid.config.PipelineConfig;
import io.segvid.config.RenderConfig;
import io.segvid.config.RingConfig;
import io.segvid.config.RingPolicy;
import io.segvid.trainer.cli.ModelOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Flags of commands that run the pipeline. Each one given overrides the config file. */
public final class RunOptions {

  @Option(names = "--config", description = "YAML config file (see samples/config/example.yaml).")
  Path config;
  @Mixin
  ModelOptions model;
  @Option(names = "--batch-size", description = "Frames per inference batch (default 4).")
  Integer batchSize;
  @Option(names = "--batches-in-flight", description = "Inference batches running at once, 1 or 2 (default 2).")
  Integer batchesInFlight;
  @Option(names = "--ring-size", description = "Ring slots, a power of two (default 32).")
  Integer ringSize;
  @Option(names = "--policy", description = "auto, lossless or live: what a full ring does (default auto).")
  String policy;
  @Option(names = "--alpha", description = "Overlay opacity 0..1 (default 0.5).")
  Double alpha;
  @Option(names = "--legend", negatable = true, description = "Draw the legend of classes present (default on).")
  Boolean legend;
  @Option(names = "--hud", negatable = true, description = "Draw fps and latency (default on).")
  Boolean hud;
  @Option(names = "--smoothing-frames", description = "1 (off) or 3: majority of the last 3 masks per pixel.")
  Integer smoothingFrames;
  @Option(names = "--duration", description = "Stop after this many seconds.")
  Double duration;
  @Option(names = "--codec", description = "Recording codec: h264 (default), mpeg4 or mjpeg.")
  String codec;
  @Option(names = "--metrics-port", description = "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics.")
  Integer metricsPort;
  @Option(names = "--metrics-host", defaultValue = "127.0.0.1", description = "Address for --metrics-port (default: ${DEFAULT-VALUE}).")
  String metricsHost;
  @Option(names = "--progress", negatable = true, description = "Progress bar for file sources (default on).")
  Boolean progress;

  /** Starts the scrape endpoint if asked for; null otherwise. */
  io.segvid.pipeline.metrics.MetricsServer metricsServer(io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry)
      throws java.io.IOException {
    return metricsPort == null ? null : new io.segvid.pipeline.metrics.MetricsServer(metricsHost, metricsPort, registry);
  }

  /** The config file (or defaults) with every given flag applied on top. */
  PipelineConfig resolve(List<String> sources, List<String> sinks) {
    PipelineConfig c = config != null ? ConfigLoader.load(config) : PipelineConfig.defaults();
    if (!sources.isEmpty()) c = c.withSources(sources);
    if (!sinks.isEmpty()) c = c.withSinks(sinks);
    ModelConfig m = c.model();
    io.segvid.inference.ModelOverrides o = model.overrides();
    model.testTimeAugmentation();  // a bad --tta is named as the flag, not as the config key
    String inputSize = model.inputSize();
    c = c.withModel(new ModelConfig(
        model.model != null ? model.model.toString() : m.path(),
        inputSize != null ? io.segvid.config.FrameSize.parse(inputSize) : m.inputSize(),
        batchSize != null ? batchSize : m.batchSize(),
        model.threads != null ? model.threads : m.threads(),
        or(o.signature(), m.signature()), or(o.inputKey(), m.inputKey()), or(o.outputKey(), m.outputKey()),
        or(lower(o.inputScaling()), m.inputScaling()), or(lower(o.outputKind()), m.outputKind()),
        or(o.numClasses(), m.numClasses()),
        batchesInFlight != null ? batchesInFlight : m.batchesInFlight(),
        or(model.tta, m.tta())));
    RingConfig r = c.ring();
    c = c.withRing(new RingConfig(ringSize != null ? ringSize : r.size(),
        policy != null ? parsePolicy(policy) : r.policy()));
    RenderConfig rc = c.render();
    c = c.withRender(new RenderConfig(alpha != null ? alpha : rc.alpha(), legend != null ? legend : rc.legend(),
        hud != null ? hud : rc.hud(), smoothingFrames != null ? smoothingFrames : rc.smoothingFrames()));
    if (codec != null) {
      io.segvid.config.RecordingConfig rec = c.recording();
      c = c.withRecording(new io.segvid.config.RecordingConfig(codec, rec.gopSeconds(), rec.bitrateKbps(), rec.audio()));
    }
    if (progress != null) c = c.withProgress(progress);
    if (duration != null) c = c.withDuration(duration);
    return c;
  }

  private static <T> T or(T flag, T fromConfig) {
    return flag != null ? flag : fromConfig;
  }

  private static String lower(Enum<?> e) {
    return e == null ? null : e.name().toLowerCase(Locale.ROOT);
  }

  private static RingPolicy parsePolicy(String p) {
    try {
      return RingPolicy.valueOf(p.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--policy must be auto, lossless or live, got " + p);
    }
  }
}
