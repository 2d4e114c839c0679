package io.segvid.render;

import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST_EXACT;
import static org.bytedeco.opencv.global.opencv_imgproc.applyColorMap;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Colourises a class-id mask with the palette, scales it to the frame with nearest neighbour and
 * alpha-blends it over the frame. All intermediate Mats are owned here and reused frame after frame.
 */
public final class Overlay implements AutoCloseable {

  private final Palette palette;
  private final double alpha;
  private final Mat mask = new Mat();
  private final Mat colored = new Mat();
  private final Mat coloredFull = new Mat();
  private final Size frameSize = new Size();
  /** The mask Mat's data pointer, refreshed only when the Mat is reallocated (data() makes a new object). */
  private org.bytedeco.javacpp.BytePointer maskData;

  public Overlay(Palette palette, double alpha) {
    this.palette = palette;
    this.alpha = alpha;
  }

  /** Writes {@code frame} blended with the colours of {@code ids} (maskH x maskW) into {@code out}. */
  public void render(Mat frame, byte[] ids, int maskH, int maskW, Mat out) {
    if (maskData == null || mask.rows() != maskH || mask.cols() != maskW) {
      mask.create(maskH, maskW, opencv_core.CV_8UC1);
      maskData = mask.data();
    }
    maskData.put(ids, 0, maskH * maskW);
    applyColorMap(mask, colored, palette.lut());
    if (alpha <= 0) {
      frame.copyTo(out);
      return;
    }
    Mat full = colored;
    if (maskH != frame.rows() || maskW != frame.cols()) {
      frameSize.width(frame.cols()).height(frame.rows());
      resize(colored, coloredFull, frameSize, 0, 0, INTER_NEAREST_EXACT);
      full = coloredFull;
    }
    addWeighted(frame, 1 - alpha, full, alpha, 0, out);
  }

  @Override
  public void close() {
    mask.close();
    colored.close();
    coloredFull.close();
    frameSize.close();
  }
}
