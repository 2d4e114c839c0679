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

/** Draws a swatch and name for each class present in the frame, top right. Drawing objects are made once. */
public final class LegendPainter implements AutoCloseable {

  private static final int ROW = 18;
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

  public void paint(Mat frame) {
    int x = Math.max(0, frame.cols() - 150);
    int y = 8;
    for (int i = 0; i < classes.size(); i++) {
      if (!present[i]) continue;
      rectangle(frame, p1.x(x - 4).y(y - 2), p2.x(frame.cols() - 4).y(y + ROW - 2), shade, -1, 8, 0);
      rectangle(frame, p1.x(x).y(y + 2), p2.x(x + 12).y(y + 14), colors[i], -1, 8, 0);
      putText(frame, names[i], p1.x(x + 18).y(y + 13), FONT_HERSHEY_SIMPLEX, 0.45, white, 1, LINE_AA, false);
      y += ROW;
    }
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
