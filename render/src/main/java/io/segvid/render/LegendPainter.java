package io.segvid.render;

import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import io.segvid.inference.ClassInfo;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Draws a swatch and name for each class present in the frame, top right, sized to the frame (OverlayScale).
 * Drawing objects are made once.
 */
public final class LegendPainter implements AutoCloseable {

  private static final int ROW = 18;
  private static final int COLUMN = 150;
  private final List<ClassInfo> classes;
  private final Scalar[] colors;
  private final Scalar white = new Scalar(255, 255, 255, 0);
  private final Scalar shade = new Scalar(0, 0, 0, 0);
  private final Point p1 = new Point();
  private final Point p2 = new Point();
  private final boolean[] present;
  /** Names as native strings, made once: putText(String) would convert on every frame. */
  private final org.bytedeco.javacpp.BytePointer[] names;

  public LegendPainter(List<ClassInfo> classes) {
    this.classes = List.copyOf(classes);
    this.colors = new Scalar[classes.size()];
    for (int i = 0; i < colors.length; i++) {
      ClassInfo c = classes.get(i);
      colors[i] = new Scalar(c.blue(), c.green(), c.red(), 0);
    }
    present = new boolean[256];
    names = new org.bytedeco.javacpp.BytePointer[classes.size()];
    for (int i = 0; i < names.length; i++) names[i] = new org.bytedeco.javacpp.BytePointer(classes.get(i).name());
  }

  /** Marks which classes occur in {@code ids}; ignores ids outside the model's classes. */
  public void scan(byte[] ids, int length) {
    java.util.Arrays.fill(present, false);
    for (int i = 0; i < length; i++) present[ids[i] & 0xff] = true;
  }

  public boolean isPresent(int id) {
    return present[id];
  }

  /**
   * Paints the legend; with {@code hudShown}, below the HUD's box where a narrow frame would put the two
   * together. Rows that would run off the bottom of a short frame go on in a column to the left; classes
   * for which no column is left are not listed.
   */
  public void paint(Mat frame, boolean hudShown) {
    double s = OverlayScale.of(frame.rows(), frame.cols());
    int row = OverlayScale.px(s, ROW);
    int columnWidth = OverlayScale.px(s, COLUMN);
    int top = OverlayScale.px(s, 8);
    int pad = OverlayScale.px(s, 4);
    int lift = OverlayScale.px(s, 2);
    int swatch = OverlayScale.px(s, 12);
    int textOffset = OverlayScale.px(s, 18);
    int baseline = OverlayScale.px(s, 13);
    int stroke = OverlayScale.px(s, 1);
    int right = frame.cols() - pad;
    int x = Math.max(0, frame.cols() - columnWidth);
    int columnTop = columnTop(x, pad, top, s, hudShown);
    int y = columnTop;
    for (int i = 0; i < classes.size(); i++) {
      if (!present[i]) continue;
      if (y + row - lift > frame.rows() && y > columnTop) {
        right = x - 2 * pad;
        x -= columnWidth;
        if (x < 0) return;
        columnTop = columnTop(x, pad, top, s, hudShown);
        y = columnTop;
      }
      rectangle(frame, p1.x(x - pad).y(y - lift), p2.x(right).y(y + row - lift), shade, -1, 8, 0);
      rectangle(frame, p1.x(x).y(y + lift), p2.x(x + swatch).y(y + lift + swatch), colors[i], -1, 8, 0);
      putText(frame, names[i], p1.x(x + textOffset).y(y + baseline), FONT_HERSHEY_SIMPLEX, 0.45 * s, white, stroke,
          LINE_AA, false);
      y += row;
    }
  }

  /** Where a column starting at {@code x} begins: below the HUD's box if the two would meet. */
  private static int columnTop(int x, int pad, int top, double s, boolean hudShown) {
    return hudShown && x - pad <= HudPainter.boxRight(s) ? top + HudPainter.boxBottom(s) : top;
  }

  @Override
  public void close() {
    for (Scalar s : colors) s.close();
    for (org.bytedeco.javacpp.BytePointer n : names) n.close();
    white.close();
    shade.close();
    p1.close();
    p2.close();
  }
}
