package io.segvid.output;

import java.util.IdentityHashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A sink's JavaCV Frame and pointer views of a fixed set of Mats that keep their buffers: the ring's
 * rendered Mats, or a mailbox's two. Each view is made once per Mat (and again if the Mat changes
 * shape) and found again by the Mat's identity: JavaCV's converter, and {@code Mat.data()}, allocate a
 * wrapper on every call. One per sink (used from one thread only); {@link #close()} when the sink closes.
 */
final class RenderedViews implements AutoCloseable {

  private final Map<Mat, View> views = new IdentityHashMap<>();

  /** The Mat as a JavaCV Frame sharing its pixels. */
  Frame frame(Mat mat) {
    return view(mat).frame;
  }

  /** The Mat's pixels (rows of {@code cols * channels} bytes: the ring's Mats are continuous). */
  BytePointer data(Mat mat) {
    return view(mat).data;
  }

  private View view(Mat mat) {
    View v = views.get(mat);
    if (v == null || v.rows != mat.rows() || v.cols != mat.cols() || v.type != mat.type()) {
      if (v != null) v.converter.close();
      v = new View(mat);
      views.put(mat, v);
    }
    return v;
  }

  @Override
  public void close() {
    for (View v : views.values()) v.converter.close();
    views.clear();
  }

  private static final class View {
    final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    final Frame frame;
    final BytePointer data;
    final int rows;
    final int cols;
    final int type;

    View(Mat mat) {
      frame = converter.convert(mat);
      data = mat.data();
      rows = mat.rows();
      cols = mat.cols();
      type = mat.type();
    }
  }
}
