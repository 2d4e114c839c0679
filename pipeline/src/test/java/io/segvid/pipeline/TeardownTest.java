package io.segvid.pipeline;

import io.segvid.testkit.Media;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvid.capture.Sources;
import io.segvid.config.PipelineConfig;
import io.segvid.inference.ModelMetadata;
import io.segvid.inference.Segmenter;
import io.segvid.output.FrameSink;
import io.segvid.output.Sinks;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model call that never returns (a stuck native call) makes the run's shutdown time out. The run
 * must still end, and must not free the model under the call: the model is left allocated.
 */
class TeardownTest {

  @TempDir
  Path tmp;

  /**
   * Segments with zeros; its fifth call, on whichever thread, hangs until released. Offers a second
   * handle for the helper thread, as the real model does. Records a handle closed during its own
   * call, and the model closed during any call (the handles share its session).
   */
  static final class StuckSegmenter implements Segmenter {
    final ModelMetadata meta;
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch stuck = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicBoolean inCall = new AtomicBoolean();
    final AtomicBoolean closedDuringCall = new AtomicBoolean();
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicBoolean helperClosedDuringCall = new AtomicBoolean();

    StuckSegmenter(ModelMetadata meta) {
      this.meta = meta;
    }

    @Override
    public ModelMetadata metadata() {
      return meta;
    }

    @Override
    public void segment(byte[][] frames, int count, int height, int width, byte[][] masks) {
      call(inCall);
    }

    void call(AtomicBoolean handleInCall) {
      handleInCall.set(true);
      running.incrementAndGet();
      try {
        if (calls.incrementAndGet() == 5) {
          stuck.countDown();
          release.await(5, TimeUnit.MINUTES);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        running.decrementAndGet();
        handleInCall.set(false);
      }
    }

    @Override
    public Segmenter concurrentCaller() {
      AtomicBoolean helperInCall = new AtomicBoolean();
      return new Segmenter() {
        @Override
        public ModelMetadata metadata() {
          return meta;
        }

        @Override
        public void segment(byte[][] frames, int count, int height, int width, byte[][] masks) {
          call(helperInCall);
        }

        @Override
        public void close() {
          if (helperInCall.get()) helperClosedDuringCall.set(true);
        }
      };
    }

    @Override
    public void close() {
      if (running.get() > 0) closedDuringCall.set(true);
      closed.set(true);
    }
  }

  @Test
  void aStuckModelCallIsNeverFreedUnderneath() throws Exception {
    StuckSegmenter model = new StuckSegmenter(ModelMetadata.read(Media.MODEL));
    PipelineConfig config = PipelineConfig.defaults();
    StopSignal stop = new StopSignal();
    FrameSink stats = Sinks.parse("stats:" + tmp.resolve("s.jsonl"), config.recording(), config.live(),
        () -> stop.request("window closed"));
    Thread stopper = new Thread(() -> {
      try {
        if (model.stuck.await(60, TimeUnit.SECONDS)) stop.request("test stop while the model hangs");
      } catch (InterruptedException ignored) {
        // test over
      }
    });
    stopper.start();
    long t0 = System.nanoTime();
    try {
      Pipeline.run(config, List.of(new Pipeline.StreamSpec(Sources.parse(Media.VIDEO.toString()), List.of(stats))),
          () -> model, new SimpleMeterRegistry(), stop, new Pipeline.Listener() { });
    } catch (Exception expected) {
      // the shutdown timed out: reported, as it should be
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    try {
      assertTrue(model.running.get() == 1, "the model call is still hanging when the run has ended");
      assertFalse(model.closedDuringCall.get(), "the model was closed while a call into it was running");
      assertFalse(model.helperClosedDuringCall.get(), "the helper's handle was closed during its own call");
      assertFalse(model.closed.get(), "a model with a call in flight is left allocated");
      assertTrue(seconds < 120, "the run ended " + seconds + " s after it started");
    } finally {
      model.release.countDown();
      stopper.join(10_000);
    }
  }
}
