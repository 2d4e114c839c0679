package io.segvid.render;

import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Frames per second and capture-to-render latency, top left. The text is rebuilt twice a second, not
 * per frame, so the frame path does not allocate strings.
 */
public final class HudPainter implements AutoCloseable {

  private static final long REFRESH_NANOS = 500_000_000L;
  private final Scalar white = new Scalar(255, 255, 255, 0);
  private final Scalar shade = new Scalar(0, 0, 0, 0);
  private final Point p1 = new Point();
  private final Point p2 = new Point();
  private String text = "";
  private org.bytedeco.javacpp.BytePointer nativeText = new org.bytedeco.javacpp.BytePointer("");
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
      text = String.format(Locale.ROOT, "%.1f fps  latency %.0f ms", windowFrames * 1e9 / elapsed, latencySumMs / windowFrames);
      nativeText.close();
      nativeText = new org.bytedeco.javacpp.BytePointer(text);
      windowStart = nowNanos;
      windowFrames = 0;
      latencySumMs = 0;
    }
  }

  public void paint(Mat frame) {
    if (text.isEmpty()) return;
    rectangle(frame, p1.x(4).y(4), p2.x(230).y(26), shade, -1, 8, 0);
    putText(frame, nativeText, p1.x(10).y(20), FONT_HERSHEY_SIMPLEX, 0.5, white, 1, LINE_AA, false);
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
