package io.segvid.inference;

/** Left-right mirror images of row-major pixel buffers. */
final class Mirror {

  private Mirror() { }

  /** Writes {@code src} (height x width pixels of {@code channels} bytes) mirrored left-right into {@code dst}. */
  static void rows(byte[] src, byte[] dst, int height, int width, int channels) {
    int rowBytes = width * channels;
    for (int y = 0; y < height; y++) {
      int row = y * rowBytes;
      for (int x = 0; x < width; x++) {
        System.arraycopy(src, row + x * channels, dst, row + (width - 1 - x) * channels, channels);
      }
    }
  }
}
