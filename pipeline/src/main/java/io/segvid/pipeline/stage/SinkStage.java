package io.segvid.pipeline.stage;

import io.segvid.output.FrameSink;
import com.lmax.disruptor.EventHandler;
import io.micrometer.core.instrument.Timer;
import io.segvid.pipeline.ring.FrameSlot;
import io.segvid.pipeline.StopSignal;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one sink of one stream on its own consumer thread of the ring, so sinks work in parallel.
 * A failing sink stops the run (its error is the run's error); END completes the sink.
 */
public final class SinkStage implements EventHandler<FrameSlot> {

  private final FrameSink sink;
  private final int stream;
  private final StopSignal stop;
  private final Timer timer;
  private final CountDownLatch finished = new CountDownLatch(1);
  private boolean failed;

  public SinkStage(FrameSink sink, int stream, StopSignal stop, Timer timer) {
    this.sink = sink;
    this.stream = stream;
    this.stop = stop;
    this.timer = timer;
  }

  @Override
  public void onEvent(FrameSlot slot, long sequence, boolean endOfBatch) {
    if (slot.stream != stream || failed) return;
    try {
      switch (slot.kind) {
        case VIDEO -> {
          if (slot.skipped) return;
          long t0 = System.nanoTime();
          sink.video(slot);
          timer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
        case AUDIO -> sink.audio(slot);
        case END -> {
          sink.finish();
          finished.countDown();
        }
      }
    } catch (Exception | LinkageError e) {
      failed = true;
      stop.fail(new java.io.IOException(sink.describe() + ": " + e.getMessage(), e));
      finished.countDown();
    }
  }

  /** Waits until this sink has seen its stream's END (or failed). */
  public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
    return finished.await(timeout, unit);
  }

  /** The stage's name: {@code sink-KIND}. */
  public String name() {
    return "sink-" + kind(sink);
  }

  /** What kind of sink (file, rtsp, masks...): no paths or credentials. */
  public static String kind(FrameSink sink) {
    return sink.describe().replaceFirst(":.*", "");
  }

  public FrameSink sink() {
    return sink;
  }
}
