package io.segvid.inference;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a model sees of each frame at inference. FLIP runs every frame and its mirror image in the
 * same batch and averages the two score maps (mirrored back) before the argmax: steadier masks on
 * unfamiliar scenes for twice the model time. SCALES runs the batch at 0.75, 1 and 1.25 times the
 * input size and averages the class probabilities ({@link ScaleAveraging}): objects of other sizes
 * than the training frames' are met at a size the model knows, for about 3.1x the model time.
 * FLIP_SCALES does both. All need a model with scores (logits or probabilities).
 */
public enum TestTimeAugmentation {
  NONE("none", false, 1.0),
  FLIP("flip", true, 1.0),
  SCALES("scales", false, 0.75, 1.0, 1.25),
  FLIP_SCALES("flip+scales", true, 0.75, 1.0, 1.25);

  private final String label;
  private final boolean mirrors;
  private final double[] scales;

  TestTimeAugmentation(String label, boolean mirrors, double... scales) {
    this.label = label;
    this.mirrors = mirrors;
    this.scales = scales;
  }

  /** Whether each batch also carries its frames' mirror images. */
  public boolean mirrors() {
    return mirrors;
  }

  /** The input sizes the model runs at, as factors of the input size (1.0 among them). */
  public double[] scales() {
    return scales.clone();
  }

  public boolean multiScale() {
    return scales.length > 1;
  }

  /** none, flip, scales or flip+scales, any case; a one-line error naming the setting otherwise. */
  public static TestTimeAugmentation parse(String value, String setting) {
    if (value == null) return NONE;
    for (TestTimeAugmentation t : values()) {
      if (t.label.equalsIgnoreCase(value.strip())) return t;
    }
    throw new IllegalArgumentException(setting + " must be " + choices() + ", got '" + value + "'");
  }

  /** "none, flip, scales or flip+scales". */
  public static String choices() {
    String all = Arrays.stream(values()).map(t -> t.label).collect(Collectors.joining(", "));
    int last = all.lastIndexOf(", ");
    return all.substring(0, last) + " or " + all.substring(last + 2);
  }

  @Override
  public String toString() {
    return label;
  }
}
