package io.segvid.inference;

/**
 * The size frames are resized to before inference: the frame's aspect ratio kept, its longer side
 * scaled to the model's preferred longer side, both rounded to a multiple of 8 (cheap for the
 * strided convolutions, and what the model was trained at).
 */
public record InputSize(int height, int width) {

  public static InputSize forFrame(int frameHeight, int frameWidth, ModelMetadata meta) {
    if (frameHeight <= 0 || frameWidth <= 0) throw new IllegalArgumentException("empty frame");
    double longSide = Math.max(meta.inputHeight(), meta.inputWidth());
    double s = longSide / Math.max(frameHeight, frameWidth);
    return new InputSize(round8(frameHeight * s), round8(frameWidth * s));
  }

  private static int round8(double v) {
    return Math.max(8, (int) Math.round(v / 8) * 8);
  }

  public int pixels() {
    return height * width;
  }
}
