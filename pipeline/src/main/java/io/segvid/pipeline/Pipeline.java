package io.segvid.pipeline;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventHandlerGroup;
import com.lmax.disruptor.dsl.EventProcessorFactory;
import com.lmax.disruptor.dsl.ProducerType;
import io.micrometer.core.instrument.MeterRegistry;
import io.segvid.capture.SourceInfo;
import io.segvid.capture.SourceSpec;
import io.segvid.capture.VideoSource;
import io.segvid.pipeline.stage.Reconnect;
import io.segvid.config.PipelineConfig;
import io.segvid.config.RingPolicy;
import io.segvid.inference.InputSize;
import io.segvid.inference.ModelMetadata;
import io.segvid.inference.Segmenter;
import io.segvid.pipeline.ring.FrameSlot;
import io.segvid.pipeline.ring.SignallingHandler;
import io.segvid.pipeline.ring.StageWaitStrategy;
import io.segvid.pipeline.sink.FrameSink;
import io.segvid.pipeline.sink.SinkStage;
import io.segvid.pipeline.stage.CaptureStage;
import io.segvid.pipeline.stage.InferenceStage;
import io.segvid.pipeline.stage.PipelineMetrics;
import io.segvid.pipeline.stage.RenderStage;
import io.segvid.pipeline.stage.StopSignal;
import io.segvid.pipeline.stage.StreamContext;
import io.segvid.render.FrameRenderer;
import io.segvid.render.Palette;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run: sources → ring → inference → render → sinks. Opens in the order that keeps failures
 * clean (sinks checked, sources opened, model loaded, and only then outputs created), runs until
 * every stream ends or a stop is requested, drains the ring and completes every sink.
 */
public final class Pipeline {

  /** What a finished run reports. */
  public record Outcome(List<StreamContext> streams, List<PipelineMetrics> metrics, List<String> warnings,
                        String stopReason, double seconds) { }

  /** Hooks for the command line: progress and the like. */
  public interface Listener {
    default void started(List<StreamContext> streams) { }
    default void frameRendered() { }
    default void finished() { }
  }

  /** One stream to open: the source and its own sinks. */
  public record StreamSpec(SourceSpec source, List<FrameSink> sinks) { }

  private Pipeline() { }

  /**
   * Runs to completion. The segmenter factory is called after the sources opened, so a bad source
   * fails before a model is loaded, and both before any output exists.
   */
  public static Outcome run(PipelineConfig config, List<StreamSpec> specs, SegmenterFactory segmenters,
                            MeterRegistry registry, StopSignal stop, Listener listener) throws Exception {
    long started = System.nanoTime();
    List<FrameSink> allSinks = new ArrayList<>();
    for (StreamSpec s : specs) allSinks.addAll(s.sinks());
    for (FrameSink sink : allSinks) sink.check();

    List<SourceInfo> infos = new ArrayList<>();
    List<VideoSource> opened = new ArrayList<>();
    List<CaptureStage> captures = new ArrayList<>();
    List<FrameRenderer> renderers = new ArrayList<>();
    Segmenter segmenter = null;
    InferenceStage inference = null;
    Palette palette = null;
    Disruptor<FrameSlot> disruptor = null;
    RingBuffer<FrameSlot> ring = null;
    List<Thread> stageThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      for (StreamSpec s : specs) {
        VideoSource source = s.source().create();
        opened.add(source);
        infos.add(source.open());
      }
      segmenter = segmenters.open();
      ModelMetadata meta = segmenter.metadata();
      List<StreamContext> streams = new ArrayList<>();
      List<PipelineMetrics> metrics = new ArrayList<>();
      palette = new Palette(meta.classes());
      for (int i = 0; i < specs.size(); i++) {
        SourceInfo info = infos.get(i);
        boolean lossless = config.ring().policy() == RingPolicy.LOSSLESS
            || (config.ring().policy() == RingPolicy.AUTO && !info.live());
        streams.add(new StreamContext(i, specs.get(i).source(), opened.get(i), info,
            InputSize.forFrame(info.height(), info.width(), meta), lossless));
        metrics.add(new PipelineMetrics(registry, specs.size() == 1 ? "0" : Integer.toString(i)));
        renderers.add(new FrameRenderer(palette, meta, config.render()));
      }
      warmUp(segmenter, streams, config.model().batchSize());
      for (int i = 0; i < specs.size(); i++) {
        for (FrameSink sink : specs.get(i).sinks()) sink.open(streams.get(i), meta);
      }

      // Disruptor starts one thread per handler, in the order they are added below.
      List<String> stageNames = new ArrayList<>(List.of("inference", "render"));
      for (StreamSpec s : specs) for (FrameSink sink : s.sinks()) stageNames.add("sink-" + sink.describe().replaceFirst(":.*", ""));
      AtomicInteger threadNumber = new AtomicInteger();
      StageWaitStrategy waiting = new StageWaitStrategy();
      disruptor = new Disruptor<>(FrameSlot::new, config.ring().size(),
          r -> {
            int k = threadNumber.getAndIncrement();
            Thread t = new Thread(r, "segvid-" + (k < stageNames.size() ? stageNames.get(k) : "stage-" + k));
            t.setDaemon(true);
            stageThreads.add(t);
            return t;
          },
          // MULTI: a live stream may briefly have two capture threads (the watchdog's replacement
          // and a stuck one leaving), and every stream publishes its own END.
          ProducerType.MULTI, waiting);
      disruptor.setDefaultExceptionHandler(new FailingExceptionHandler(stop));
      ring = disruptor.getRingBuffer();
      preallocate(ring, config.ring().size(), streams);
      io.segvid.pipeline.metrics.Metrics.bindRing(registry, ring);
      java.util.concurrent.atomic.AtomicLongArray newest = new java.util.concurrent.atomic.AtomicLongArray(streams.size());
      for (int i = 0; i < streams.size(); i++) newest.set(i, -1);
      inference = new InferenceStage(segmenter, config.model().batchSize(), config.model().batchesInFlight(), streams,
          metrics, newest, waiting);
      RenderStage render = new RenderStage(renderers, metrics, List.of(listener::frameRendered));
      List<SinkStage> sinkStages = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        for (FrameSink sink : specs.get(i).sinks()) {
          sinkStages.add(new SinkStage(sink, i, stop, metrics.get(i).stageTimer("sink:" + sink.describe().replaceFirst(":.*", ""))));
        }
      }
      disruptor.handleEventsWith(inference);
      // Render follows the inference stage's own completion sequence, not its Disruptor sequence:
      // a batch may still be running on the helper thread after onEvent returned.
      InferenceStage batches = inference;
      FailingExceptionHandler failing = new FailingExceptionHandler(stop);
      EventProcessorFactory<FrameSlot> afterInference = (ringBuffer, barrierSequences) -> {
        BatchEventProcessor<FrameSlot> p = new BatchEventProcessorBuilder().build(ringBuffer,
            ringBuffer.newBarrier(batches.completed()), new SignallingHandler<>(render, waiting));
        p.setExceptionHandler(failing);
        return p;
      };
      EventHandlerGroup<FrameSlot> rendered = disruptor.handleEventsWith(afterInference);
      if (!sinkStages.isEmpty()) {
        rendered.then(sinkStages.stream().map(s -> new SignallingHandler<>(s, waiting)).toArray(EventHandler[]::new));
      }
      disruptor.start();

      listener.started(streams);
      Reconnect reconnect = Reconnect.of(config.live());
      for (int i = 0; i < streams.size(); i++) {
        CaptureStage c = new CaptureStage(streams.get(i), ring, metrics.get(i), stop, reconnect, newest);
        captures.add(c);
        c.start();
      }
      scheduleDuration(config, stop);
      for (CaptureStage c : captures) {
        // Ends at the end of a file; otherwise at a stop, with 3 s for a blocked read to return.
        while (!c.ended()) {
          if (stop.requested()) c.awaitEnd(3, TimeUnit.SECONDS);
          else Thread.sleep(50);
        }
      }
      for (SinkStage s : sinkStages) s.awaitFinished(30, TimeUnit.SECONDS);
      disruptor.shutdown(10, TimeUnit.SECONDS);
      disruptor = null;
      listener.finished();
      List<String> warnings = new ArrayList<>();
      for (CaptureStage c : captures) if (c.warning() != null) warnings.add(c.warning());
      return new Outcome(streams, metrics, warnings, stop.reason(), (System.nanoTime() - started) / 1e9);
    } finally {
      stop.request("done");
      for (CaptureStage c : captures) c.awaitEnd(3, TimeUnit.SECONDS);
      if (disruptor != null) disruptor.halt();
      // Nothing is freed while a thread may still use it: a stage or capture still running (stuck in
      // native code after a shutdown that timed out) keeps the slots, sinks and renderers it touches,
      // and a model call still running keeps the model. Leaking them is safe; freeing them is not.
      boolean stagesEnded = Teardown.joinAll(stageThreads, 10, TimeUnit.SECONDS)
          && captures.stream().allMatch(CaptureStage::ended);
      if (stagesEnded) {
        if (ring != null) release(ring, config.ring().size());
        for (FrameSink sink : allSinks) sink.close();
        for (FrameRenderer r : renderers) r.close();
        if (palette != null) palette.close();
      } else {
        Teardown.warnLeak("frame buffers, sinks and renderers", stageThreads);
      }
      boolean helperIdle = inference == null || inference.shutDownHelper();  // its second model handle goes first
      if (segmenter != null) {
        if (stagesEnded && helperIdle) segmenter.close();
        else Teardown.warnLeak("the model", stageThreads);
      }
      // A started capture closes its own source (a stuck read must not have it closed underneath).
      for (int i = captures.size(); i < opened.size(); i++) opened.get(i).close();
    }
  }

  /**
   * TensorFlow optimises a graph on its first run for each input shape (about a second here); doing
   * that before capture starts keeps it out of the first frames' latency and off live sources' drops.
   */
  private static void warmUp(Segmenter segmenter, List<StreamContext> streams, int batch) {
    java.util.Set<InputSize> sizes = new java.util.LinkedHashSet<>();
    for (StreamContext s : streams) sizes.add(s.inputSize());
    for (InputSize size : sizes) {
      for (int n : new int[] {1, batch}) {
        byte[][] frames = new byte[n][size.pixels() * 3];
        byte[][] masks = new byte[n][size.pixels()];
        segmenter.segment(frames, n, size.height(), size.width(), masks);
      }
    }
  }

  private static void scheduleDuration(PipelineConfig config, StopSignal stop) {
    if (config.durationSeconds() == null) return;
    long millis = (long) (config.durationSeconds() * 1000);
    Thread timer = new Thread(() -> {
      try {
        Thread.sleep(millis);
        stop.request("duration reached");
      } catch (InterruptedException ignored) {
        // run ended first
      }
    }, "segvid-duration");
    timer.setDaemon(true);
    timer.start();
  }

  /** Opens the model; called once the sources are open. */
  @FunctionalInterface
  public interface SegmenterFactory {
    Segmenter open() throws Exception;
  }

  /** A stage exception stops the run with that error; the ring keeps moving so every sink sees END. */
  private record FailingExceptionHandler(StopSignal stop) implements ExceptionHandler<FrameSlot> {
    @Override
    public void handleEventException(Throwable ex, long sequence, FrameSlot event) {
      stop.fail(ex);
    }

    @Override
    public void handleOnStartException(Throwable ex) {
      stop.fail(ex);
    }

    @Override
    public void handleOnShutdownException(Throwable ex) {
      // shutting down anyway
    }
  }

  private static void preallocate(RingBuffer<FrameSlot> ring, int size, List<StreamContext> streams) {
    int pixels = 0;
    StreamContext largest = streams.get(0);
    for (StreamContext s : streams) {
      pixels = Math.max(pixels, s.inputSize().pixels());
      if (s.info().width() * s.info().height() > largest.info().width() * largest.info().height()) largest = s;
    }
    for (int i = 0; i < size; i++) {
      ring.get(i).preallocate(pixels, largest.info().height(), largest.info().width(), 16_384);
    }
  }

  /** Releases the native buffers of the ring's slots. */
  static void release(RingBuffer<FrameSlot> ring, int size) {
    for (int i = 0; i < size; i++) ring.get(i).release();
  }

}
