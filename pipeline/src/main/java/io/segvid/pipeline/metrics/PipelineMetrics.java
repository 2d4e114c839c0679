package io.segvid.pipeline.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.segvid.output.StreamMeters;
import java.time.Duration;

/**
 * The meters of one stream, registered once and updated on the frame path without allocation:
 * frames in and out, drops by reason, and latency timers (with percentiles) per stage.
 */
public final class PipelineMetrics {

  public static final String STAGE_LATENCY = "segvid.stage.latency";
  public static final String FRAME_LATENCY = "segvid.frame.latency";
  public static final String FRAMES_IN = "segvid.frames.captured";
  public static final String FRAMES_OUT = "segvid.frames.rendered";
  public static final String DROPS = "segvid.frames.dropped";

  public final Counter framesIn;
  public final Counter framesOut;
  public final Counter droppedRingFull;
  public final Counter droppedStale;
  public final Counter disconnects;
  public final Counter stalls;
  public final Timer capture;
  public final Timer inference;
  public final Timer render;
  public final Timer endToEnd;
  private final MeterRegistry registry;
  private final String stream;

  public PipelineMetrics(MeterRegistry registry, String stream) {
    this.registry = registry;
    this.stream = stream;
    framesIn = Counter.builder(FRAMES_IN).tag("stream", stream).description("frames that entered the ring").register(registry);
    framesOut = Counter.builder(FRAMES_OUT).tag("stream", stream).description("frames rendered").register(registry);
    droppedRingFull = Counter.builder(DROPS).tag("stream", stream).tag("reason", "ring_full")
        .description("live frames dropped at the capture edge").register(registry);
    droppedStale = Counter.builder(DROPS).tag("stream", stream).tag("reason", "stale")
        .description("live frames skipped before inference because newer ones were waiting").register(registry);
    disconnects = Counter.builder("segvid.source.disconnects").tag("stream", stream)
        .description("live source ends or errors (each followed by a reconnect)").register(registry);
    stalls = Counter.builder("segvid.source.stalls").tag("stream", stream)
        .description("live sources abandoned by the watchdog after delivering nothing").register(registry);
    capture = stageTimer("capture");
    inference = stageTimer("inference");
    render = stageTimer("render");
    endToEnd = timer(FRAME_LATENCY, "capture to rendered").tag("stream", stream).register(registry);
  }

  public Timer stageTimer(String stage) {
    return timer(STAGE_LATENCY, "time per frame in a stage").tag("stream", stream).tag("stage", stage).register(registry);
  }

  private static Timer.Builder timer(String name, String description) {
    return Timer.builder(name).description(description).publishPercentiles(0.5, 0.95, 0.99)
        .publishPercentileHistogram(false).distributionStatisticExpiry(Duration.ofMinutes(10)).distributionStatisticBufferLength(3);
  }

  /** The meters sinks show (the browser page), as objects: no sink looks a meter up by name. */
  public StreamMeters forSinks() {
    return new StreamMeters(framesIn, framesOut, java.util.List.of(droppedRingFull, droppedStale), endToEnd);
  }

  public String stream() {
    return stream;
  }

  public MeterRegistry registry() {
    return registry;
  }
}
