package io.segvid.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvid.capture.SourceInfo;
import io.segvid.inference.InputSize;
import io.segvid.inference.ModelMetadata;
import io.segvid.inference.Segmenter;
import io.segvid.pipeline.metrics.PipelineMetrics;
import io.segvid.pipeline.ring.FrameSlot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Drives one stage without I/O (Netty's EmbeddedChannel, for the ring): real FrameSlots in a real
 * ring, filled by hand as the capture stage would; a fake segmenter whose class ids trace back to
 * the input; one stream's context and meters. Stages are called directly, in order, on the test's
 * thread.
 */
final class StageHarness {

  private StageHarness() { }

  /** Records batch sizes; class id = first byte of each frame, so results can be traced to inputs. */
  static class RecordingSegmenter implements Segmenter {
    final List<Integer> batches = new ArrayList<>();

    @Override
    public ModelMetadata metadata() {
      return new ModelMetadata(ModelMetadata.genericClasses(4), null, 16, 16, null, null, null, null, null, null);
    }

    @Override
    public void segment(byte[][] frames, int count, int height, int width, byte[][] masks) {
      batches.add(count);
      for (int i = 0; i < count; i++) Arrays.fill(masks[i], 0, height * width, frames[i][0]);
    }

    @Override
    public void close() { }
  }

  /** One 16x16 stream; lossless (a file) or live (a camera, whose stale frames may be skipped). */
  static List<StreamContext> streams(boolean lossless) {
    return List.of(new StreamContext(0, null, null, new SourceInfo(16, 16, 25, 0, 0, 0, !lossless),
        new InputSize(16, 16), lossless));
  }

  static PipelineMetrics metrics() {
    return new PipelineMetrics(new SimpleMeterRegistry(), "0");
  }

  /** A ring of 32 slots with {@code frames} video frames published; frame i's input bytes are all i + 1. */
  static RingBuffer<FrameSlot> ringWith(int frames, int size) {
    RingBuffer<FrameSlot> ring = RingBuffer.createSingleProducer(FrameSlot::new, 32);
    for (int i = 0; i < frames; i++) {
      long seq = ring.next();
      FrameSlot s = ring.get(seq);
      s.kind = FrameSlot.Kind.VIDEO;
      s.index = i;
      s.skipped = false;
      s.ensureModelSize(size, size);
      Arrays.fill(s.modelInput, (byte) (i + 1));
      ring.publish(seq);
    }
    return ring;
  }

  /** Publishes the end of stream 0. */
  static long end(RingBuffer<FrameSlot> ring) {
    long seq = ring.next();
    ring.get(seq).kind = FrameSlot.Kind.END;
    ring.get(seq).stream = 0;
    ring.publish(seq);
    return seq;
  }

  /** The per-stream newest sequence as the capture stage would have left it. */
  static AtomicLongArray newest(RingBuffer<FrameSlot> ring) {
    AtomicLongArray a = new AtomicLongArray(1);
    a.set(0, ring.getCursor());
    return a;
  }

  /** Hands slots {@code from..to} to a stage, as its ring thread would. */
  static void deliver(EventHandler<FrameSlot> stage, RingBuffer<FrameSlot> ring, long from, long to) throws Exception {
    for (long seq = from; seq <= to; seq++) stage.onEvent(ring.get(seq), seq, seq == to);
  }

  /** Releases the slots' native buffers. */
  static void release(RingBuffer<FrameSlot> ring) {
    for (int i = 0; i < ring.getBufferSize(); i++) ring.get(i).release();
  }
}
