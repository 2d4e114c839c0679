package io.segvid.cli;

import io.segvid.config.PipelineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code segvid run}: sources through the model into sinks. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Segment video: --source FILE_OR_CAMERA --sink file:out.mp4 [--sink window ...].")
public final class RunCommand implements Callable<Integer> {

  @Option(names = "--source", description = "A video file, rtsp://... (or http, srt, udp URL), webcam:N or /dev/videoN,"
      + " lavfi:GRAPH or loop:FILE (repeat for several streams).")
  List<String> sources = new ArrayList<>();
  @Option(names = "--sink", description = "file:PATH, masks:DIR, stats:FILE.jsonl, preview:FILE.png[@N], window, rtsp://HOST:PORT/PATH, http://127.0.0.1:PORT, kafka://HOST:PORT/TOPIC (repeatable).")
  List<String> sinks = new ArrayList<>();
  @Mixin
  RunOptions options;

  @Override
  public Integer call() throws Exception {
    var registry = io.segvid.pipeline.metrics.Metrics.create();
    PipelineConfig config = options.resolve(sources, sinks);
    try (var metricsServer = options.metricsServer(registry)) {
      PipelineLauncher.launch(config, registry, System.out);
    }
    return 0;
  }
}
