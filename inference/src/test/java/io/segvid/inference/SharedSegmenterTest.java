package io.segvid.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Calls from several pipelines that wait while the model is busy go through it as one batch, each
 * caller gets back exactly its own masks, sizes never mix in a batch, and only the owner frees the model.
 */
class SharedSegmenterTest {

  /** Writes each frame's first byte into its whole mask; the first call waits for the test's go. */
  private static final class RecordingModel implements Segmenter {
    final List<String> batches = new CopyOnWriteArrayList<>();
    final CountDownLatch firstEntered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean closed;

    @Override
    public ModelMetadata metadata() {
      return null;
    }

    @Override
    public void segment(byte[][] frames, int count, int height, int width, byte[][] masks) {
      if (batches.isEmpty()) {
        firstEntered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      batches.add(count + "@" + height + "x" + width);
      for (int i = 0; i < count; i++) java.util.Arrays.fill(masks[i], 0, height * width, frames[i][0]);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void waitingCallsShareOneBatchAndGetTheirOwnMasks() throws Exception {
    RecordingModel model = new RecordingModel();
    SharedSegmenter shared = new SharedSegmenter(model, 8, 1);
    List<Thread> callers = new ArrayList<>();
    List<byte[]> results = new CopyOnWriteArrayList<>();
    Thread blocker = call(shared.handle(), 99, 4, 4, results);
    assertTrue(model.firstEntered.await(10, TimeUnit.SECONDS));
    // While the model is busy: three 4x4 callers and one of another size.
    for (int id = 1; id <= 3; id++) callers.add(call(shared.handle(), id, 4, 4, results));
    Thread other = call(shared.handle(), 7, 2, 2, results);
    awaitQueued(shared, callers.size() + 1);
    model.release.countDown();
    blocker.join(10_000);
    for (Thread t : callers) t.join(10_000);
    other.join(10_000);
    assertEquals(5, results.size(), "every caller got its masks back");
    for (byte[] r : results) {
      for (byte b : r) assertEquals(r[0], b, "a mask holds only its own frame's value");
    }
    assertTrue(model.batches.contains("3@4x4"), "the three waiting 4x4 calls ran as one batch: " + model.batches);
    assertTrue(model.batches.contains("1@2x2"), "the 2x2 call ran alone: " + model.batches);
    assertEquals(3, shared.batchesAndFrames()[0]);
    assertEquals(5, shared.batchesAndFrames()[1]);

    shared.handle().close();
    assertFalse(model.closed, "a handle does not free the shared model");
    shared.close();
    assertTrue(model.closed, "the owner frees it");
    assertThrows(IllegalStateException.class, () -> shared.handle().segment(new byte[][] {new byte[4]}, 1, 2, 2,
        new byte[][] {new byte[4]}));
  }

  /** A call of {@code value}-filled frames on its own thread; the mask it gets back goes into results. */
  private static Thread call(Segmenter handle, int value, int h, int w, List<byte[]> results) {
    Thread t = new Thread(() -> {
      byte[] frame = new byte[h * w * 3];
      java.util.Arrays.fill(frame, (byte) value);
      byte[] mask = new byte[h * w];
      handle.segment(new byte[][] {frame}, 1, h, w, new byte[][] {mask});
      assertEquals((byte) value, mask[0]);
      results.add(mask);
    });
    t.start();
    return t;
  }

  /** The dispatcher is held in the first call; waits until the others are queued behind it. */
  private static void awaitQueued(SharedSegmenter shared, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (shared.waiting() < n) {
      if (System.nanoTime() > deadline) throw new AssertionError("calls not queued: " + shared.waiting());
      Thread.sleep(10);
    }
  }
}
