package io.segvid.cli;

import io.segvid.config.PipelineConfig;
import io.segvid.pipeline.Pipeline;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code segvid demo}: the sample video through the default model into a recording and a preview PNG. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Segment the shipped sample video with the default model: OUT/highway-segmented.mp4 + OUT/preview.png.")
public final class DemoCommand implements Callable<Integer> {

  static final String SAMPLE = "samples/video/highway-960x540.mp4";

  @Option(names = "--source", defaultValue = SAMPLE, description = "Video to segment (default: ${DEFAULT-VALUE}).")
  String source;
  @Option(names = "--out", defaultValue = "out/demo", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;
  @Mixin
  RunOptions options;

  @Override
  public Integer call() throws Exception {
    Path video = out.resolve("highway-segmented.mp4");
    Path preview = out.resolve("preview.png");
    var registry = io.segvid.pipeline.metrics.Metrics.create();
    PipelineConfig config = options.resolve(List.of(io.segvid.config.Home.resolve(source).toString()),
        List.of("file:" + video, "preview:" + preview));
    Pipeline.Outcome outcome;
    try (var metricsServer = options.metricsServer(registry)) {
      outcome = PipelineLauncher.launch(config, registry, System.out);
    }
    long frames = (long) outcome.metrics().get(0).framesOut.count();
    System.out.printf(Locale.ROOT, "demo: %d frames in %.1f s wall (%.1f fps)%n  recording: %s%n  preview:   %s%n",
        frames, outcome.seconds(), frames / outcome.seconds(), video, preview);
    return 0;
  }
}
