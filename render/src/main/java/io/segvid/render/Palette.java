package io.segvid.render;

import io.segvid.inference.ClassInfo;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/** The model's class colours as a 256x1 BGR lookup table for applyColorMap; ids without a class are black. */
public final class Palette implements AutoCloseable {

  private final Mat lut;
  private final List<ClassInfo> classes;

  public Palette(List<ClassInfo> classes) {
    this.classes = List.copyOf(classes);
    byte[] table = new byte[256 * 3];
    for (ClassInfo c : classes) {
      if (c.id() < 0 || c.id() > 255) continue;
      table[c.id() * 3] = (byte) c.blue();
      table[c.id() * 3 + 1] = (byte) c.green();
      table[c.id() * 3 + 2] = (byte) c.red();
    }
    lut = new Mat(256, 1, opencv_core.CV_8UC3);
    lut.data().put(table);
  }

  public Mat lut() {
    return lut;
  }

  public List<ClassInfo> classes() {
    return classes;
  }

  @Override
  public void close() {
    lut.close();
  }

  /** For tests: the BGR colour of a class id. */
  public int[] bgr(int id) {
    BytePointer p = lut.data();
    return new int[] {p.get(id * 3L) & 0xff, p.get(id * 3L + 1) & 0xff, p.get(id * 3L + 2) & 0xff};
  }
}
