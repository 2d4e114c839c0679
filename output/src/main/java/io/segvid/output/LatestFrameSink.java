package io.segvid.output;

import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of sinks that talk to the network. The ring's sink thread only copies the rendered frame into
 * a one-frame mailbox; a worker thread of the sink's own takes the newest frame and does the slow
 * part. A frozen peer stalls only that worker: the ring, the other sinks and the capture go on, and
 * frames the worker had no time for are counted as skipped.
 */
public abstract class LatestFrameSink implements FrameSink {

  private static final Logger LOG = LoggerFactory.getLogger(LatestFrameSink.class);

  private final Object lock = new Object();
  private Mat pending = new Mat();
  private Mat working = new Mat();
  private boolean hasPending;
  private long pendingIndex;
  private long pendingCaptureNanos;
  private long pendingTimestamp;
  private volatile boolean closed;
  private volatile long skipped;
  private Thread worker;

  /** Starts the worker; call at the end of {@link #open}. */
  protected final void startWorker(String name) {
    worker = new Thread(this::loop, name);
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public final void video(RenderedFrame frame) {
    synchronized (lock) {
      if (hasPending) skipped++;
      frame.rendered().copyTo(pending);
      pendingIndex = frame.index();
      pendingCaptureNanos = frame.captureNanos();
      pendingTimestamp = frame.timestampMicros();
      hasPending = true;
      lock.notifyAll();
    }
  }

  private void loop() {
    while (!closed) {
      boolean got;
      long index = 0;
      long captureNanos = 0;
      long timestamp = 0;
      synchronized (lock) {
        if (!hasPending && !closed) {
          try {
            lock.wait(200);
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) return;
        got = hasPending;
        if (got) {
          Mat t = working;
          working = pending;
          pending = t;
          hasPending = false;
          index = pendingIndex;
          captureNanos = pendingCaptureNanos;
          timestamp = pendingTimestamp;
        }
      }
      try {
        if (got) deliver(working, index, captureNanos, timestamp);
        else idle();  // outside the lock: the ring's thread keeps handing frames over meanwhile
      } catch (Exception | LinkageError e) {
        LOG.warn("{}: {}", describe(), e.getMessage());
      }
    }
  }

  /** Sends one frame; runs on the sink's own thread. Failures are logged and the next frame tried. */
  protected abstract void deliver(Mat frame, long index, long captureNanos, long timestampMicros) throws Exception;

  /** Called on the worker's thread when no frame came for a while (200 ms): time to reconnect ahead of frames. */
  protected void idle() throws Exception { }

  /** Frames replaced in the mailbox before the worker took them. */
  public long skipped() {
    return skipped;
  }

  protected boolean isClosed() {
    return closed;
  }

  /** Stops the worker (waiting briefly: a worker blocked on a frozen peer is left behind). */
  protected final void stopWorker() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    if (worker != null) {
      try {
        worker.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** True while the worker is still inside a delivery (e.g. blocked on a frozen peer) after a stop. */
  protected final boolean workerRunning() {
    return worker != null && worker.isAlive();
  }

  /** Releases the mailbox; only when the worker has finished. */
  protected final void releaseFrames() {
    if (worker == null || !worker.isAlive()) {
      pending.close();
      working.close();
    }
  }
}
