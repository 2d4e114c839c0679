package io.segvid.pipeline.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * Streams of different sizes share the ring's slots (cameras of 1080p and 720p in one run): a slot
 * taken by one stream after another must keep its preallocated pixels rather than let OpenCV
 * reallocate its Mats for the other size, every frame.
 */
class FrameSlotTest {

  @Test
  void streamsOfDifferentSizesReuseTheSlotsStoresEveryFrame() {
    FrameSlot slot = new FrameSlot();
    try (Mat large = filled(240, 320, 10); Mat small = filled(120, 160, 200)) {
      slot.preallocate(16 * 16, new int[] {240, 120}, new int[] {320, 160}, 0);
      long frameStore = slot.frame.data().address();
      long renderedStore = slot.rendered.data().address();
      for (int round = 0; round < 3; round++) {
        for (int stream = 0; stream < 2; stream++) {
          Mat source = stream == 0 ? large : small;
          slot.useStream(stream);
          source.copyTo(slot.frame);
          opencv_core.bitwise_not(slot.frame, slot.rendered);
          assertEquals(source.rows(), slot.frame.rows(), "stream " + stream + " frame at its own size");
          assertEquals(source.cols(), slot.rendered.cols(), "stream " + stream + " rendered at its own size");
          assertEquals(frameStore, slot.frame.data().address(), "stream " + stream + ", round " + round
              + ": the frame was reallocated");
          assertEquals(renderedStore, slot.rendered.data().address(), "stream " + stream + ", round " + round
              + ": the rendered frame was reallocated");
          assertArrayEquals(pixels(source), pixels(slot.frame), "the copy holds the stream's pixels");
        }
      }
    } finally {
      slot.release();
    }
  }

  private static Mat filled(int rows, int cols, int value) {
    Mat m = new Mat(rows, cols, opencv_core.CV_8UC3);
    try (Scalar s = new Scalar(value, value + 1, value + 2, 0)) {
      m.put(s);
    }
    m.ptr(rows - 1, cols - 1).put((byte) 7);  // the last pixel differs: the whole frame was copied
    return m;
  }

  private static byte[] pixels(Mat m) {
    byte[] b = new byte[m.rows() * m.cols() * 3];
    m.data().get(b);
    return b;
  }
}
