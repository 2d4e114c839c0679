package io.segvid.pipeline;

import com.lmax.disruptor.RingBuffer;
import io.micrometer.core.instrument.MeterRegistry;
import io.segvid.capture.Reconnect;
import io.segvid.capture.SourceInfo;
import io.segvid.capture.SourceSpec;
import io.segvid.capture.VideoSource;
import io.segvid.config.PipelineConfig;
import io.segvid.config.RingPolicy;
import io.segvid.inference.InputSize;
import io.segvid.inference.ModelMetadata;
import io.segvid.inference.Segmenter;
import io.segvid.output.FrameSink;
import io.segvid.output.SinkContext;
import io.segvid.pipeline.metrics.RingMeters;
import io.segvid.pipeline.metrics.PipelineMetrics;
import io.segvid.pipeline.ring.FrameSlot;
import io.segvid.pipeline.stage.CaptureStage;
import io.segvid.pipeline.stage.InferenceStage;
import io.segvid.pipeline.stage.RenderStage;
import io.segvid.pipeline.stage.SinkStage;
import io.segvid.render.FrameRenderer;
import io.segvid.render.Palette;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

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

  /** Opens the model; called once the sources are open. */
  @FunctionalInterface
  public interface SegmenterFactory {
    Segmenter open() throws Exception;
  }

  private Pipeline() { }

  /**
   * Runs to completion. The segmenter factory is called after the sources opened, so a bad source
   * fails before a model is loaded, and both before any output exists.
   */
  public static Outcome run(PipelineConfig config, List<StreamSpec> specs, SegmenterFactory segmenters,
                            MeterRegistry registry, StopSignal stop, Listener listener) throws Exception {
    long started = System.nanoTime();
    RunResources run = new RunResources();
    for (StreamSpec s : specs) run.sinks.addAll(s.sinks());
    for (FrameSink sink : run.sinks) sink.check();
    try {
      List<SourceInfo> infos = new ArrayList<>();
      for (StreamSpec s : specs) {
        VideoSource source = s.source().create();
        run.sources.add(source);
        infos.add(source.open());
      }
      run.segmenter = segmenters.open();
      ModelMetadata meta = run.segmenter.metadata();
      run.palette = new Palette(meta.classes());
      List<StreamContext> streams = new ArrayList<>();
      List<PipelineMetrics> metrics = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        streams.add(stream(config, i, specs.get(i), run.sources.get(i), infos.get(i), meta));
        metrics.add(new PipelineMetrics(registry, specs.size() == 1 ? "0" : Integer.toString(i)));
        run.renderers.add(new FrameRenderer(run.palette, meta, config.render()));
      }
      warmUp(run.segmenter, streams, config.model().batchSize());
      List<SinkStage> sinkStages = openSinks(specs, streams, metrics, meta, stop);

      run.stages = new StageRing(config.ring().size(), stop);
      RingBuffer<FrameSlot> ring = run.stages.ring();
      preallocate(ring, streams);
      new RingMeters(ring).bindTo(registry);
      AtomicLongArray newest = new AtomicLongArray(streams.size());
      for (int i = 0; i < streams.size(); i++) newest.set(i, -1);
      run.inference = new InferenceStage(run.segmenter, config.model().batchSize(), config.model().batchesInFlight(),
          streams, metrics, newest, run.stages.waiting());
      run.stages.start(run.inference, new RenderStage(run.renderers, metrics, List.of(listener::frameRendered)), sinkStages);

      listener.started(streams);
      Reconnect reconnect = Reconnect.of(config.live());
      for (int i = 0; i < streams.size(); i++) {
        CaptureStage c = new CaptureStage(streams.get(i), ring, metrics.get(i), stop, reconnect, newest);
        run.captures.add(c);
        c.start();
      }
      scheduleDuration(config, stop);
      awaitCaptures(run.captures, stop);
      for (SinkStage s : sinkStages) s.awaitFinished(30, TimeUnit.SECONDS);
      run.stages.drain(10, TimeUnit.SECONDS);
      listener.finished();
      List<String> warnings = new ArrayList<>();
      for (CaptureStage c : run.captures) if (c.warning() != null) warnings.add(c.warning());
      return new Outcome(streams, metrics, warnings, stop.reason(), (System.nanoTime() - started) / 1e9);
    } finally {
      stop.request("done");
      run.release();
    }
  }

  private static StreamContext stream(PipelineConfig config, int id, StreamSpec spec, VideoSource source,
                                      SourceInfo info, ModelMetadata meta) {
    boolean lossless = config.ring().policy() == RingPolicy.LOSSLESS
        || (config.ring().policy() == RingPolicy.AUTO && !info.live());
    return new StreamContext(id, spec.source(), source, info, InputSize.forFrame(info.height(), info.width(), meta),
        lossless);
  }

  /** Creates every sink's output (the last step before frames flow) and a ring stage for each. */
  private static List<SinkStage> openSinks(List<StreamSpec> specs, List<StreamContext> streams,
                                           List<PipelineMetrics> metrics, ModelMetadata meta, StopSignal stop)
      throws java.io.IOException {
    List<SinkStage> stages = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      StreamContext s = streams.get(i);
      SinkContext context = new SinkContext(s.id(), s.name(), s.info(), metrics.get(i).forSinks());
      for (FrameSink sink : specs.get(i).sinks()) {
        sink.open(context, meta);
        stages.add(new SinkStage(sink, i, stop, metrics.get(i).stageTimer("sink:" + SinkStage.kind(sink))));
      }
    }
    return stages;
  }

  /** Until every capture ended: at the end of a file, or at a stop (3 s each for a blocked read to return). */
  private static void awaitCaptures(List<CaptureStage> captures, StopSignal stop) throws InterruptedException {
    for (CaptureStage c : captures) {
      while (!c.ended()) {
        if (stop.requested()) c.awaitEnd(3, TimeUnit.SECONDS);
        else Thread.sleep(50);
      }
    }
  }

  /**
   * TensorFlow optimises a graph on its first run for each input shape (about a second here); doing
   * that before capture starts keeps it out of the first frames' latency and off live sources' drops.
   */
  private static void warmUp(Segmenter segmenter, List<StreamContext> streams, int batch) {
    Set<InputSize> sizes = new LinkedHashSet<>();
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

  /** Sizes every slot for every stream (model buffers and frame stores for the largest), so the frame path never allocates. */
  private static void preallocate(RingBuffer<FrameSlot> ring, List<StreamContext> streams) {
    int pixels = 0;
    int[] heights = new int[streams.size()];
    int[] widths = new int[streams.size()];
    for (StreamContext s : streams) {
      pixels = Math.max(pixels, s.inputSize().pixels());
      heights[s.id()] = s.info().height();
      widths[s.id()] = s.info().width();
    }
    for (int i = 0; i < ring.getBufferSize(); i++) ring.get(i).preallocate(pixels, heights, widths, 16_384);
  }
}
