package io.segvid.pipeline.stage;

import java.nio.Buffer;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A Mat over a source frame's pixels, made again only when the frame brings another buffer or
 * shape. Sources reuse one buffer for every frame, so this is made once; JavaCV's converter, asked
 * every frame, allocates pointer wrappers just to find out that nothing changed.
 */
final class FrameMatView implements AutoCloseable {

  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private Buffer buffer;
  private int width;
  private int height;
  private int stride;
  private int channels;
  private Mat mat;

  Mat of(Frame f) {
    Buffer b = f.image[0];
    if (mat == null || b != buffer || f.imageWidth != width || f.imageHeight != height || f.imageStride != stride
        || f.imageChannels != channels) {
      mat = converter.convert(f);
      buffer = b;
      width = f.imageWidth;
      height = f.imageHeight;
      stride = f.imageStride;
      channels = f.imageChannels;
    }
    return mat;
  }

  @Override
  public void close() {
    converter.close();
  }
}
