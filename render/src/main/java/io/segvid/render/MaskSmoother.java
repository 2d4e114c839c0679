package io.segvid.render;

/**
 * Cuts one-frame flicker: each pixel takes the class that at least two of the last three predictions
 * agree on, else the newest. Buffers are allocated once per mask size.
 */
public final class MaskSmoother {

  private byte[] previous;
  private byte[] beforePrevious;
  private byte[] scratch;
  private int frames;

  /** Smooths {@code mask} in place (the first two frames pass unchanged). */
  public void apply(byte[] mask, int length) {
    if (previous == null || previous.length != length) {
      previous = new byte[length];
      beforePrevious = new byte[length];
      scratch = new byte[length];
      frames = 0;
    }
    System.arraycopy(mask, 0, scratch, 0, length);  // the raw prediction joins the history
    if (frames >= 2) {
      for (int i = 0; i < length; i++) {
        byte a = mask[i];
        byte b = previous[i];
        if (a != b && b == beforePrevious[i]) mask[i] = b;
      }
    }
    byte[] t = beforePrevious;
    beforePrevious = previous;
    previous = scratch;
    scratch = t;
    frames++;
  }

  public void reset() {
    frames = 0;
  }
}
