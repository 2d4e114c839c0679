package io.segvid.cli;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvid.cluster.CameraRunner;
import io.segvid.config.PipelineConfig;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.inference.SharedSegmenter;
import io.segvid.pipeline.Pipeline;
import io.segvid.pipeline.StopSignal;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A worker's cameras, each its own pipeline (started and stopped on its own, so a camera that moves
 * leaves the others untouched), all through one model loaded once: their inference calls are batched
 * together by a {@link SharedSegmenter}.
 */
final class PipelineCameraRunner implements CameraRunner, AutoCloseable {

  private final BiFunction<List<String>, List<String>, PipelineConfig> configs;
  private final MeterRegistry registry;
  private SharedSegmenter model;

  /** {@code configs}: the worker's settings resolved for a camera's source and sinks; {@code registry}: the worker's meters. */
  PipelineCameraRunner(BiFunction<List<String>, List<String>, PipelineConfig> configs, MeterRegistry registry) {
    this.configs = configs;
    this.registry = registry;
  }

  @Override
  public Running start(String cameraId, String source, List<String> sinks) {
    PipelineConfig config = configs.apply(List.of(source), sinks).withProgress(false);
    StopSignal stop = new StopSignal();
    List<Pipeline.StreamSpec> specs = PipelineLauncher.streams(config, stop, cameraId);
    CameraPipeline running = new CameraPipeline(stop);
    Thread thread = new Thread(() -> running.run(config, specs), "segvid-camera-" + cameraId);
    running.thread = thread;
    thread.start();
    return running;
  }

  /** Loads the model on the first camera; every camera after that shares it. */
  private synchronized SharedSegmenter model(PipelineConfig config) throws Exception {
    if (model == null) {
      PipelineLauncher.Model m = PipelineLauncher.model(config);
      SharedSegmenter shared = new SharedSegmenter(m.open(),
          Math.max(config.model().batchSize(), 1), config.model().batchesInFlight());
      // Frames over batches: how much the cameras' calls are batched together.
      FunctionCounter.builder("segvid.worker.model.batches", shared, s -> s.batchesAndFrames()[0])
          .description("model calls for the cameras").register(registry);
      FunctionCounter.builder("segvid.worker.model.frames", shared, s -> s.batchesAndFrames()[1])
          .description("camera frames through those calls").register(registry);
      model = shared;
    }
    return model;
  }

  /** After every camera stopped: frees the model. */
  @Override
  public synchronized void close() {
    if (model != null) model.close();
    model = null;
  }

  private final class CameraPipeline implements Running {
    private final StopSignal stop;
    private volatile Thread thread;
    private volatile String failure;
    private volatile boolean ended;
    private volatile boolean flowing;

    CameraPipeline(StopSignal stop) {
      this.stop = stop;
    }

    void run(PipelineConfig config, List<Pipeline.StreamSpec> specs) {
      try {
        // Each camera's meters stay its own: several pipelines in one registry would share gauges.
        Pipeline.run(config, specs, () -> model(config).handle(), new SimpleMeterRegistry(), stop, new Pipeline.Listener() {
          @Override
          public void frameRendered() {
            flowing = true;
          }
        });
        if (stop.failure() != null) failure = PipelineJobRunner.oneLine(stop.failure());
        else if ("done".equals(stop.reason())) failure = "the stream ended";
      } catch (Exception | LinkageError e) {
        failure = PipelineJobRunner.oneLine(e);
      } finally {
        ended = true;
      }
    }

    @Override
    public String failure() {
      return failure;
    }

    @Override
    public boolean ended() {
      return ended;
    }

    @Override
    public boolean flowing() {
      return flowing;
    }

    @Override
    public void stop() {
      stop.request("camera stopped");
      try {
        thread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
