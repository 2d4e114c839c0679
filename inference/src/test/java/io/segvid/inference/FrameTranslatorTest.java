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
}
