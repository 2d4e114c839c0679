package io.segvid.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvid.cluster.Cancellation;
import io.segvid.cluster.JobRunner;
import io.segvid.config.PipelineConfig;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.pipeline.Pipeline;
import io.segvid.pipeline.StopSignal;
import io.segvid.pipeline.metrics.PipelineMetrics;
import java.util.List;
import java.util.function.BiFunction;

/** A worker's jobs through the same pipeline as {@code segvid run}, with the worker's model and settings. */
final class PipelineJobRunner implements JobRunner {

  private final BiFunction<List<String>, List<String>, PipelineConfig> configs;

  /** {@code configs}: the worker's settings resolved for a job's sources and sinks. */
  PipelineJobRunner(BiFunction<List<String>, List<String>, PipelineConfig> configs) {
    this.configs = configs;
  }

  @Override
  public Result run(String source, List<String> sinks, Cancellation cancel) {
    StopSignal stop = new StopSignal();
    cancel.onCancel(() -> stop.request("handed back"));
    try {
      PipelineConfig config = configs.apply(List.of(source), sinks).withProgress(false);
      PipelineLauncher.Model model = PipelineLauncher.model(config);
      List<Pipeline.StreamSpec> specs = PipelineLauncher.streams(config, stop);
      Pipeline.Outcome outcome = Pipeline.run(config, specs,
          model::open, new SimpleMeterRegistry(),
          stop, new Pipeline.Listener() { });
      if (stop.failure() != null) return Result.failed(oneLine(stop.failure()));
      long frames = 0;
      for (PipelineMetrics m : outcome.metrics()) frames += (long) m.framesOut.count();
      return Result.done(frames, outcome.warnings().isEmpty() ? null : oneLine(String.join("; ", outcome.warnings())));
    } catch (Exception | LinkageError e) {
      return Result.failed(oneLine(e));
    }
  }

  /** A failure as the one line that status records carry. */
  static String oneLine(Throwable t) {
    return oneLine(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
  }

  private static String oneLine(String m) {
    return m.replaceAll("\\s*\\R\\s*", " ");
  }
}
