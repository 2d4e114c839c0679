package io.segvid.capture;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_display_rotation_get;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.Frame;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decoded pictures to BGR24 at the size the stream opened with, turned upright when the stream's
 * display matrix says so (as players do). Owns its scaler and buffers, made once; the output
 * {@link Frame} is the same object for every picture. Used by the decoder's thread only.
 *
 * <p>swscale's SIMD converters store whole pixel groups, so they write past a row's last pixel when
 * the width is not a multiple of the group. FFmpeg's own frames leave room for that, and so do the
 * buffers swscale writes here: rows padded to {@value #ROW_ALIGN_PIXELS} pixels and slack after the
 * last row. With rows packed edge to edge and nothing after them, the last row's overrun landed on
 * the heap (the JVM aborted on 333- and 1000-pixel-wide videos); aligned rows are also what
 * swscale's vector stores expect.
 */
final class BgrConverter implements AutoCloseable {

  private static final int ROW_ALIGN_PIXELS = 64;
  private static final int TAIL_PADDING_BYTES = 256;

  /** Size of the pictures handed out (upright). */
  private final int width;
  private final int height;
  /** Size of the decoded pictures (as stored). */
  private final int codedWidth;
  private final int codedHeight;
  /** OpenCV rotate code that makes the picture upright (phone footage), or -1. */
  private final int rotateCode;
  private final BytePointer image;
  private final BytePointer coded;
  private final Mat codedMat;
  private final Mat imageMat;
  private final PointerPointer<?> imagePlanes;
  private final IntPointer imageStrides;
  private final Frame frame = new Frame();
  private SwsContext scaler;
  private int scalerWidth;
  private int scalerHeight;
  private int scalerFormat = -1;

  BgrConverter(int codedWidth, int codedHeight, AVCodecParameters parameters) {
    this.codedWidth = codedWidth;
    this.codedHeight = codedHeight;
    this.rotateCode = rotateCode(parameters);
    boolean quarterTurn = rotateCode == opencv_core.ROTATE_90_CLOCKWISE || rotateCode == opencv_core.ROTATE_90_COUNTERCLOCKWISE;
    width = quarterTurn ? codedHeight : codedWidth;
    height = quarterTurn ? codedWidth : codedHeight;
    int scaledStride = paddedStride(codedWidth);
    BytePointer target;
    int imageStride;
    if (rotateCode >= 0) {
      // Decoded pictures are converted at their coded size, then turned upright into the image
      // (OpenCV writes only inside the rows it is given, so the image can be packed).
      coded = new BytePointer((long) scaledStride * codedHeight + TAIL_PADDING_BYTES);
      codedMat = new Mat(codedHeight, codedWidth, opencv_core.CV_8UC3, coded, scaledStride);
      imageStride = width * 3;
      image = new BytePointer((long) imageStride * height);
      imageMat = new Mat(height, width, opencv_core.CV_8UC3, image);
      target = coded;
    } else {
      coded = null;
      codedMat = null;
      imageMat = null;
      imageStride = scaledStride;
      image = new BytePointer((long) scaledStride * height + TAIL_PADDING_BYTES);
      target = image;
    }
    imagePlanes = new PointerPointer<>(1).put(0, target);
    imageStrides = new IntPointer(1).put(0, scaledStride);
    frame.imageWidth = width;
    frame.imageHeight = height;
    frame.imageDepth = Frame.DEPTH_UBYTE;
    frame.imageChannels = 3;
    frame.imageStride = imageStride;
    frame.image = new java.nio.Buffer[] {image.asByteBuffer()};
    frame.type = Frame.Type.VIDEO;
  }

  /** Bytes per BGR row that swscale may fill: the width rounded up to {@link #ROW_ALIGN_PIXELS}. */
  private static int paddedStride(int width) {
    return 3 * ((width + ROW_ALIGN_PIXELS - 1) / ROW_ALIGN_PIXELS * ROW_ALIGN_PIXELS);
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  /** Converts {@code f} (its planes and strides as cached views) into the output frame, returned. */
  Frame convert(AVFrame f, PointerPointer<?> planes, IntPointer strides) throws SourceException {
    int w = f.width();
    int h = f.height();
    int fmt = f.format();
    if (scaler == null || w != scalerWidth || h != scalerHeight || fmt != scalerFormat) {
      // First picture, or the stream changed size or format mid-way: frames keep the size it opened with.
      if (scaler != null) sws_freeContext(scaler);
      scaler = sws_getContext(w, h, fmt, codedWidth, codedHeight, AV_PIX_FMT_BGR24, SWS_BILINEAR, null, null,
          (org.bytedeco.javacpp.DoublePointer) null);
      if (scaler == null) throw new SourceException("cannot convert " + w + "x" + h + " video (pixel format " + fmt + ")");
      scalerWidth = w;
      scalerHeight = h;
      scalerFormat = fmt;
    }
    sws_scale(scaler, planes, strides, 0, h, imagePlanes, imageStrides);
    if (rotateCode >= 0) opencv_core.rotate(codedMat, imageMat, rotateCode);
    return frame;
  }

  /**
   * The rotation a player applies from the stream's display matrix (phone videos are stored sideways
   * with one), as an OpenCV rotate code; -1 when there is none or it is not a quarter turn.
   */
  private static int rotateCode(AVCodecParameters parameters) {
    AVPacketSideData side = av_packet_side_data_get(parameters.coded_side_data(), parameters.nb_coded_side_data(),
        AV_PKT_DATA_DISPLAYMATRIX);
    if (side == null || side.isNull() || side.size() < 36) return -1;
    // The matrix angle is anticlockwise; as a clockwise turn it is the negative (what FFmpeg's CLI applies).
    double counterClockwise = av_display_rotation_get(new IntPointer(side.data()));
    if (Double.isNaN(counterClockwise)) return -1;
    long clockwise = Math.floorMod(-Math.round(counterClockwise), 360);
    return switch ((int) clockwise) {
      case 90 -> opencv_core.ROTATE_90_CLOCKWISE;
      case 180 -> opencv_core.ROTATE_180;
      case 270 -> opencv_core.ROTATE_90_COUNTERCLOCKWISE;
      default -> -1;
    };
  }

  @Override
  public void close() {
    if (scaler != null) {
      sws_freeContext(scaler);
      scaler = null;
    }
    for (Pointer p : new Pointer[] {codedMat, imageMat, coded, image, imagePlanes, imageStrides}) {
      if (p != null) p.close();
    }
  }
}
