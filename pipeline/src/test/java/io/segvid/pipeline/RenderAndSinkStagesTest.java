package io.segvid.pipeline;

import static io.segvid.pipeline.StageHarness.deliver;
import static io.segvid.pipeline.StageHarness.end;
import static io.segvid.pipeline.StageHarness.newest;
import static io.segvid.pipeline.StageHarness.ringWith;
import static io.segvid.pipeline.StageHarness.streams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.RingBuffer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvid.config.RenderConfig;
import io.segvid.inference.ModelMetadata;
import io.segvid.output.FrameSink;
import io.segvid.output.RenderedFrame;
import io.segvid.output.SinkContext;
import io.segvid.pipeline.metrics.PipelineMetrics;
import io.segvid.pipeline.ring.FrameSlot;
import io.segvid.pipeline.ring.StageWaitStrategy;
import io.segvid.pipeline.stage.InferenceStage;
import io.segvid.pipeline.stage.RenderStage;
import io.segvid.pipeline.stage.SinkStage;
import io.segvid.render.FrameRenderer;
import io.segvid.render.Palette;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * Inference, render and a sink stage driven one after another by the {@link StageHarness}: a frame
 * the inference stage skipped is neither rendered nor shown to sinks; every other frame reaches the
 * sink rendered at the source size with its own mask; END completes the sink; a failing sink stops
 * the run with an error that names it and sees nothing after.
 */
class RenderAndSinkStagesTest {

  /** Keeps what it was shown. */
  static final class CollectingSink implements FrameSink {
    final List<Long> indices = new ArrayList<>();
    final List<Integer> firstClass = new ArrayList<>();
    boolean finished;
    final boolean failOnFrame;

    CollectingSink(boolean failOnFrame) {
      this.failOnFrame = failOnFrame;
    }

    @Override public String describe() { return "collect:test"; }
    @Override public void check() { }
    @Override public void open(SinkContext stream, ModelMetadata metadata) { }

    @Override
    public void video(RenderedFrame frame) throws IOException {
      if (failOnFrame && frame.index() == 1) throw new IOException("disk full");
      assertEquals(16, frame.rendered().rows());
      assertEquals(16, frame.maskWidth());
      indices.add(frame.index());
      firstClass.add((int) frame.mask()[0]);
    }

    @Override public void finish() { finished = true; }
    @Override public void close() { }
  }

  private static RingBuffer<FrameSlot> renderedRing(int frames) throws Exception {
    RingBuffer<FrameSlot> ring = ringWith(frames, 16);
    for (int i = 0; i < frames; i++) {
      ring.get(i).frame.create(16, 16, opencv_core.CV_8UC3);
      try (Scalar grey = new Scalar(128, 128, 128, 0)) {
        ring.get(i).frame.put(grey);
      }
    }
    StageHarness.RecordingSegmenter model = new StageHarness.RecordingSegmenter();
    PipelineMetrics metrics = StageHarness.metrics();
    InferenceStage inference = new InferenceStage(model, 2, 1, streams(true), List.of(metrics), newest(ring),
        new StageWaitStrategy());
    ring.get(2).skipped = true;  // as the LIVE policy leaves a stale frame
    deliver(inference, ring, 0, frames - 1);
    ModelMetadata meta = model.metadata();
    try (Palette palette = new Palette(meta.classes());
         FrameRenderer renderer = new FrameRenderer(palette, meta, RenderConfig.defaults())) {
      deliver(new RenderStage(List.of(renderer), List.of(metrics), List.of()), ring, 0, frames - 1);
    }
    return ring;
  }

  @Test
  void renderedFramesReachTheSinkSkippedOnesDoNotAndEndCompletesIt() throws Exception {
    RingBuffer<FrameSlot> ring = renderedRing(5);
    try {
      assertEquals(16, ring.get(0).rendered.rows(), "rendered at the source size");
      CollectingSink sink = new CollectingSink(false);
      StopSignal stop = new StopSignal();
      SinkStage stage = new SinkStage(sink, 0, stop, StageHarness.metrics().stageTimer("sink:collect"));
      long last = end(ring);
      deliver(stage, ring, 0, last);
      assertEquals(List.of(0L, 1L, 3L, 4L), sink.indices, "every frame but the skipped one, in order");
      // RecordingSegmenter's class id is the frame's first input byte (frame i + 1), 4 classes.
      for (int k = 0; k < sink.indices.size(); k++) {
        assertEquals((int) (sink.indices.get(k) + 1), sink.firstClass.get(k), "each frame carries its own mask");
      }
      assertTrue(sink.finished, "END completes the sink");
      assertTrue(stage.awaitFinished(1, TimeUnit.SECONDS));
      assertEquals(null, stop.failure());
    } finally {
      StageHarness.release(ring);
    }
  }

  @Test
  void aFailingSinkStopsTheRunNamesItselfAndSeesNothingAfter() throws Exception {
    RingBuffer<FrameSlot> ring = renderedRing(5);
    try {
      CollectingSink sink = new CollectingSink(true);
      StopSignal stop = new StopSignal();
      SinkStage stage = new SinkStage(sink, 0, stop, new PipelineMetrics(new SimpleMeterRegistry(), "0").stageTimer("sink:x"));
      long last = end(ring);
      deliver(stage, ring, 0, last);
      assertEquals(List.of(0L), sink.indices);
      assertNotNull(stop.failure());
      assertTrue(stop.failure().getMessage().startsWith("collect:test: disk full"), stop.failure().getMessage());
      assertTrue(stop.requested());
      assertTrue(stage.awaitFinished(1, TimeUnit.SECONDS), "a failed sink does not hold the run's end");
    } finally {
      StageHarness.release(ring);
    }
  }
}
