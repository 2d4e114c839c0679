package io.segvid.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** Frames larger than the model's input are shrunk without losing fine detail to aliasing. */
class FrameTranslatorTest {

  /** A one-pixel white line every fourth column: a quarter of the light, which a 4x shrink must keep. */
  private static Mat thinLines(int rows, int cols) {
    Mat frame = new Mat(rows, cols, opencv_core.CV_8UC3, new Scalar(0, 0, 0, 0));
    try (UByteIndexer px = frame.createIndexer()) {
      for (int y = 0; y < rows; y++) {
        for (int x = 0; x < cols; x += 4) {
          for (int c = 0; c < 3; c++) px.put(y, x, c, 255);
        }
      }
    }
    return frame;
  }

  private static double mean(byte[] pixels) {
    long sum = 0;
    for (byte b : pixels) sum += b & 0xff;
    return sum / (double) pixels.length;
  }

  @Test
  void aFullHdFrameShrunkFourTimesKeepsItsThinLinesAsGrey() {
    // Bilinear reads the two columns nearest each output pixel's centre (4x+1, 4x+2): both black,
    // so the lines vanish (mean 0); averaging the footprint gives a quarter of white everywhere.
    InputSize size = new InputSize(270, 480);
    try (Mat frame = thinLines(1080, 1920); FrameTranslator translator = new FrameTranslator(size, 1080, 1920)) {
      byte[] input = new byte[size.pixels() * 3];
      translator.toInput(frame, input);
      assertEquals(255 / 4.0, mean(input), 2.0, "mean of the model input");
    }
  }

  @Test
  void theOfflinePathShrinksTheSameWay() {
    int rows = 720;
    int cols = 960;
    byte[] rgb = new byte[rows * cols * 3];
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < cols; x += 4) {
        for (int c = 0; c < 3; c++) rgb[(y * cols + x) * 3 + c] = (byte) 255;
      }
    }
    byte[] input = FrameTranslator.imageInput(rgb, rows, cols, new InputSize(180, 240));
    assertEquals(255 / 4.0, mean(input), 2.0, "mean of the model input");
  }

  /**
   * Class masks go back to the frame centre-aligned, as the picture came to the model: a mask that is its
   * own mirror image stays one at any frame size. (OpenCV's plain nearest neighbour reads floor(x * scale)
   * and drifts the mask up to one input pixel towards the top left: [0,1,2] became [0,0,1,2].)
   */
  @Test
  void aMirrorSymmetricMaskStaysSymmetricOnAnyFrameSize() {
    InputSize size = new InputSize(3, 5);
    byte[] ids = {0, 1, 2, 1, 0, 3, 4, 5, 4, 3, 0, 1, 2, 1, 0};
    for (int[] frame : new int[][] {{4, 7}, {4, 8}, {5, 9}, {7, 13}, {2, 3}}) {
      byte[] back = FrameTranslator.imageMask(ids, size, frame[0], frame[1]);
      try (FrameTranslator translator = new FrameTranslator(size, frame[0], frame[1])) {
        Mat live = translator.toFrameMask(ids);
        try (UByteIndexer px = live.createIndexer()) {
          for (int y = 0; y < frame[0]; y++) {
            for (int x = 0; x < frame[1]; x++) {
              int w = frame[1];
              assertEquals(back[y * w + x], back[y * w + (w - 1 - x)], "offline mask at " + y + "," + x + " of " + w);
              assertEquals(back[y * w + x] & 0xff, px.get(y, x), "live and offline masks differ");
            }
          }
        }
      }
    }
  }
}
