package io.segvid.inference;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST_EXACT;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The one place a frame becomes model input and the model's output becomes a mask at the frame's
 * size: a BGR frame of any size to RGB bytes at the {@link InputSize} the model prefers for it
 * (area-averaged when shrinking, bilinear when enlarging), and class ids at that size back to the
 * frame's size (nearest neighbour, so no class is invented at a boundary). The pipeline, the mask
 * sink, segment-images, evaluate and the benchmark all go through here, so a mask means the same
 * thing wherever it was made.
 *
 * <p>An instance serves one frame size and owns the Mats it writes into (made once, reused for
 * every frame); it is used by one thread. The static methods serve offline tools (one image at a
 * time, byte arrays).
 */
public final class FrameTranslator implements AutoCloseable {

  private final InputSize size;
  private final Size inputCvSize;
  private final Size frameCvSize;
  /** How frames are resized to the input: fixed by the two sizes, so chosen once. */
  private final int inputInterpolation;
  private final Mat resized;
  private final Mat rgb;
  /** Made once: {@code Mat.data()} returns a new pointer object on every call. */
  private final BytePointer rgbData;
  private final Mat inputMask;
  private final BytePointer inputMaskData;
  private final Mat frameMask;

  public FrameTranslator(InputSize size, int frameHeight, int frameWidth) {
    this.size = size;
    this.inputCvSize = new Size(size.width(), size.height());
    this.frameCvSize = new Size(frameWidth, frameHeight);
    this.inputInterpolation = Resize.pictureInterpolation(frameHeight, frameWidth, size.height(), size.width());
    // Allocated at their final sizes, so OpenCV writes into them in place for every frame.
    this.resized = new Mat(size.height(), size.width(), opencv_core.CV_8UC3);
    this.rgb = new Mat(size.height(), size.width(), opencv_core.CV_8UC3);
    this.rgbData = rgb.data();
    this.inputMask = new Mat(size.height(), size.width(), opencv_core.CV_8UC1);
    this.inputMaskData = inputMask.data();
    this.frameMask = new Mat(frameHeight, frameWidth, opencv_core.CV_8UC1);
  }

  /** For frames of {@code frameHeight x frameWidth} and this model. */
  public static FrameTranslator forFrame(int frameHeight, int frameWidth, ModelMetadata meta) {
    return new FrameTranslator(InputSize.forFrame(frameHeight, frameWidth, meta), frameHeight, frameWidth);
  }

  public InputSize inputSize() {
    return size;
  }

  /** A BGR frame (any size) to model input: RGB, {@code inputSize()}, row-major, into {@code out}. */
  public void toInput(Mat bgr, byte[] out) {
    Mat src = bgr;
    if (bgr.rows() != size.height() || bgr.cols() != size.width()) {
      resize(bgr, resized, inputCvSize, 0, 0, inputInterpolation);
      src = resized;
    }
    cvtColor(src, rgb, COLOR_BGR2RGB);
    rgbData.get(out, 0, size.pixels() * 3);
  }

  /**
   * Class ids at the input size to a mask at the frame size. The Mat is owned here and holds the
   * result until the next call.
   */
  public Mat toFrameMask(byte[] ids) {
    inputMaskData.put(ids, 0, size.pixels());
    if (frameMask.rows() == size.height() && frameMask.cols() == size.width()) {
      inputMask.copyTo(frameMask);
    } else {
      resize(inputMask, frameMask, frameCvSize, 0, 0, INTER_NEAREST_EXACT);
    }
    return frameMask;
  }

  /** An RGB image (row-major bytes, {@code h x w}) to model input at {@code size}. */
  public static byte[] imageInput(byte[] rgb, int h, int w, InputSize size) {
    return Resize.rgb(rgb, h, w, size.height(), size.width());
  }

  /** Class ids at {@code size} to class ids at the image's {@code h x w}. */
  public static byte[] imageMask(byte[] ids, InputSize size, int h, int w) {
    return Resize.mask(ids, size.height(), size.width(), h, w);
  }

  /** One RGB image through the model: its class ids at the image's own size. */
  public static byte[] segmentImage(Segmenter segmenter, byte[] rgb, int h, int w) {
    InputSize size = InputSize.forFrame(h, w, segmenter.metadata());
    byte[][] masks = {new byte[size.pixels()]};
    segmenter.segment(new byte[][] {imageInput(rgb, h, w, size)}, 1, size.height(), size.width(), masks);
    return imageMask(masks[0], size, h, w);
  }

  @Override
  public void close() {
    rgbData.close();
    inputMaskData.close();
    resized.close();
    rgb.close();
    inputMask.close();
    frameMask.close();
    inputCvSize.close();
    frameCvSize.close();
  }
}
