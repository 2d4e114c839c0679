package io.segvid.inference;

import java.util.Locale;

/**
 * What a model sees of each frame at inference. FLIP runs every frame and its mirror image in the
 * same batch and averages the two score maps (mirrored back) before the argmax: steadier masks on
 * unfamiliar scenes for twice the model time. Needs a model with scores (logits or probabilities).
 */
public enum TestTimeAugmentation {
  NONE, FLIP;

  /** none or flip, any case; a one-line error naming the setting otherwise. */
  public static TestTimeAugmentation parse(String value, String setting) {
    if (value == null) return NONE;
    for (TestTimeAugmentation t : values()) {
      if (t.name().equalsIgnoreCase(value)) return t;
    }
    throw new IllegalArgumentException(setting + " must be none or flip, got '" + value + "'");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
