package io.segvid.pipeline.stage;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
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
 * <p>A slot counts as done for the stages after this one only once its batch ran, so this stage
 * publishes its own progress after each flush and wakes those stages ({@link
 * io.segvid.pipeline.ring.StageWaitStrategy}).
 */
public final class InferenceStage implements EventHandler<FrameSlot> {

  private final Segmenter segmenter;
  private final int maxBatch;
  private final RingBuffer<FrameSlot> ring;
  private final List<StreamContext> streams;
  private final List<PipelineMetrics> metrics;
  private final java.util.concurrent.atomic.AtomicLongArray newest;
  private final WaitStrategy downstream;
  private final FrameSlot[] pending;
  private final byte[][] inputs;
  private final byte[][] masks;
  private int count;
  private Sequence sequenceCallback;

  /** {@code newest} holds, per stream, the ring sequence of its latest published video frame. */
  public InferenceStage(Segmenter segmenter, int maxBatch, RingBuffer<FrameSlot> ring, List<StreamContext> streams,
                        List<PipelineMetrics> metrics, java.util.concurrent.atomic.AtomicLongArray newest,
                        WaitStrategy downstream) {
    this.segmenter = segmenter;
    this.maxBatch = maxBatch;
    this.ring = ring;
    this.streams = streams;
    this.metrics = metrics;
    this.newest = newest;
    this.downstream = downstream;
    this.pending = new FrameSlot[maxBatch];
    this.inputs = new byte[maxBatch][];
    this.masks = new byte[maxBatch][];
  }

  @Override
  public void setSequenceCallback(Sequence callback) {
    this.sequenceCallback = callback;
  }

  @Override
  public void onEvent(FrameSlot slot, long sequence, boolean endOfBatch) {
    if (slot.kind == FrameSlot.Kind.VIDEO) {
      if (!streams.get(slot.stream).lossless() && newest.get(slot.stream) > sequence) {
        slot.skipped = true;
        metrics.get(slot.stream).droppedStale.increment();
      } else {
        if (count > 0 && (slot.inputHeight != pending[0].inputHeight || slot.inputWidth != pending[0].inputWidth)) flush();
        pending[count++] = slot;
        if (count == maxBatch) {
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

  /** Every slot up to {@code sequence} is done here (no batch is pending). */
  private void publish(long sequence) {
    if (sequenceCallback != null) sequenceCallback.set(sequence);
    downstream.signalAllWhenBlocking();
  }

  private void flush() {
    if (count == 0) return;
    long started = System.nanoTime();
    for (int i = 0; i < count; i++) {
      inputs[i] = pending[i].modelInput;
      masks[i] = pending[i].mask;
    }
    segmenter.segment(inputs, count, pending[0].inputHeight, pending[0].inputWidth, masks);
    long perFrame = (System.nanoTime() - started) / count;
    for (int i = 0; i < count; i++) {
      metrics.get(pending[i].stream).inference.record(perFrame, TimeUnit.NANOSECONDS);
      pending[i] = null;
      inputs[i] = null;
      masks[i] = null;
    }
    count = 0;
  }
}
