package io.segvid.trainer.data;

/** Augmentation ranges; scale 1/1, no flip and zero jitter give the identity (apart from cropping). */
public record Augmentation(float minScale, float maxScale, boolean flip, float brightness, float contrast, float saturation) {

  public static final Augmentation NONE = new Augmentation(1f, 1f, false, 0f, 0f, 0f);

  public Augmentation {
    if (minScale <= 0 || maxScale < minScale) throw new IllegalArgumentException("bad scale range " + minScale + ".." + maxScale);
  }
}
