package io.segvid.pipeline.stage;

import io.segvid.pipeline.StreamContext;
import io.segvid.pipeline.metrics.PipelineMetrics;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import io.segvid.inference.Segmenter;
import io.segvid.pipeline.ring.FrameSlot;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Batches video slots (up to the batch size, same input size, across streams) through the
 * segmenter. Flushes when a batch is full and at the end of each burst the ring hands over, so a
 * slow trickle of frames is never held back waiting for a batch to fill. Under the LIVE policy a
 * frame is skipped when a newer frame of the same stream is already in the ring: each live stream
 * contributes only its newest frame, so latency stays at about one inference (batches then form
 * across streams).
 *
 * <p>With {@code inFlight} 2 (and a segmenter that takes concurrent calls), a batch is handed to a
 * helper thread while this one collects and runs the next: one batch alone leaves cores idle in
 * the serial stretches of the graph, two keep TensorFlow's thread pool busy.
 *
 * <p>A slot counts as done for the stages after this one only once its batch ran, and every batch
 * before it too (batches can finish out of order). The Disruptor marks a handler's slots done when
 * its onEvent returns, which is too early here, so the next stage waits on {@link #completed()}
 * instead, which this stage moves itself (and wakes that stage: {@link
 * io.segvid.pipeline.ring.StageWaitStrategy}).
 */
public final class InferenceStage implements EventHandler<FrameSlot>, AutoCloseable {

  /** Batches that can be waiting for publication at once: beyond that, collecting waits. */
  private static final int BATCHES = 4;

  private final Segmenter segmenter;
  private final int maxBatch;
  private final List<StreamContext> streams;
  private final List<PipelineMetrics> metrics;
  private final java.util.concurrent.atomic.AtomicLongArray newest;
  private final WaitStrategy downstream;
  private final Helper helper;

  /** Batches handed out (running or done), oldest first: a ring of {@link #BATCHES}. */
  private final Batch[] queue = new Batch[BATCHES];
  private final Batch[] free = new Batch[BATCHES];
  private int queueHead;
  private int queueSize;
  private int freeCount;
  private Batch current;
  /** Every slot up to here was put in a batch or needs none. */
  private long seenUpTo = -1;
  private final Sequence completed = new Sequence(-1);
  /** The first failure of either inference thread; from then on the stage drains. */
  private volatile Throwable failure;
  private boolean failureReported;

  /**
   * {@code newest} holds, per stream, the ring sequence of its latest published video frame.
   * {@code inFlight} is 1 or 2 batches at once.
   */
  public InferenceStage(Segmenter segmenter, int maxBatch, int inFlight, List<StreamContext> streams, List<PipelineMetrics> metrics,
                        java.util.concurrent.atomic.AtomicLongArray newest, WaitStrategy downstream) {
    this.segmenter = segmenter;
    this.maxBatch = maxBatch;
    this.streams = streams;
    this.metrics = metrics;
    this.newest = newest;
    this.downstream = downstream;
    for (int i = 0; i < BATCHES; i++) free[freeCount++] = new Batch(maxBatch);
    current = free[--freeCount];
    Segmenter second = inFlight > 1 ? segmenter.concurrentCaller() : null;
    helper = second == null ? null : new Helper(second);
  }

  /** Whether a second batch runs on a helper thread. */
  public boolean concurrent() {
    return helper != null;
  }

  /** The last slot that every later stage may read: its batch and all batches before it ran. */
  public Sequence completed() {
    return completed;
  }

  @Override
  public void onStart() {
    Thread.currentThread().setName("segvid-inference");
  }

  @Override
  public void onEvent(FrameSlot slot, long sequence, boolean endOfBatch) {
    if (failure != null) {
      drain(sequence);
      return;
    }
    if (slot.kind == FrameSlot.Kind.VIDEO) {
      if (!streams.get(slot.stream).lossless() && newest.get(slot.stream) > sequence) {
        slot.skipped = true;
        metrics.get(slot.stream).droppedStale.increment();
      } else {
        Batch b = current;
        if (b.count > 0 && (slot.inputHeight != b.slots[0].inputHeight || slot.inputWidth != b.slots[0].inputWidth)) {
          flush();
          b = current;
        }
        if (b.count == 0) b.firstSequence = sequence;
        b.slots[b.count] = slot;
        b.inputs[b.count] = slot.modelInput;
        b.masks[b.count] = slot.mask;
        b.count++;
        if (b.count == maxBatch) {
          flush();
          publish(sequence);
        }
      }
    }
    if (endOfBatch) {
      flush();
      publish(sequence);
    }
  }

  /** Every slot up to {@code sequence} is in a handed-out batch or needs none. */
  private void publish(long sequence) {
    synchronized (this) {
      seenUpTo = sequence;
    }
    advance();
  }

  /**
   * After a failure the run is stopping: slots pass through unsegmented so that every later stage
   * still reaches the end marker, and the failure is thrown once (the pipeline's exception handler
   * stops the run with it).
   */
  private void drain(long sequence) {
    boolean report;
    synchronized (this) {
      for (int i = 0; i < queueSize; i++) {
        Batch b = queue[(queueHead + i) % BATCHES];
        if (helper == null || b != helper.assigned) b.done = true;  // a running batch finishes on its own
      }
      if (current != null) current.clear();
      seenUpTo = sequence;
      report = !failureReported;
      failureReported = true;
    }
    advance();
    if (report) throw new IllegalStateException("inference failed: " + failure.getMessage(), failure);
  }

  /**
   * Marks a batch finished, or failed (the stage drains from then on), and publishes what it can.
   * {@code reportedHere}: the failure is thrown by the caller, so draining must not throw it again.
   */
  private void complete(Batch b, Throwable failed, boolean reportedHere) {
    synchronized (this) {
      if (failed != null && failure == null) failure = failed;
      if (reportedHere) failureReported = true;
      b.done = true;
      notifyAll();
    }
    advance();
  }

  /** Hands the batch being collected to the helper when it is free, else runs it here. */
  private void flush() {
    Batch b = current;
    if (b.count == 0) return;
    boolean toHelper;
    synchronized (this) {
      queue[(queueHead + queueSize++) % BATCHES] = b;
      toHelper = helper != null && helper.assigned == null;
      if (toHelper) {
        helper.assigned = b;
        notifyAll();
      }
      current = takeFree();
    }
    if (!toHelper) {
      try {
        run(b, segmenter);
      } catch (RuntimeException e) {
        complete(b, e, true);
        throw e;
      }
      complete(b, null, false);
    }
  }

  /** A free batch to collect into; waits while every batch is out (the helper is behind). */
  private Batch takeFree() {
    while (freeCount == 0) {
      try {
        wait(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for inference");
      }
      if (failure != null) return new Batch(maxBatch);  // draining from now on; never handed out
    }
    return free[--freeCount];
  }

  private void run(Batch b, Segmenter with) {
    long started = System.nanoTime();
    with.segment(b.inputs, b.count, b.slots[0].inputHeight, b.slots[0].inputWidth, b.masks);
    long perFrame = (System.nanoTime() - started) / b.count;
    for (int i = 0; i < b.count; i++) metrics.get(b.slots[i].stream).inference.record(perFrame, TimeUnit.NANOSECONDS);
  }

  /** Publishes up to the first batch still running (or all that was seen) and recycles finished batches. */
  private void advance() {
    long target;
    synchronized (this) {
      while (queueSize > 0 && queue[queueHead].done) {
        Batch b = queue[queueHead];
        queue[queueHead] = null;
        queueHead = (queueHead + 1) % BATCHES;
        queueSize--;
        b.clear();
        free[freeCount++] = b;
        notifyAll();
      }
      target = queueSize == 0 ? seenUpTo : Math.min(seenUpTo, queue[queueHead].firstSequence - 1);
      if (target <= completed.get()) return;
      completed.set(target);  // under the lock: two threads advance, the sequence must only grow
    }
    downstream.signalAllWhenBlocking();
  }

  /**
   * Stops the helper thread and frees its handle on the model; before the segmenter is closed.
   * Returns false when the helper is still inside a model call (its handle is then kept): the model
   * must not be closed under it.
   */
  public boolean shutDownHelper() {
    return helper == null || helper.close();
  }

  @Override
  public void close() {
    shutDownHelper();
  }

  /** Slots of one batch, and the arrays handed to the segmenter (no allocation per batch). */
  private static final class Batch {
    final FrameSlot[] slots;
    final byte[][] inputs;
    final byte[][] masks;
    int count;
    long firstSequence;
    boolean done;

    Batch(int size) {
      slots = new FrameSlot[size];
      inputs = new byte[size][];
      masks = new byte[size][];
    }

    void clear() {
      for (int i = 0; i < count; i++) {
        slots[i] = null;
        inputs[i] = null;
        masks[i] = null;
      }
      count = 0;
      done = false;
    }
  }

  /** The second inference thread: runs one assigned batch at a time on its own model handle. */
  private final class Helper implements Runnable {
    private final Segmenter caller;
    private final Thread thread;
    Batch assigned;
    private boolean stopping;

    Helper(Segmenter caller) {
      this.caller = caller;
      thread = new Thread(this, "segvid-inference-2");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void run() {
      while (true) {
        Batch b;
        synchronized (InferenceStage.this) {
          while (assigned == null && !stopping) {
            try {
              InferenceStage.this.wait();
            } catch (InterruptedException e) {
              return;
            }
          }
          if (stopping) return;
          b = assigned;
        }
        Throwable failed = null;
        try {
          InferenceStage.this.run(b, caller);
        } catch (Throwable t) {
          failed = t;
        }
        if (failed != null) {
          // Stays assigned: a dead helper must look busy, so no further batch is handed to it.
          complete(b, failed, false);
          return;
        }
        synchronized (InferenceStage.this) {
          assigned = null;
        }
        complete(b, null, false);
      }
    }

    boolean close() {
      synchronized (InferenceStage.this) {
        stopping = true;
        InferenceStage.this.notifyAll();
      }
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // A run stuck in native code keeps its handle: leaking it is safer than freeing it under the run.
      if (thread.isAlive()) return false;
      caller.close();
      return true;
    }
  }
}
