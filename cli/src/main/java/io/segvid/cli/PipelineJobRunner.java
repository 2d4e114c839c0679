package io.segvid.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvid.cluster.JobRunner;
import io.segvid.config.PipelineConfig;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.pipeline.Pipeline;
import io.segvid.pipeline.StopSignal;
import io.segvid.pipeline.metrics.PipelineMetrics;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.BiFunction;

/** A worker's jobs through the same pipeline as {@code segvid run}, with the worker's model and settings. */
final class PipelineJobRunner implements JobRunner {

  private final BiFunction<List<String>, List<String>, PipelineConfig> configs;

  /** {@code configs}: the worker's settings resolved for a job's sources and sinks. */
  PipelineJobRunner(BiFunction<List<String>, List<String>, PipelineConfig> configs) {
    this.configs = configs;
  }

  @Override
  public Result run(String source, List<String> sinks, BooleanSupplier cancelled) {
    StopSignal stop = new StopSignal();
    Thread watcher = new Thread(() -> {
      while (!stop.requested()) {
        if (cancelled.getAsBoolean()) stop.request("handed back");
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "segvid-job-cancel");
    watcher.setDaemon(true);
    try {
      PipelineConfig config = configs.apply(List.of(source), sinks).withProgress(false);
      PipelineLauncher.Model model = PipelineLauncher.model(config);
      List<Pipeline.StreamSpec> specs = PipelineLauncher.streams(config, stop);
      watcher.start();
      Pipeline.Outcome outcome = Pipeline.run(config, specs,
          () -> SavedModelSegmenter.open(model.path(), model.overrides(), model.threads()), new SimpleMeterRegistry(),
          stop, new Pipeline.Listener() { });
      if (stop.failure() != null) return Result.failed(oneLine(stop.failure()));
      long frames = 0;
      for (PipelineMetrics m : outcome.metrics()) frames += (long) m.framesOut.count();
      return Result.done(frames);
    } catch (Exception | LinkageError e) {
      return Result.failed(oneLine(e));
    } finally {
      stop.request("job over");
    }
  }

  private static String oneLine(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.replaceAll("\\s*\\R\\s*", " ");
  }
}
