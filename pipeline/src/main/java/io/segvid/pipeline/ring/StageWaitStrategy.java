package io.segvid.pipeline.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

/**
 * Blocks every consumer until the sequence it depends on has advanced, whether that sequence is the
 * producers' cursor or an upstream stage.
 *
 * <p>Why not the Disruptor's {@code BlockingWaitStrategy}: it blocks only until the cursor moves and
 * then busy-spins ({@code Thread.onSpinWait}) on upstream stages. Render and the sinks wait on
 * inference most of the time, so on a 2-core machine two threads spun at 100% and took the cores
 * TensorFlow needed (inference took 56 ms a frame in the pipeline against 23 ms alone). Upstream
 * stages here announce progress through {@link SignallingHandler} (and the inference stage
 * itself), which wakes the waiters; the timed wait only bounds the cost of a missed wake-up.
 * A plain monitor rather than a {@code Condition}: awaiting a Condition allocates a node per wait.
 */
public final class StageWaitStrategy implements WaitStrategy {

  private static final long MAX_WAIT_MILLIS = 20;

  private final Object advanced = new Object();

  @Override
  public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
      throws AlertException, InterruptedException {
    long available = dependentSequence.get();
    if (available >= sequence) return available;
    synchronized (advanced) {
      while ((available = dependentSequence.get()) < sequence) {
        barrier.checkAlert();
        advanced.wait(MAX_WAIT_MILLIS);
      }
    }
    return available;
  }

  @Override
  public void signalAllWhenBlocking() {
    synchronized (advanced) {
      advanced.notifyAll();
    }
  }
}
