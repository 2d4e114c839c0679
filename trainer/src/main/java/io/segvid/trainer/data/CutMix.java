package io.segvid.trainer.data;

import java.util.Random;

/**
 * CutMix for segmentation: some crops of a batch get a rectangle pasted from another crop of the
 * same batch, pixels, labels and loss weights together. A batch draws its frames at random, so the
 * rectangle usually comes from another video: the network sees objects next to backgrounds, light
 * and cameras they never appeared with, which is what a new camera brings.
 */
final class CutMix {

  /** Pasted rectangles cover this share of the crop's area, at most. */
  static final float MAX_AREA = 0.5f;
  /** ... and at least this share. */
  static final float MIN_AREA = 0.1f;

  private final float probability;
  private final BatchSnapshot before = new BatchSnapshot();

  CutMix(float probability) {
    this.probability = probability;
  }

  /** Pastes into each crop with the given probability; a batch of one is left as it is. */
  void apply(BatchAssembler.Batch b, Random random) {
    int n = b.size();
    if (n < 2 || probability <= 0) return;
    before.take(b);  // rectangles come from the crops as they were before any pasting
    int h = b.height();
    int w = b.width();
    int px = h * w;
    for (int i = 0; i < n; i++) {
      if (random.nextFloat() >= probability) continue;
      int from = (i + 1 + random.nextInt(n - 1)) % n;
      double area = MIN_AREA + random.nextDouble() * (MAX_AREA - MIN_AREA);
      double aspect = Math.exp((random.nextDouble() * 2 - 1) * Math.log(2));  // width/height in 1/2..2 of the crop's
      int bh = clamp((int) Math.round(h * Math.sqrt(area / aspect)), 1, h);
      int bw = clamp((int) Math.round(w * Math.sqrt(area * aspect)), 1, w);
      int y0 = random.nextInt(h - bh + 1);
      int x0 = random.nextInt(w - bw + 1);
      for (int y = y0; y < y0 + bh; y++) {
        int row = y * w + x0;
        System.arraycopy(before.images, (from * px + row) * 3, b.images(), (i * px + row) * 3, bw * 3);
        System.arraycopy(before.labels, from * px + row, b.labels(), i * px + row, bw);
        System.arraycopy(before.weights, from * px + row, b.weights(), i * px + row, bw);
      }
    }
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
