package io.segvid.pipeline;

import io.segvid.testkit.Media;
import static io.segvid.pipeline.StageHarness.deliver;
import static io.segvid.pipeline.StageHarness.newest;
import static io.segvid.pipeline.StageHarness.ringWith;
import static io.segvid.pipeline.StageHarness.streams;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.RingBuffer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvid.capture.SourceInfo;
import io.segvid.inference.InputSize;
import io.segvid.inference.ModelMetadata;
import io.segvid.inference.ModelOverrides;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.inference.Segmenter;
import io.segvid.pipeline.ring.FrameSlot;
import io.segvid.pipeline.ring.StageWaitStrategy;
import io.segvid.pipeline.stage.InferenceStage;
import io.segvid.pipeline.metrics.PipelineMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The inference stage driven by the {@link StageHarness}, without capture or sinks: batching, flushing, live skipping. */
class InferenceStageTest {

  @Test
  void batchesUpToTheLimitAndFlushesAtTheEndOfEachBurst() throws Exception {
    StageHarness.RecordingSegmenter seg = new StageHarness.RecordingSegmenter();
    RingBuffer<FrameSlot> ring = ringWith(7, 16);
    PipelineMetrics m = new PipelineMetrics(new SimpleMeterRegistry(), "0");
    InferenceStage stage = new InferenceStage(seg, 3, 1, streams(true), List.of(m), newest(ring), new StageWaitStrategy());
    deliver(stage, ring, 0, 6);
    assertEquals(List.of(3, 3, 1), seg.batches);
    for (int i = 0; i < 7; i++) assertEquals(i + 1, ring.get(i).mask[0], "mask of frame " + i + " is its own");
    assertEquals(7, m.inference.count());
  }

  @Test
  void aSizeChangeStartsANewBatch() throws Exception {
    StageHarness.RecordingSegmenter seg = new StageHarness.RecordingSegmenter();
    RingBuffer<FrameSlot> ring = ringWith(4, 16);
    ring.get(2).ensureModelSize(8, 8);
    InferenceStage stage = new InferenceStage(seg, 8, 1, streams(true),
        List.of(new PipelineMetrics(new SimpleMeterRegistry(), "0")), newest(ring), new StageWaitStrategy());
    deliver(stage, ring, 0, 3);
    assertEquals(List.of(2, 1, 1), seg.batches);
  }

  @Test
  void liveStreamsInferOnlyTheirNewestFrame() throws Exception {
    StageHarness.RecordingSegmenter seg = new StageHarness.RecordingSegmenter();
    RingBuffer<FrameSlot> ring = ringWith(10, 16);
    PipelineMetrics m = new PipelineMetrics(new SimpleMeterRegistry(), "0");
    InferenceStage stage = new InferenceStage(seg, 2, 1, streams(false), List.of(m), newest(ring), new StageWaitStrategy());
    deliver(stage, ring, 0, 9);
    for (int i = 0; i < 9; i++) assertTrue(ring.get(i).skipped, "stale frame " + i);
    assertFalse(ring.get(9).skipped);
    assertEquals(List.of(1), seg.batches, "only the newest frame is inferred");
    assertEquals(9, m.droppedStale.count());
  }

  @Test
  void losslessStreamsNeverSkip() throws Exception {
    StageHarness.RecordingSegmenter seg = new StageHarness.RecordingSegmenter();
    RingBuffer<FrameSlot> ring = ringWith(10, 16);
    InferenceStage stage = new InferenceStage(seg, 2, 1, streams(true), List.of(new PipelineMetrics(new SimpleMeterRegistry(), "0")), newest(ring), new StageWaitStrategy());
    deliver(stage, ring, 0, 9);
    for (int i = 0; i < 10; i++) assertFalse(ring.get(i).skipped);
    assertEquals(10, seg.batches.stream().mapToInt(Integer::intValue).sum());
  }

  /** A segmenter whose second caller waits for a go-ahead: batches then finish out of order. */
  static final class GatedSegmenter extends StageHarness.RecordingSegmenter {
    final java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    final List<String> helperThreads = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public Segmenter concurrentCaller() {
      StageHarness.RecordingSegmenter outer = this;
      return new StageHarness.RecordingSegmenter() {
        @Override
        public void segment(byte[][] frames, int count, int height, int width, byte[][] masks) {
          helperThreads.add(Thread.currentThread().getName());
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          outer.segment(frames, count, height, width, masks);
        }
      };
    }

    @Override
    public synchronized void segment(byte[][] frames, int count, int height, int width, byte[][] masks) {
      super.segment(frames, count, height, width, masks);
    }
  }

  private static void awaitCompleted(InferenceStage stage, long sequence) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (stage.completed().get() < sequence && System.nanoTime() < deadline) Thread.sleep(5);
    assertEquals(sequence, stage.completed().get());
  }

  @Test
  void twoBatchesInFlightPublishOnlyWhatIsDoneInOrder() throws Exception {
    GatedSegmenter seg = new GatedSegmenter();
    RingBuffer<FrameSlot> ring = ringWith(12, 16);
    PipelineMetrics m = new PipelineMetrics(new SimpleMeterRegistry(), "0");
    try (InferenceStage stage = new InferenceStage(seg, 4, 2, streams(true), List.of(m), newest(ring), new StageWaitStrategy())) {
      assertTrue(stage.concurrent());
      deliver(stage, ring, 0, 11);  // 0-3 go to the helper, which waits; 4-7 and 8-11 run here
      assertEquals(List.of(4, 4), seg.batches, "this thread ran the two later batches");
      for (int i = 4; i < 12; i++) assertEquals(i + 1, ring.get(i).mask[0]);
      assertEquals(-1, stage.completed().get(), "nothing is published while the first batch runs");
      seg.go.countDown();
      awaitCompleted(stage, 11);
      for (int i = 0; i < 12; i++) assertEquals(i + 1, ring.get(i).mask[0], "mask of frame " + i + " is its own");
      assertEquals(List.of("segvid-inference-2"), seg.helperThreads);
      assertEquals(12, m.inference.count());
    }
  }

  /** Fails on its second call, on whichever thread that is. */
  static final class FailingSegmenter extends StageHarness.RecordingSegmenter {
    final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void segment(byte[][] frames, int count, int height, int width, byte[][] masks) {
      if (calls.incrementAndGet() == 2) throw new IllegalStateException("out of memory (test)");
    }

    @Override
    public Segmenter concurrentCaller() {
      FailingSegmenter outer = this;
      return new StageHarness.RecordingSegmenter() {
        @Override
        public void segment(byte[][] frames, int count, int height, int width, byte[][] masks) {
          outer.segment(frames, count, height, width, masks);
        }
      };
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void aFailingModelIsReportedOnceAndTheRingStillDrainsToTheEnd(int inFlight) throws Exception {
    FailingSegmenter seg = new FailingSegmenter();
    RingBuffer<FrameSlot> ring = ringWith(20, 16);
    try (InferenceStage stage = new InferenceStage(seg, 2, inFlight, streams(true),
        List.of(new PipelineMetrics(new SimpleMeterRegistry(), "0")), newest(ring), new StageWaitStrategy())) {
      List<String> thrown = new ArrayList<>();
      for (int seq = 0; seq < 20; seq++) {
        try {
          stage.onEvent(ring.get(seq), seq, seq % 5 == 4);
        } catch (IllegalStateException e) {
          thrown.add(e.getMessage());
        }
        if (seq % 5 == 4) Thread.sleep(50);  // let a helper batch finish (or fail) between bursts
      }
      assertEquals(1, thrown.size(), "reported once: " + thrown);
      assertTrue(thrown.get(0).contains("out of memory (test)"), thrown.get(0));
      awaitCompleted(stage, 19);
    }
  }

  @Test
  void batchedInferenceOnTheRealModelEqualsOneFrameAtATime() throws Exception {
    int h = 64;
    int w = 96;
    RingBuffer<FrameSlot> ring = RingBuffer.createSingleProducer(FrameSlot::new, 8);
    Random r = new Random(3);
    for (int i = 0; i < 6; i++) {
      long seq = ring.next();
      FrameSlot s = ring.get(seq);
      s.kind = FrameSlot.Kind.VIDEO;
      s.ensureModelSize(h, w);
      r.nextBytes(s.modelInput);
      ring.publish(seq);
    }
    try (SavedModelSegmenter model = SavedModelSegmenter.open(Media.MODEL, ModelOverrides.NONE, 2)) {
      // Two batches of three in flight at once on one session: each frame's mask is its own.
      InferenceStage stage = new InferenceStage(model, 3, 2, List.of(new StreamContext(0, null, null,
          new SourceInfo(w, h, 25, 0, 0, 0, false), new InputSize(h, w), true)),
          List.of(new PipelineMetrics(new SimpleMeterRegistry(), "0")), newest(ring), new StageWaitStrategy());
      assertTrue(stage.concurrent());
      deliver(stage, ring, 0, 5);
      awaitCompleted(stage, 5);
      stage.close();
      for (int i = 0; i < 6; i++) {
        byte[][] single = {new byte[h * w]};
        model.segment(new byte[][] {ring.get(i).modelInput}, 1, h, w, single);
        assertArrayEquals(single[0], ring.get(i).mask, "frame " + i);
      }
    }
  }
}
