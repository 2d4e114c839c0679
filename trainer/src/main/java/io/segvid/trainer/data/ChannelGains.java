package io.segvid.trainer.data;

import java.util.Locale;

/**
 * Red, green and blue gains applied to labelled images, as another camera's white balance would: to
 * see how a model takes colours it was not trained on (1.06,1,0.85 is a slightly warmer camera).
 */
public record ChannelGains(float red, float green, float blue) {

  public static final ChannelGains NONE = new ChannelGains(1f, 1f, 1f);

  public ChannelGains {
    for (float g : new float[] {red, green, blue}) {
      if (!(g > 0 && g <= 4)) throw new IllegalArgumentException("channel gains must be in (0, 4], got " + g);
    }
  }

  /** "R,G,B", e.g. "1.06,1,0.85". */
  public static ChannelGains parse(String s) {
    String[] p = s.split(",");
    try {
      if (p.length != 3) throw new NumberFormatException();
      return new ChannelGains(Float.parseFloat(p[0].strip()), Float.parseFloat(p[1].strip()), Float.parseFloat(p[2].strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--channel-gains must be three numbers R,G,B (e.g. 1.06,1,0.85), got " + s);
    }
  }

  /** A re-coloured copy (values clipped to 0..255); the labels are shared, the original is untouched. */
  public LabelledImage applyTo(LabelledImage image) {
    byte[] src = image.rgb();
    byte[] out = new byte[src.length];
    float[] gains = {red, green, blue};
    for (int i = 0; i < src.length; i++) {
      out[i] = (byte) Math.min(255, Math.round((src[i] & 0xff) * gains[i % 3]));
    }
    return new LabelledImage(image.name(), image.height(), image.width(), out, image.labels());
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.2f,%.2f,%.2f", red, green, blue);
  }
}
