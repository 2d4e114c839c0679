package io.segvid.pipeline;

import io.segvid.testkit.Media;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvid.capture.FileSource;
import io.segvid.capture.SourceInfo;
import io.segvid.inference.InputSize;
import io.segvid.pipeline.ring.FrameSlot;
import io.segvid.pipeline.stage.CaptureStage;
import io.segvid.pipeline.metrics.PipelineMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The capture stage on the real sample file against a deliberately slow consumer: the lossless policy
 * waits and keeps every frame; the live policy never waits, drops at the edge and keeps order.
 */
class RingPolicyTest {

  record Result(List<Long> indices, double dropped, long captureMillis) { }

  private Result run(boolean lossless, long consumerMillis) throws Exception {
    FileSource source = new FileSource(Media.VIDEO);
    SourceInfo info = source.open();
    // A live source whose reconnects fail: after the file ends the stream ends too.
    io.segvid.capture.SourceSpec gone = new io.segvid.capture.SourceSpec() {
      @Override public String name() { return "gone"; }
      @Override public boolean live() { return true; }
      @Override public io.segvid.capture.VideoSource create() { return new FileSource(Media.VIDEO.resolveSibling("gone.mp4")); }
    };
    StreamContext ctx = new StreamContext(0, gone, source, new SourceInfo(info.width(), info.height(), info.frameRate(),
        info.audioChannels(), info.sampleRate(), info.estimatedFrames(), !lossless), new InputSize(32, 56), lossless);
    Disruptor<FrameSlot> d = new Disruptor<>(FrameSlot::new, 8, Thread::new, ProducerType.SINGLE, new BlockingWaitStrategy());
    List<Long> indices = new ArrayList<>();
    CountDownLatch end = new CountDownLatch(1);
    EventHandler<FrameSlot> slow = (slot, seq, last) -> {
      if (slot.kind == FrameSlot.Kind.END) end.countDown();
      if (slot.kind != FrameSlot.Kind.VIDEO) return;
      indices.add(slot.index);
      Thread.sleep(consumerMillis);
    };
    d.handleEventsWith(slow);
    d.start();
    PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry(), "0");
    long t0 = System.nanoTime();
    try {
      new CaptureStage(ctx, d.getRingBuffer(), metrics, new StopSignal(),
          new io.segvid.capture.Reconnect(10, 10, 1, 5_000_000_000L), new java.util.concurrent.atomic.AtomicLongArray(1)).run();
      long captureMillis = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(end.await(60, TimeUnit.SECONDS));
      return new Result(indices, metrics.droppedRingFull.count(), captureMillis);
    } finally {
      d.shutdown();
      source.close();
    }
  }

  @Test
  void losslessWaitsAndKeepsEveryFrameInOrder() throws Exception {
    Result r = run(true, 3);
    assertEquals(221, r.indices().size());
    for (int i = 0; i < r.indices().size(); i++) assertEquals(i, r.indices().get(i));
    assertEquals(0, r.dropped());
  }

  @Test
  void liveNeverWaitsDropsAtTheEdgeAndKeepsOrder() throws Exception {
    Result r = run(false, 40);
    assertTrue(r.dropped() > 100, "dropped " + r.dropped());
    assertEquals(221, (long) (r.indices().size() + r.dropped()), "every frame either delivered or counted");
    for (int i = 1; i < r.indices().size(); i++) assertTrue(r.indices().get(i) > r.indices().get(i - 1));
    // Held back, capture would take as long as the consumer (221 x 40 ms = 8.8 s); free, it takes the
    // decoding time, well under half of that even on a slow machine.
    assertTrue(r.captureMillis() < 221 * 40 / 2, "capture was never held back by the consumer: " + r.captureMillis() + " ms");
  }
}
