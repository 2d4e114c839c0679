package io.segvid.render;

import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Frames per second and capture-to-render latency, top left, sized to the frame (OverlayScale). The text is
 * rebuilt twice a second, not per frame, and written as ASCII straight into a reused native buffer: no String,
 * no Formatter.
 */
public final class HudPainter implements AutoCloseable {

  private static final long REFRESH_NANOS = 500_000_000L;
  private static final int BOX_RIGHT = 230;
  private static final int BOX_BOTTOM = 26;
  private final Scalar white = new Scalar(255, 255, 255, 0);
  private final Scalar shade = new Scalar(0, 0, 0, 0);
  private final Point p1 = new Point();
  private final Point p2 = new Point();
  private final byte[] text = new byte[64];
  private int textLength;
  private final org.bytedeco.javacpp.BytePointer nativeText = new org.bytedeco.javacpp.BytePointer(64);
  private long windowStart;
  private int windowFrames;
  private double latencySumMs;

  /** Accounts one frame rendered at {@code nowNanos} that was captured {@code latencyNanos} ago. */
  public void frame(long nowNanos, long latencyNanos) {
    if (windowStart == 0) windowStart = nowNanos;
    windowFrames++;
    latencySumMs += latencyNanos / 1e6;
    long elapsed = nowNanos - windowStart;
    if (elapsed >= REFRESH_NANOS) {
      long fpsTenths = Math.round(windowFrames * 1e10 / elapsed);
      textLength = 0;
      append(fpsTenths / 10);
      append(".");
      append(fpsTenths % 10);
      append(" fps  latency ");
      append(Math.round(latencySumMs / windowFrames));
      append(" ms");
      text[textLength] = 0;
      nativeText.position(0).put(text, 0, textLength + 1);
      windowStart = nowNanos;
      windowFrames = 0;
      latencySumMs = 0;
    }
  }

  /** The text as drawn, e.g. "29.5 fps  latency 120 ms" (empty until the first half second is over). */
  public String text() {
    return new String(text, 0, textLength, java.nio.charset.StandardCharsets.US_ASCII);
  }

  private void append(String s) {
    for (int i = 0; i < s.length() && textLength < text.length - 1; i++) text[textLength++] = (byte) s.charAt(i);
  }

  private void append(long value) {
    if (value < 0) {
      append("-");
      value = -value;
    }
    long div = 1;
    while (div <= value / 10) div *= 10;
    for (; div > 0 && textLength < text.length - 1; div /= 10) text[textLength++] = (byte) ('0' + value / div % 10);
  }

  public void paint(Mat frame) {
    if (textLength == 0) return;
    double s = OverlayScale.of(frame.rows(), frame.cols());
    rectangle(frame, p1.x(OverlayScale.px(s, 4)).y(OverlayScale.px(s, 4)),
        p2.x(boxRight(s)).y(boxBottom(s)), shade, -1, 8, 0);
    putText(frame, nativeText, p1.x(OverlayScale.px(s, 10)).y(OverlayScale.px(s, 20)), FONT_HERSHEY_SIMPLEX, 0.5 * s,
        white, OverlayScale.px(s, 1), LINE_AA, false);
  }

  /** Where the HUD's box ends on a frame drawn at {@code scale}: what the legend keeps clear of. */
  static int boxRight(double scale) {
    return OverlayScale.px(scale, BOX_RIGHT);
  }

  static int boxBottom(double scale) {
    return OverlayScale.px(scale, BOX_BOTTOM);
  }

  @Override
  public void close() {
    white.close();
    shade.close();
    p1.close();
    p2.close();
    nativeText.close();
  }
}
