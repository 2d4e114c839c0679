package io.segvid.pipeline.stage;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.segvid.inference.InputSize;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** Frame (BGR, any size) to model input (RGB bytes at the model size), through Mats owned here. */
public final class Preprocessor implements AutoCloseable {

  private final InputSize size;
  private final Size cvSize;
  private final Mat resized;
  private final Mat rgb;
  /** Made once: {@code Mat.data()} returns a new pointer object on every call. */
  private final BytePointer rgbData;

  public Preprocessor(InputSize size) {
    this.size = size;
    this.cvSize = new Size(size.width(), size.height());
    // Allocated at their final size, so OpenCV writes into them in place for every frame.
    this.resized = new Mat(size.height(), size.width(), opencv_core.CV_8UC3);
    this.rgb = new Mat(size.height(), size.width(), opencv_core.CV_8UC3);
    this.rgbData = rgb.data();
  }

  public void apply(Mat bgr, byte[] out) {
    Mat src = bgr;
    if (bgr.rows() != size.height() || bgr.cols() != size.width()) {
      resize(bgr, resized, cvSize, 0, 0, INTER_LINEAR);
      src = resized;
    }
    cvtColor(src, rgb, COLOR_BGR2RGB);
    rgbData.get(out, 0, size.pixels() * 3);
  }

  @Override
  public void close() {
    rgbData.close();
    resized.close();
    rgb.close();
    cvSize.close();
  }
}
