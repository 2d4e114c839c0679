package io.segvid.trainer.data;

import java.util.List;

/**
 * One way another camera or other light changes a picture, by name: a white balance, a degradation or
 * both. {@link #STANDARD} is the set {@code evaluate --robustness} scores a model under: the conditions
 * docs/model-experiments.md found models trained on one camera to break under (warm light, sensor noise,
 * compression), with their levels.
 */
public record PictureCondition(String name, ChannelGains gains, List<Degradation> degradations) {

  public PictureCondition {
    degradations = List.copyOf(degradations);
  }

  public static final List<PictureCondition> STANDARD = List.of(
      gains("warm", new ChannelGains(1.06f, 1f, 0.85f)),
      gains("warm-strong", new ChannelGains(1.12f, 1f, 0.7f)),
      gains("cool", new ChannelGains(0.9f, 1f, 1.12f)),
      degraded("dark", "exposure:0.5"),
      degraded("bright", "exposure:1.6"),
      degraded("blur", "blur:1.5"),
      degraded("noise-6", "noise:5.9"),
      degraded("noise-13", "noise:13.5"),
      degraded("noise-26", "noise:26"),
      degraded("jpeg-12", "jpeg:12"),
      degraded("half-res", "downscale:0.5"));

  private static PictureCondition gains(String name, ChannelGains gains) {
    return new PictureCondition(name, gains, List.of());
  }

  private static PictureCondition degraded(String name, String spec) {
    return new PictureCondition(name, null, List.of(Degradation.parse(spec)));
  }

  /** The picture under this condition: gains first (the camera's colour), then each degradation in order. */
  public LabelledImage applyTo(LabelledImage image) {
    LabelledImage out = gains == null ? image : gains.applyTo(image);
    for (Degradation d : degradations) out = d.applyTo(out);
    return out;
  }

  /** Its degradations in order, e.g. "noise:13.5 + jpeg:12"; null when it has none. */
  public String degradationsText() {
    return degradations.isEmpty() ? null : String.join(" + ", degradations.stream().map(Degradation::toString).toList());
  }

  /** What it does, e.g. "gains 1.06,1.00,0.85" or "noise:13.5". */
  public String description() {
    StringBuilder s = new StringBuilder(gains == null ? "" : "gains " + gains);
    for (Degradation d : degradations) s.append(s.length() > 0 ? " + " : "").append(d);
    return s.length() == 0 ? "unchanged" : s.toString();
  }
}
