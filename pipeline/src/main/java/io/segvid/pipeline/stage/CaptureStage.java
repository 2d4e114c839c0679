package io.segvid.pipeline.stage;

import io.segvid.capture.Reconnect;
import io.segvid.pipeline.StopSignal;
import io.segvid.pipeline.StreamContext;
import io.segvid.pipeline.metrics.PipelineMetrics;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.segvid.capture.SourceException;
import io.segvid.capture.VideoSource;
import io.segvid.inference.FrameTranslator;
import io.segvid.pipeline.ring.FrameSlot;
import java.nio.ShortBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacv.Frame;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grabs frames from one source and copies them into ring slots (plus the model-size RGB input).
 *
 * <p>A lossless stream (a file) waits for a free slot and ends at the end of the file. A live stream
 * never waits: with the ring full the frame is dropped and counted. For a live stream an end or an
 * error is a disconnect: it reconnects with backoff. A watchdog abandons a source that delivers
 * nothing for the stall time (a frozen server can block a read far longer than any timeout) and
 * reconnects on a fresh instance; the stuck thread, if it ever returns, closes its instance and
 * leaves without touching the ring. Every stream ends with exactly one END slot.
 */
public final class CaptureStage {

  private static final Logger LOG = LoggerFactory.getLogger(CaptureStage.class);

  private final StreamContext stream;
  private final RingBuffer<FrameSlot> ring;
  private final PipelineMetrics metrics;
  private final StopSignal stop;
  private final Reconnect reconnect;
  private final java.util.concurrent.atomic.AtomicLongArray newest;
  private final AtomicLong index = new AtomicLong();
  private final AtomicInteger generation = new AtomicInteger();
  private final AtomicBoolean endPublished = new AtomicBoolean();
  private final Object lock = new Object();
  private volatile long lastProgressNanos = System.nanoTime();
  private volatile boolean waitingOnSource;
  private volatile String warning;
  private volatile Thread worker;

  /** {@code newest}: per stream, the sequence of its latest published video frame (read by inference). */
  public CaptureStage(StreamContext stream, RingBuffer<FrameSlot> ring, PipelineMetrics metrics, StopSignal stop,
                      Reconnect reconnect, java.util.concurrent.atomic.AtomicLongArray newest) {
    this.newest = newest;
    this.stream = stream;
    this.ring = ring;
    this.metrics = metrics;
    this.stop = stop;
    this.reconnect = reconnect;
  }

  public CaptureStage(StreamContext stream, RingBuffer<FrameSlot> ring, PipelineMetrics metrics, StopSignal stop) {
    this(stream, ring, metrics, stop, Reconnect.DEFAULT, new java.util.concurrent.atomic.AtomicLongArray(stream.id() + 1));
  }

  /** Why reading stopped early (a truncated or corrupt file), or null. */
  public String warning() {
    return warning;
  }

  /** Starts the capture thread (and, for a live stream, its watchdog). */
  public void start() {
    startWorker(generation.get(), stream.source());
    if (stream.info().live()) {
      Thread w = new Thread(this::watch, "segvid-watchdog-" + stream.id());
      w.setDaemon(true);
      w.start();
    }
  }

  /** Runs on the calling thread until the stream ends (files; tests). */
  public void run() {
    capture(generation.get(), stream.source());
  }

  /** Waits for the END slot; after the timeout, publishes END itself and abandons a stuck capture. */
  public void awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!endPublished.get()) {
      Thread t = worker;
      if (t != null) t.join(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
      else Thread.sleep(20);
      if (System.nanoTime() > deadline && stop.requested()) {
        generation.incrementAndGet();  // whatever is still blocked in a read will leave quietly
        publishEnd();
      }
    }
  }

  public boolean ended() {
    return endPublished.get();
  }

  private void startWorker(int gen, VideoSource session) {
    Thread t = new Thread(() -> capture(gen, session), "segvid-capture-" + stream.id() + "." + gen);
    t.setDaemon(true);
    worker = t;
    t.start();
  }

  /** When the current session was reopened, until its first picture; 0 otherwise. Capture thread only. */
  private long reconnectedNanos;

  private void capture(int gen, VideoSource first) {
    VideoSource session = first;
    try (FrameMatView view = new FrameMatView();
         FrameTranslator translator = new FrameTranslator(stream.inputSize(), stream.info().height(), stream.info().width())) {
      lastProgressNanos = System.nanoTime();
      while (!stop.requested() && gen == generation.get()) {
        if (session == null) {
          session = reopen(gen);
          if (session == null) break;
          reconnectedNanos = System.nanoTime();
        }
        Frame f;
        String problem = null;
        waitingOnSource = true;
        try {
          f = session.grab();
        } catch (SourceException e) {
          f = null;
          problem = e.getMessage();
        } finally {
          waitingOnSource = false;
        }
        if (gen != generation.get()) break;  // abandoned by the watchdog while blocked
        if (f == null) {
          if (!stream.info().live()) {
            if (problem != null) warning = "stopped reading " + stream.name() + " after " + index.get() + " frames: " + problem;
            break;
          }
          metrics.disconnects.increment();
          LOG.warn("{}: {}; reconnecting", stream.name(), problem != null ? problem : "stream ended");
          session.close();
          session = null;
          continue;
        }
        lastProgressNanos = System.nanoTime();
        if (reconnectedNanos != 0 && f.image != null) {
          LOG.info("{}: first frame {} ms after reconnecting", stream.name(), (lastProgressNanos - reconnectedNanos) / 1_000_000);
          reconnectedNanos = 0;
        }
        publish(f, view, translator, gen);
      }
    } catch (RuntimeException e) {
      stop.fail(e);
    } finally {
      if (session != null) session.close();
      if (gen == generation.get()) publishEnd();
    }
  }

  /** Opens a fresh instance (overlapping attempts, see {@link Reconnector}); null when stopped, abandoned or out of attempts. */
  private VideoSource reopen(int gen) {
    try {
      Reconnector.Result r = new Reconnector(stream.spec(), reconnect, stream.name())
          .reopen(() -> stop.requested() || gen != generation.get());
      if (r.gaveUp() != null) {
        warning = r.gaveUp();
        stop.request("source lost");
      }
      if (r.source() != null && (stop.requested() || gen != generation.get())) {
        r.source().close();
        return null;
      }
      return r.source();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      lastProgressNanos = System.nanoTime();
    }
  }

  /** The stall watchdog of a live stream. */
  private void watch() {
    while (!stop.requested() && !endPublished.get()) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      long idle = System.nanoTime() - lastProgressNanos;
      if (waitingOnSource && idle > reconnect.stallNanos() && !stop.requested()) {
        metrics.stalls.increment();
        LOG.warn("{}: no frame for {} s; abandoning the connection and reconnecting", stream.name(),
            String.format(java.util.Locale.ROOT, "%.1f", idle / 1e9));
        int next = generation.incrementAndGet();
        lastProgressNanos = System.nanoTime();
        waitingOnSource = false;
        startWorker(next, null);
      }
    }
  }

  private void publish(Frame f, FrameMatView view, FrameTranslator translator, int gen) {
    long started = System.nanoTime();
    if (f.image != null) {
      long seq = claim();
      if (seq < 0) {
        metrics.droppedRingFull.increment();
        return;
      }
      FrameSlot s = ring.get(seq);
      try {
        Mat m = view.of(f);
        s.kind = FrameSlot.Kind.VIDEO;
        s.useStream(stream.id());
        s.index = index.getAndIncrement();
        s.timestampMicros = f.timestamp;
        s.captureNanos = started;
        s.skipped = false;
        m.copyTo(s.frame);
        s.ensureModelSize(stream.inputSize().height(), stream.inputSize().width());
        translator.toInput(s.frame, s.modelInput);
      } finally {
        newest.set(stream.id(), seq);
        ring.publish(seq);
      }
      metrics.framesIn.increment();
      metrics.capture.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    } else if (f.samples != null && stream.info().hasAudio() && f.samples[0] instanceof ShortBuffer samples) {
      long seq = claim();
      if (seq < 0) return;
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

  private void publishEnd() {
    synchronized (lock) {
      if (!endPublished.compareAndSet(false, true)) return;
      long seq = ring.next();  // the END marker always gets in, even for live streams
      FrameSlot s = ring.get(seq);
      s.kind = FrameSlot.Kind.END;
      s.stream = stream.id();
      s.index = index.get();
      s.skipped = false;
      ring.publish(seq);
    }
  }

  private long claim() {
    if (stream.lossless()) {
      // The Disruptor's next() waits for a full ring by spinning on parkNanos(1): a busy loop that
      // takes a core from inference for as long as a file is read faster than it is segmented.
      while (!ring.hasAvailableCapacity(1)) LockSupport.parkNanos(500_000);
      return ring.next();
    }
    try {
      return ring.tryNext();
    } catch (InsufficientCapacityException e) {
      return -1;
    }
  }
}
