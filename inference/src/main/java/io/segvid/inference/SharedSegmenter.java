package io.segvid.inference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One model shared by independent pipelines (a worker's cameras, each started and stopped on its own),
 * with their calls batched together: requests that wait while the model is busy, and have the same
 * input size, go through it as one batch of up to {@code maxBatch} frames (dynamic batching, as model
 * servers do). Each pipeline gets a {@link #handle()}; closing a handle never frees the model, which
 * this object owns. The frames are passed by reference: nothing is copied or allocated per call.
 */
public final class SharedSegmenter implements AutoCloseable {

  private final Segmenter model;
  private final int maxBatch;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final List<Thread> dispatchers = new ArrayList<>();
  private final List<Segmenter> callers = new ArrayList<>();
  private final long[] counts = new long[2];
  private volatile boolean closed;

  /**
   * {@code concurrency}: batches that may run at once (2 overlaps one batch's pre/post-processing with
   * the next; used only where the model takes concurrent calls).
   */
  public SharedSegmenter(Segmenter model, int maxBatch, int concurrency) {
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    this.model = model;
    this.maxBatch = maxBatch;
    callers.add(model);
    for (int i = 1; i < concurrency; i++) {
      Segmenter second = model.concurrentCaller();
      if (second == null) break;
      callers.add(second);
    }
    for (int i = 0; i < callers.size(); i++) {
      Segmenter caller = callers.get(i);
      Thread t = new Thread(() -> dispatch(caller), "segvid-shared-model-" + (i + 1));
      t.setDaemon(true);
      dispatchers.add(t);
      t.start();
    }
  }

  /** A segmenter for one pipeline thread; its calls join others' batches. */
  public Segmenter handle() {
    return new Handle();
  }

  /** Batches run so far and frames through them; frames per batch shows how much batching happened. */
  public long[] batchesAndFrames() {
    synchronized (counts) {
      return counts.clone();
    }
  }

  /** Calls queued, not yet taken into a batch. */
  public int waiting() {
    return queue.size();
  }

  private void dispatch(Segmenter caller) {
    ArrayDeque<Request> deferred = new ArrayDeque<>();
    List<Request> batch = new ArrayList<>();
    byte[][] frames = new byte[maxBatch][];
    byte[][] masks = new byte[maxBatch][];
    while (!closed) {
      Request first;
      try {
        first = deferred.isEmpty() ? queue.poll(200, TimeUnit.MILLISECONDS) : deferred.poll();
      } catch (InterruptedException e) {
        return;
      }
      if (first == null) continue;
      batch.clear();
      batch.add(first);
      int total = first.count;
      // Everything already waiting with the same size joins, up to the batch; others wait their turn.
      for (Request r; total < maxBatch && (r = queue.poll()) != null; ) {
        if (r.height == first.height && r.width == first.width && total + r.count <= maxBatch) {
          batch.add(r);
          total += r.count;
        } else {
          deferred.add(r);
        }
      }
      int n = 0;
      for (Request r : batch) {
        for (int i = 0; i < r.count; i++, n++) {
          frames[n] = r.frames[i];
          masks[n] = r.masks[i];
        }
      }
      RuntimeException failure = null;
      try {
        caller.segment(frames, n, first.height, first.width, masks);
      } catch (RuntimeException e) {
        failure = e;
      }
      java.util.Arrays.fill(frames, 0, n, null);
      java.util.Arrays.fill(masks, 0, n, null);
      synchronized (counts) {
        counts[0]++;
        counts[1] += n;
      }
      for (Request r : batch) r.complete(failure);
    }
    for (Request r : deferred) r.complete(new IllegalStateException("the shared model was closed"));
  }

  /**
   * Stops the dispatchers and frees the model once none is inside it; a dispatcher stuck in a model
   * call past the wait leaves the model allocated on purpose (freeing it under that call would crash).
   */
  @Override
  public void close() {
    closed = true;
    boolean idle = true;
    for (Thread t : dispatchers) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      idle &= !t.isAlive();
    }
    for (Request r; (r = queue.poll()) != null; ) r.complete(new IllegalStateException("the shared model was closed"));
    if (!idle) return;
    for (int i = callers.size() - 1; i >= 1; i--) callers.get(i).close();
    model.close();
  }

  /** One call waiting for its batch; reused by its handle, so a call allocates nothing. */
  private static final class Request {
    final Semaphore done = new Semaphore(0);
    byte[][] frames;
    byte[][] masks;
    int count;
    int height;
    int width;
    volatile RuntimeException failure;

    void complete(RuntimeException failed) {
      failure = failed;
      done.release();
    }
  }

  private final class Handle implements Segmenter {
    private final Request request = new Request();

    @Override
    public ModelMetadata metadata() {
      return model.metadata();
    }

    @Override
    public void segment(byte[][] frames, int count, int height, int width, byte[][] masks) {
      if (count > maxBatch) {
        // Larger than one shared batch: in pieces, each of which may still join others.
        for (int from = 0; from < count; from += maxBatch) {
          int n = Math.min(maxBatch, count - from);
          segment(java.util.Arrays.copyOfRange(frames, from, from + n), n, height, width,
              java.util.Arrays.copyOfRange(masks, from, from + n));
        }
        return;
      }
      if (closed) throw new IllegalStateException("the shared model was closed");
      request.frames = frames;
      request.masks = masks;
      request.count = count;
      request.height = height;
      request.width = width;
      queue.add(request);
      awaitDone();
      RuntimeException failed = request.failure;
      request.frames = null;
      request.masks = null;
      if (failed != null) throw new IllegalStateException("model call failed: " + failed.getMessage(), failed);
    }

    /**
     * Until a dispatcher completed the request. Not interruptible: the model may still be writing
     * into the caller's masks. A request that no dispatcher took before a close fails instead.
     */
    private void awaitDone() {
      boolean interrupted = false;
      while (true) {
        try {
          if (request.done.tryAcquire(500, TimeUnit.MILLISECONDS)) break;
          if (closed && queue.remove(request)) request.complete(new IllegalStateException("the shared model was closed"));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) Thread.currentThread().interrupt();
    }

    @Override
    public long flopsPerFrame(int height, int width) {
      return model.flopsPerFrame(height, width);
    }

    /** Another handle: the pipeline's second batch in flight joins the shared queue too. */
    @Override
    public Segmenter concurrentCaller() {
      return new Handle();
    }

    /** The model stays: it belongs to the {@link SharedSegmenter}. */
    @Override
    public void close() { }
  }
}
