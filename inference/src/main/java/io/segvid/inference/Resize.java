package io.segvid.inference;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST_EXACT;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** Byte-array resizes for {@link FrameTranslator}'s offline path (images in folders). */
final class Resize {

  private Resize() { }

  /** Resize of RGB bytes, filtered as {@link #pictureInterpolation} says. */
  static byte[] rgb(byte[] src, int h, int w, int nh, int nw) {
    return run(src, h, w, opencv_core.CV_8UC3, nh, nw, pictureInterpolation(h, w, nh, nw), 3);
  }

  /**
   * How a picture is resized from {@code h x w} to {@code nh x nw}: shrinking averages each output
   * pixel's whole footprint (area), since bilinear reads only the 2x2 pixels nearest its centre and
   * aliases fine texture once the factor passes 2 (a 1080p camera to a 270-line input is 4x);
   * enlarging is bilinear.
   */
  static int pictureInterpolation(int h, int w, int nh, int nw) {
    return nh <= h && nw <= w ? INTER_AREA : INTER_LINEAR;
  }

  /** Nearest-neighbour resize of a class-id mask (never invents ids). */
  static byte[] mask(byte[] src, int h, int w, int nh, int nw) {
    return run(src, h, w, opencv_core.CV_8UC1, nh, nw, INTER_NEAREST_EXACT, 1);
  }

  private static byte[] run(byte[] src, int h, int w, int type, int nh, int nw, int interpolation, int channels) {
    if (h == nh && w == nw) return src.clone();
    try (PointerScope scope = new PointerScope()) {
      Mat in = new Mat(h, w, type, new BytePointer(src));
      Mat out = new Mat(nh, nw, type);
      resize(in, out, new Size(nw, nh), 0, 0, interpolation);
      byte[] result = new byte[nh * nw * channels];
      out.data().get(result);
      return result;
    }
  }
}
