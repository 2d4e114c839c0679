package io.segvid.inference;

/**
 * A semantic segmentation model behind the smallest useful surface: RGB frames in, class ids out.
 * Implementations own their native resources; callers own the byte arrays, which are reused.
 */
public interface Segmenter extends AutoCloseable {

  ModelMetadata metadata();

  /**
   * Segments {@code count} frames, each {@code height x width x 3} RGB bytes row-major, writing one
   * class id per pixel into {@code masks[i]} (each {@code height x width}).
   */
  void segment(byte[][] frames, int count, int height, int width, byte[][] masks);

  @Override
  void close();
}
