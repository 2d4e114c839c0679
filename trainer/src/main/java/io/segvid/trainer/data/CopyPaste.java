package io.segvid.trainer.data;

import java.util.Random;

/**
 * Copy-paste for segmentation (after Ghiasi et al., "Simple Copy-Paste", 2021): some crops of a batch
 * get every pixel of the pasted classes (the rare, thin ones: poles, signs, people) from another crop
 * of the batch, in place, with their labels and loss weights. The objects then appear in front of
 * streets, light and cameras they were never filmed with, and rare classes are seen more often,
 * without the context always giving them away.
 */
final class CopyPaste {

  private final float probability;
  private final boolean[] pasted;
  private final BatchSnapshot before = new BatchSnapshot();

  /** {@code pastedClasses[c]}: whether pixels labelled c travel; labels beyond its length never do. */
  CopyPaste(float probability, boolean[] pastedClasses) {
    this.probability = probability;
    this.pasted = pastedClasses.clone();
  }

  /** Pastes into each crop with the given probability; a batch of one is left as it is. */
  void apply(BatchAssembler.Batch b, Random random) {
    int n = b.size();
    if (n < 2 || probability <= 0 || !any(pasted)) return;
    before.take(b);  // objects come from the crops as they were before any pasting
    int px = b.height() * b.width();
    for (int i = 0; i < n; i++) {
      if (random.nextFloat() >= probability) continue;
      int from = (i + 1 + random.nextInt(n - 1)) % n;
      for (int p = 0; p < px; p++) {
        int label = before.labels[from * px + p] & 0xff;
        if (label >= pasted.length || !pasted[label]) continue;
        int to = i * px + p;
        b.labels()[to] = before.labels[from * px + p];
        b.weights()[to] = before.weights[from * px + p];
        System.arraycopy(before.images, (from * px + p) * 3, b.images(), to * 3, 3);
      }
    }
  }

  private static boolean any(boolean[] flags) {
    for (boolean f : flags) if (f) return true;
    return false;
  }
}
