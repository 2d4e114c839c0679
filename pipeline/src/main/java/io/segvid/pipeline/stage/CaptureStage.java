package io.segvid.pipeline.stage;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.segvid.capture.SourceException;
import io.segvid.pipeline.ring.FrameSlot;
import java.nio.ShortBuffer;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Grabs frames from one source and copies them into ring slots (plus the model-size RGB input). A
 * lossless stream waits for a free slot; a live one never waits: when the ring is full the frame is
 * dropped and counted. Ends every stream with an END slot.
 */
public final class CaptureStage implements Runnable {

  private final StreamContext stream;
  private final RingBuffer<FrameSlot> ring;
  private final PipelineMetrics metrics;
  private final StopSignal stop;
  private volatile String warning;

  public CaptureStage(StreamContext stream, RingBuffer<FrameSlot> ring, PipelineMetrics metrics, StopSignal stop) {
    this.stream = stream;
    this.ring = ring;
    this.metrics = metrics;
    this.stop = stop;
  }

  /** Why reading stopped early (a truncated or corrupt file), or null. */
  public String warning() {
    return warning;
  }

  @Override
  public void run() {
    long index = 0;
    try (OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
         Preprocessor pre = new Preprocessor(stream.inputSize())) {
      while (!stop.requested()) {
        Frame f;
        try {
          f = stream.source().grab();
        } catch (SourceException e) {
          warning = "stopped reading " + stream.name() + " after " + index + " frames: " + e.getMessage();
          break;
        }
        if (f == null) break;
        long started = System.nanoTime();
        if (f.image != null) {
          long seq = claim();
          if (seq < 0) {
            metrics.droppedRingFull.increment();
            continue;
          }
          FrameSlot s = ring.get(seq);
          try {
            Mat m = converter.convert(f);
            s.kind = FrameSlot.Kind.VIDEO;
            s.stream = stream.id();
            s.index = index++;
            s.timestampMicros = f.timestamp;
            s.captureNanos = started;
            s.skipped = false;
            m.copyTo(s.frame);
            s.ensureModelSize(stream.inputSize().height(), stream.inputSize().width());
            pre.apply(s.frame, s.modelInput);
          } finally {
            ring.publish(seq);
          }
          metrics.framesIn.increment();
          metrics.capture.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        } else if (f.samples != null && stream.info().hasAudio() && f.samples[0] instanceof ShortBuffer samples) {
          long seq = claim();
          if (seq < 0) continue;
          FrameSlot s = ring.get(seq);
          try {
            int n = samples.remaining();
            s.kind = FrameSlot.Kind.AUDIO;
            s.stream = stream.id();
            s.timestampMicros = f.timestamp;
            s.captureNanos = started;
            s.skipped = false;
            s.ensureAudioCapacity(n);
            samples.get(samples.position(), s.audio, 0, n);
            s.audioSamples = n;
            s.audioChannels = f.audioChannels;
            s.sampleRate = f.sampleRate;
          } finally {
            ring.publish(seq);
          }
        }
      }
    } catch (RuntimeException e) {
      stop.fail(e);
    } finally {
      long seq = ring.next();  // the END marker always gets in, even for live streams
      FrameSlot s = ring.get(seq);
      s.kind = FrameSlot.Kind.END;
      s.stream = stream.id();
      s.index = index;
      s.skipped = false;
      ring.publish(seq);
    }
  }

  private long claim() {
    if (stream.lossless()) return ring.next();
    try {
      return ring.tryNext();
    } catch (InsufficientCapacityException e) {
      return -1;
    }
  }
}
