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

  /** Floating-point operations the model does for one frame of this size; 0 where unknown. */
  default long flopsPerFrame(int height, int width) {
    return 0;
  }

  /**
   * A handle on the same model for a second thread, so that two batches can run at once; null
   * where the model cannot take concurrent calls. It is closed before this segmenter, and closing
   * it frees only what it holds.
   */
  default Segmenter concurrentCaller() {
    return null;
  }

  @Override
  void close();
}
