package io.segvid.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

/** The browser view's frame hand-over: buffers are reused, and a frame a viewer is sending is never overwritten. */
class SharedJpegTest {

  @Test
  void aHeldFrameStaysIntactWhileNewerOnesReuseAFewBuffers() throws Exception {
    SharedJpeg shared = new SharedJpeg();
    try (BytePointer native1 = new BytePointer(4096)) {
      assertNull(shared.acquireNewer(-1, 10, () -> false), "nothing published yet");
      publish(shared, native1, 1, 1000);
      SharedJpeg.Held slowViewer = shared.acquireNewer(-1, 10, () -> false);
      assertNotNull(slowViewer);
      byte[] seen = Arrays.copyOf(slowViewer.bytes(), slowViewer.length());
      long seenVersion = slowViewer.version();
      for (int i = 2; i <= 200; i++) {
        publish(shared, native1, i, 1000 + i * 10);  // frames vary in size, as JPEGs do
        SharedJpeg.Held fastViewer = shared.acquireNewer(seenVersion, 10, () -> false);
        assertNotNull(fastViewer, "a newer frame is there");
        assertEquals(1000 + i * 10, fastViewer.length());
        assertEquals((byte) i, fastViewer.bytes()[fastViewer.length() - 1], "the newest frame's content");
        seenVersion = fastViewer.version();
        shared.release(fastViewer);
      }
      assertArrayEquals(seen, Arrays.copyOf(slowViewer.bytes(), slowViewer.length()), "the held frame was not touched");
      shared.release(slowViewer);
      assertNull(shared.acquireNewer(seenVersion, 10, () -> false), "no frame newer than the last one seen");
      assertTrue(shared.bufferCount() <= 3, "buffers reused: " + shared.bufferCount());
    }
  }

  @Test
  void aStopWakesAWaitingViewer() throws Exception {
    SharedJpeg shared = new SharedJpeg();
    long start = System.nanoTime();
    assertNull(shared.acquireNewer(-1, 60_000, () -> true));
    assertTrue(System.nanoTime() - start < 10_000_000_000L, "returned at once on stop");
  }

  private static void publish(SharedJpeg shared, BytePointer buffer, int fill, int length) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) fill);
    buffer.position(0).put(bytes, 0, length);
    buffer.position(0).limit(length);
    shared.publish(buffer);
  }
}
