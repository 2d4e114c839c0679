package io.segvid.pipeline;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.segvid.pipeline.ring.FrameSlot;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;

/**
 * Several sinks of one stream read the same slot at once, each on its own thread. Every one of them
 * must get the complete rendered frame: a half-built wrapper (no image yet) made an encoder flush and
 * fail a recording when two file sinks started together.
 */
class FrameSlotTest {

  @Test
  void sinksReadingOneSlotAtOnceAllGetTheWholeFrame() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 300; round++) {
        FrameSlot slot = new FrameSlot();
        // As the renderer leaves it when a stream's size differs from the preallocated one.
        slot.rendered.create(36 + round % 3, 64, org.bytedeco.opencv.global.opencv_core.CV_8UC3);
        CyclicBarrier start = new CyclicBarrier(4);
        @SuppressWarnings("unchecked")
        Future<Frame>[] reads = new Future[4];
        for (int t = 0; t < reads.length; t++) {
          reads[t] = pool.submit(() -> {
            start.await();
            Frame f = slot.renderedFrame();
            assertNotNull(f.image, "frame without its image");
            return f;
          });
        }
        Frame first = reads[0].get(10, TimeUnit.SECONDS);
        for (Future<Frame> r : reads) assertSame(first, r.get(10, TimeUnit.SECONDS), "one wrapper per slot");
        slot.release();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
