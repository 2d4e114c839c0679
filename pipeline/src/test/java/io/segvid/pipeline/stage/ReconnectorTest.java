package io.segvid.pipeline.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.capture.Reconnect;
import io.segvid.capture.SourceException;
import io.segvid.capture.SourceInfo;
import io.segvid.capture.SourceSpec;
import io.segvid.capture.VideoSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;

/**
 * Reconnect attempts overlap: a slow refusal (a server that is up without its stream) does not hold
 * back the attempt that finds the returning camera; every source opened and not taken is closed by
 * its own attempt; attempts that run out end with a reason.
 */
class ReconnectorTest {

  /** Attempt n: {@code slowMillis[n]} to answer, then opens if {@code opens[n]}. */
  static final class Camera implements SourceSpec {
    final long[] slowMillis;
    final boolean[] opens;
    final AtomicInteger created = new AtomicInteger();
    final List<Integer> closed = new CopyOnWriteArrayList<>();

    Camera(long[] slowMillis, boolean[] opens) {
      this.slowMillis = slowMillis;
      this.opens = opens;
    }

    @Override public String name() { return "camera"; }
    @Override public boolean live() { return true; }

    @Override
    public VideoSource create() {
      int n = created.getAndIncrement();
      return new VideoSource() {
        @Override public String name() { return "camera"; }

        @Override
        public SourceInfo open() throws SourceException {
          try {
            Thread.sleep(slowMillis[Math.min(n, slowMillis.length - 1)]);
          } catch (InterruptedException e) {
            throw new SourceException("interrupted");
          }
          if (!opens[Math.min(n, opens.length - 1)]) throw new SourceException("no stream yet (attempt " + (n + 1) + ")");
          return new SourceInfo(16, 16, 25, 0, 0, 0, true);
        }

        @Override public Frame grab() { return null; }
        @Override public void close() { closed.add(n); }
      };
    }
  }

  @Test
  void aSlowRefusalDoesNotHoldBackTheAttemptThatFindsTheCamera() throws Exception {
    // Attempt 1 takes 3 s to refuse; attempt 2 (started 100 ms later) opens at once; attempt 3 would open too.
    Camera camera = new Camera(new long[] {3_000, 0}, new boolean[] {false, true});
    long t0 = System.nanoTime();
    Reconnector.Result r = new Reconnector(camera, new Reconnect(100, 100, 0, 0), "camera").reopen(() -> false);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertNotNull(r.source());
    assertTrue(millis < 1_500, "found the camera while the slow attempt was still refusing: " + millis + " ms");
    // The slow attempt fails later and closes its own source; only the winner stays open.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!camera.closed.contains(0) && System.nanoTime() < deadline) Thread.sleep(20);
    assertTrue(camera.closed.contains(0), "the refused attempt closed its source");
    assertTrue(!camera.closed.contains(1), "the winner is left open for the caller");
    r.source().close();
  }

  @Test
  void attemptsThatRunOutEndWithAReasonAndCancellingReturnsNothing() throws Exception {
    Camera gone = new Camera(new long[] {0}, new boolean[] {false});
    Reconnector.Result r = new Reconnector(gone, new Reconnect(10, 10, 3, 0), "camera").reopen(() -> false);
    assertNull(r.source());
    assertEquals("gave up on camera after 3 reconnect attempts", r.gaveUp());
    assertEquals(3, gone.created.get());

    Camera slow = new Camera(new long[] {500}, new boolean[] {true});
    long cancelAt = System.nanoTime() + 100_000_000L;
    Reconnector.Result cancelled = new Reconnector(slow, new Reconnect(1_000, 1_000, 0, 0), "camera")
        .reopen(() -> System.nanoTime() > cancelAt);
    assertNull(cancelled.source());
    assertNull(cancelled.gaveUp());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (slow.closed.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
    assertEquals(List.of(0), slow.closed, "what the called-off attempt opened is closed by it");
  }
}
