package io.segvid.trainer.data;

/**
 * A reusable copy of a batch's pixels, labels and loss weights, so that mixing crops reads every
 * crop as it was before any pasting into it.
 */
final class BatchSnapshot {

  byte[] images = new byte[0];
  byte[] labels = new byte[0];
  float[] weights = new float[0];

  void take(BatchAssembler.Batch b) {
    if (images.length != b.images().length) images = new byte[b.images().length];
    if (labels.length != b.labels().length) labels = new byte[b.labels().length];
    if (weights.length != b.weights().length) weights = new float[b.weights().length];
    System.arraycopy(b.images(), 0, images, 0, images.length);
    System.arraycopy(b.labels(), 0, labels, 0, labels.length);
    System.arraycopy(b.weights(), 0, weights, 0, weights.length);
  }
}
