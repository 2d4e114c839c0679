package io.segvid.trainer.data;

/**
 * Augmentation ranges; scale 1/1, no flip and zeros elsewhere give the identity (apart from cropping).
 * Colour: brightness, contrast and saturation as +-fractions; hue as a +-fraction of a full turn;
 * gamma as the largest +-log2 exponent (0.5 means gamma 0.71..1.41); blur as the probability of a
 * Gaussian blur (sigma 0.5..1.5 pixels); noise as the largest standard deviation of per-pixel
 * Gaussian noise in 0..255 units; white balance as the largest +-log gain of a colour-temperature shift
 * (red up and blue down, or the reverse; 0.2 means x0.82..1.22) with a green tint of half that.
 * Geometry: random scale in [minScale, maxScale], horizontal flip, and a rotation about the centre by up
 * to +-rotation degrees.
 * Mixing: cutMix as the probability that a crop gets a rectangle of another crop of its batch.
 * Placement: classCrops as the probability that a crop is placed around a pixel of a class drawn
 * uniformly among those its image shows, instead of anywhere.
 * Pasting: copyPaste as the probability that a crop gets the rare classes' pixels of another crop of its
 * batch ({@link CopyPaste}).
 */
public record Augmentation(float minScale, float maxScale, boolean flip, float brightness, float contrast, float saturation,
                           float hue, float gamma, float blur, float noise, float whiteBalance, float cutMix,
                           float classCrops, float rotation, float copyPaste) {

  public static final Augmentation NONE = new Augmentation(1f, 1f, false, 0f, 0f, 0f);

  public Augmentation {
    if (minScale <= 0 || maxScale < minScale) throw new IllegalArgumentException("bad scale range " + minScale + ".." + maxScale);
    if (!(brightness >= 0 && brightness <= 1 && contrast >= 0 && contrast <= 1 && saturation >= 0 && saturation <= 1)) {
      throw new IllegalArgumentException("jitter and saturation must be 0..1, got brightness " + brightness + ", contrast "
          + contrast + ", saturation " + saturation);
    }
    if (hue < 0 || hue > 0.5f) throw new IllegalArgumentException("hue range must be 0..0.5 of a turn, got " + hue);
    if (gamma < 0 || blur < 0 || blur > 1 || noise < 0 || whiteBalance < 0) {
      throw new IllegalArgumentException("bad gamma/blur/noise/white balance");
    }
    if (cutMix < 0 || cutMix > 1) throw new IllegalArgumentException("cutmix must be a probability 0..1, got " + cutMix);
    if (classCrops < 0 || classCrops > 1) {
      throw new IllegalArgumentException("class-crops must be a probability 0..1, got " + classCrops);
    }
    if (!(copyPaste >= 0 && copyPaste <= 1)) {
      throw new IllegalArgumentException("copy-paste must be a probability 0..1, got " + copyPaste);
    }
    if (!(rotation >= 0 && rotation <= 45)) {
      throw new IllegalArgumentException("rotate must be 0..45 degrees, got " + rotation);
    }
  }

  /** Scale, flip and the three classic colour jitters only (the earlier recipe). */
  public Augmentation(float minScale, float maxScale, boolean flip, float brightness, float contrast, float saturation) {
    this(minScale, maxScale, flip, brightness, contrast, saturation, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
  }

  /** Without white balance or mixing across crops. */
  public Augmentation(float minScale, float maxScale, boolean flip, float brightness, float contrast, float saturation,
                      float hue, float gamma, float blur, float noise) {
    this(minScale, maxScale, flip, brightness, contrast, saturation, hue, gamma, blur, noise, 0f, 0f, 0f, 0f, 0f);
  }

  /** Crops placed anywhere (runs saved before {@code classCrops} read it as 0). */
  public Augmentation(float minScale, float maxScale, boolean flip, float brightness, float contrast, float saturation,
                      float hue, float gamma, float blur, float noise, float whiteBalance, float cutMix) {
    this(minScale, maxScale, flip, brightness, contrast, saturation, hue, gamma, blur, noise, whiteBalance, cutMix, 0f, 0f, 0f);
  }

  /** Not rotated (runs saved before {@code rotation} read it as 0). */
  public Augmentation(float minScale, float maxScale, boolean flip, float brightness, float contrast, float saturation,
                      float hue, float gamma, float blur, float noise, float whiteBalance, float cutMix, float classCrops) {
    this(minScale, maxScale, flip, brightness, contrast, saturation, hue, gamma, blur, noise, whiteBalance, cutMix,
        classCrops, 0f, 0f);
  }

  /** Nothing pasted. */
  public Augmentation(float minScale, float maxScale, boolean flip, float brightness, float contrast, float saturation,
                      float hue, float gamma, float blur, float noise, float whiteBalance, float cutMix, float classCrops,
                      float rotation) {
    this(minScale, maxScale, flip, brightness, contrast, saturation, hue, gamma, blur, noise, whiteBalance, cutMix,
        classCrops, rotation, 0f);
  }

  /** Whether anything beyond the per-pixel colour jitter (hue, gamma, blur, noise, white balance) applies. */
  boolean photometric() {
    return hue > 0 || gamma > 0 || blur > 0 || noise > 0 || whiteBalance > 0;
  }
}
