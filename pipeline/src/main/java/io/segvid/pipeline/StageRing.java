package io.segvid.pipeline;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventHandlerGroup;
import com.lmax.disruptor.dsl.EventProcessorFactory;
import com.lmax.disruptor.dsl.ProducerType;
import io.segvid.pipeline.ring.FrameSlot;
import io.segvid.pipeline.ring.SignallingHandler;
import io.segvid.pipeline.ring.StageWaitStrategy;
import io.segvid.pipeline.stage.InferenceStage;
import io.segvid.pipeline.stage.RenderStage;
import io.segvid.pipeline.stage.SinkStage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The ring and its consumer stages, wired in one place: inference, then render (behind the
 * inference stage's own completion sequence), then every sink of every stream in parallel. Each
 * stage names its thread when it starts; the threads are kept so the run's end can join them.
 */
final class StageRing {

  private final Disruptor<FrameSlot> disruptor;
  private final StageWaitStrategy waiting = new StageWaitStrategy();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final FailingExceptionHandler failing;
  private boolean drained;

  StageRing(int size, StopSignal stop) {
    failing = new FailingExceptionHandler(stop);
    disruptor = new Disruptor<>(FrameSlot::new, size,
        r -> {
          Thread t = new Thread(r, "segvid-stage");
          t.setDaemon(true);
          threads.add(t);
          return t;
        },
        // MULTI: a live stream may briefly have two capture threads (the watchdog's replacement
        // and a stuck one leaving), and every stream publishes its own END.
        ProducerType.MULTI, waiting);
    disruptor.setDefaultExceptionHandler(failing);
  }

  RingBuffer<FrameSlot> ring() {
    return disruptor.getRingBuffer();
  }

  /** How stages wait for each other; the inference stage signals through it too. */
  StageWaitStrategy waiting() {
    return waiting;
  }

  void start(InferenceStage inference, RenderStage render, List<SinkStage> sinks) {
    disruptor.handleEventsWith(inference);
    // Render follows the inference stage's own completion sequence, not its Disruptor sequence:
    // a batch may still be running on the helper thread after onEvent returned.
    EventProcessorFactory<FrameSlot> afterInference = (ringBuffer, barrierSequences) -> {
      BatchEventProcessor<FrameSlot> p = new BatchEventProcessorBuilder().build(ringBuffer,
          ringBuffer.newBarrier(inference.completed()), new SignallingHandler<>("render", render, waiting));
      p.setExceptionHandler(failing);
      return p;
    };
    EventHandlerGroup<FrameSlot> rendered = disruptor.handleEventsWith(afterInference);
    if (!sinks.isEmpty()) {
      rendered.then(sinks.stream().map(s -> new SignallingHandler<>(s.name(), s, waiting)).toArray(EventHandler[]::new));
    }
    disruptor.start();
  }

  /** Waits until every stage has processed every published slot. */
  void drain(long timeout, TimeUnit unit) throws TimeoutException {
    disruptor.shutdown(timeout, unit);
    drained = true;
  }

  /** After a failure or a drain that timed out: stops the stages where they are. */
  void haltIfNotDrained() {
    if (!drained) disruptor.halt();
  }

  List<Thread> threads() {
    return threads;
  }

  /** Releases the slots' native buffers; only once no stage can touch them. */
  void releaseSlots() {
    RingBuffer<FrameSlot> ring = ring();
    for (int i = 0; i < ring.getBufferSize(); i++) ring.get(i).release();
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
}
