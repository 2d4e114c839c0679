package io.segvid.trainer.data;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Scales and rotates an image and its labels in one affine warp about their centres ({@code train
 * --rotate}): one interpolation for the pixels (bilinear), nearest neighbour for the labels, through the
 * same matrix, so they stay aligned. What the rotation brings in from outside the image is black and
 * carries the given out-of-image label, which the loss ignores.
 */
final class ScaleRotate {

  private ScaleRotate() { }

  /**
   * The image and labels of {@code src} scaled by {@code scale} and turned {@code degrees}
   * counter-clockwise, as {rgb, labels} of {@code outH x outW}.
   */
  static byte[][] warp(LabelledImage src, float scale, double degrees, int outH, int outW, int outsideLabel) {
    double a = Math.toRadians(degrees);
    double cos = scale * Math.cos(a);
    double sin = scale * Math.sin(a);
    // Pixel centres: the source centre lands on the output centre.
    double cx = (src.width() - 1) / 2.0;
    double cy = (src.height() - 1) / 2.0;
    double ox = (outW - 1) / 2.0;
    double oy = (outH - 1) / 2.0;
    double[] m = {cos, sin, ox - cos * cx - sin * cy, -sin, cos, oy + sin * cx - cos * cy};
    try (DoublePointer values = new DoublePointer(m);
         Mat matrix = new Mat(2, 3, opencv_core.CV_64F, values);
         BytePointer rgbData = new BytePointer(src.rgb());
         BytePointer labelData = new BytePointer(src.labels());
         Mat rgb = new Mat(src.height(), src.width(), opencv_core.CV_8UC3, rgbData);
         Mat labels = new Mat(src.height(), src.width(), opencv_core.CV_8UC1, labelData);
         Mat rgbOut = new Mat();
         Mat labelsOut = new Mat();
         Size size = new Size(outW, outH);
         Scalar black = new Scalar(0.0);
         Scalar outside = new Scalar(outsideLabel)) {
      warpAffine(rgb, rgbOut, matrix, size, INTER_LINEAR, BORDER_CONSTANT, black);
      warpAffine(labels, labelsOut, matrix, size, INTER_NEAREST, BORDER_CONSTANT, outside);
      return new byte[][] {LabelledImageFolder.bytes(rgbOut), LabelledImageFolder.bytes(labelsOut)};
    }
  }
}
