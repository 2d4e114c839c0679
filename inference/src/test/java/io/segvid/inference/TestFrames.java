package io.segvid.inference;

import java.util.Random;

/** Synthetic frames and masks for model tests. */
final class TestFrames {

  private TestFrames() { }

  /** 16x16 blocks of random colour: enough structure for the model to answer with several classes. */
  static byte[] blocks(Random random, int height, int width) {
    byte[] f = new byte[height * width * 3];
    for (int by = 0; by < height; by += 16) {
      for (int bx = 0; bx < width; bx += 16) {
        int r = random.nextInt(256);
        int g = random.nextInt(256);
        int b = random.nextInt(256);
        for (int y = by; y < Math.min(height, by + 16); y++) {
          for (int x = bx; x < Math.min(width, bx + 16); x++) {
            int o = (y * width + x) * 3;
            f[o] = (byte) r;
            f[o + 1] = (byte) g;
            f[o + 2] = (byte) b;
          }
        }
      }
    }
    return f;
  }

  /** The picture mirrored left to right ({@code channels} bytes a pixel). */
  static byte[] mirrored(byte[] src, int height, int width, int channels) {
    byte[] dst = new byte[src.length];
    Mirror.rows(src, dst, height, width, channels);
    return dst;
  }
}
