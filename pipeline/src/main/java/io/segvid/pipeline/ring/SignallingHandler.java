package io.segvid.pipeline.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;

/**
 * Runs a stage that finishes each slot inside {@code onEvent} and, after every slot, publishes its
 * progress and wakes the stages waiting on it (see {@link StageWaitStrategy}). Publishing per slot
 * rather than per burst also lets the next stage start on a frame while this one works on the next.
 */
public final class SignallingHandler<T> implements EventHandler<T> {

  private final String name;
  private final EventHandler<T> stage;
  private final WaitStrategy waiters;
  private Sequence progress;

  /** {@code name} names the stage's thread ({@code segvid-NAME}), for profiles and thread dumps. */
  public SignallingHandler(String name, EventHandler<T> stage, WaitStrategy waiters) {
    this.name = name;
    this.stage = stage;
    this.waiters = waiters;
  }

  @Override
  public void setSequenceCallback(Sequence sequenceCallback) {
    this.progress = sequenceCallback;
  }

  @Override
  public void onEvent(T event, long sequence, boolean endOfBatch) throws Exception {
    stage.onEvent(event, sequence, endOfBatch);
    progress.set(sequence);
    waiters.signalAllWhenBlocking();
  }

  @Override
  public void onStart() {
    Thread.currentThread().setName("segvid-" + name);
    stage.onStart();
  }

  @Override
  public void onShutdown() {
    stage.onShutdown();
  }
}
