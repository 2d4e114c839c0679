package io.segvid.trainer.data;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A picture made worse the way a poorer camera or harder light would make it, for scoring a model on
 * pictures it was not trained on ({@code evaluate --degrade}): exposure, defocus, sensor noise, heavy
 * JPEG compression, a lower resolution. Labels are untouched (nothing moves); the result is the same
 * on every run (the noise is drawn from the image's name), so two models are scored on the same pictures.
 */
public record Degradation(Kind kind, double level) {

  /** What is done to the picture; the level's meaning and its allowed range. */
  public enum Kind {
    EXPOSURE("exposure", "every value times LEVEL (0.5: a stop darker, 1.6: over-exposed)", 0.05, 8),
    BLUR("blur", "Gaussian blur of LEVEL pixels' sigma (defocus, motion)", 0.1, 50),
    NOISE("noise", "Gaussian sensor noise of sigma LEVEL (0-255 values; 13.5: a low-light camera)", 0.1, 128),
    JPEG("jpeg", "saved as JPEG at quality LEVEL (1-100; 12: a starved stream)", 1, 100),
    DOWNSCALE("downscale", "shrunk to LEVEL of its size and back (0.5: half the resolution)", 0.05, 1);

    final String word;
    final String meaning;
    final double min;
    final double max;

    Kind(String word, String meaning, double min, double max) {
      this.word = word;
      this.meaning = meaning;
      this.min = min;
      this.max = max;
    }
  }

  public Degradation {
    if (!(level >= kind.min && level <= kind.max)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "--degrade %s takes a level in [%s, %s], got %s",
          kind.word, plain(kind.min), plain(kind.max), plain(level)));
    }
  }

  /** "KIND:LEVEL", e.g. "noise:13.5", "jpeg:12", "exposure:0.5", "blur:1.5", "downscale:0.5". */
  public static Degradation parse(String spec) {
    String[] p = spec.strip().split(":", 2);
    Kind kind = Arrays.stream(Kind.values()).filter(k -> k.word.equalsIgnoreCase(p[0].strip())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("--degrade must be KIND:LEVEL with KIND one of " + kinds()
            + ", got '" + spec + "'"));
    try {
      if (p.length != 2) throw new NumberFormatException();
      return new Degradation(kind, Double.parseDouble(p[1].strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--degrade " + kind.word + " needs a number: " + kind.word + ":LEVEL, "
          + kind.meaning + "; got '" + spec + "'");
    }
  }

  /** The kinds and what their levels mean, for help texts. */
  public static String kinds() {
    return String.join(", ", Arrays.stream(Kind.values()).map(k -> k.word).toList());
  }

  /** A degraded copy; the labels are shared, the original is untouched. */
  public LabelledImage applyTo(LabelledImage image) {
    byte[] rgb = image.rgb().clone();
    switch (kind) {
      case EXPOSURE -> expose(rgb);
      case NOISE -> addNoise(rgb, image.name());
      default -> throughOpenCv(rgb, image.height(), image.width());
    }
    return new LabelledImage(image.name(), image.height(), image.width(), rgb, image.labels());
  }

  private void expose(byte[] rgb) {
    for (int i = 0; i < rgb.length; i++) rgb[i] = clip(Math.round((rgb[i] & 0xff) * level));
  }

  private void addNoise(byte[] rgb, String name) {
    // Seeded by the name, so the same image gets the same noise in every run and for every model.
    long seed = Arrays.hashCode(name.getBytes(StandardCharsets.UTF_8)) * 0x9E3779B97F4A7C15L ^ Double.doubleToLongBits(level);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < rgb.length; i++) rgb[i] = clip(Math.round((rgb[i] & 0xff) + gaussian(random) * level));
  }

  /** A standard normal value (Box-Muller; SplittableRandom has no nextGaussian in Java 17). */
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private void throughOpenCv(byte[] rgb, int height, int width) {
    try (PointerScope scope = new PointerScope()) {
      BytePointer data = new BytePointer(rgb.length);
      data.put(rgb, 0, rgb.length);
      Mat m = new Mat(height, width, opencv_core.CV_8UC3, data);
      switch (kind) {
        case BLUR -> GaussianBlur(m, m, new Size(0, 0), level);
        case DOWNSCALE -> {
          Mat small = new Mat();
          resize(m, small, new Size(Math.max(1, (int) Math.round(width * level)), Math.max(1, (int) Math.round(height * level))),
              0, 0, INTER_AREA);
          resize(small, m, new Size(width, height), 0, 0, INTER_LINEAR);
        }
        case JPEG -> {
          Mat bgr = new Mat();
          cvtColor(m, bgr, COLOR_RGB2BGR);  // JPEG's colour transform expects BGR from OpenCV
          BytePointer file = new BytePointer();
          if (!imencode(".jpg", bgr, file, new IntPointer(IMWRITE_JPEG_QUALITY, (int) Math.round(level)))) {
            throw new IllegalStateException("OpenCV could not encode a JPEG");
          }
          Mat decoded = imdecode(new Mat(1, (int) file.limit(), opencv_core.CV_8UC1, file), opencv_imgcodecs.IMREAD_COLOR);
          cvtColor(decoded, m, COLOR_BGR2RGB);
        }
        default -> throw new IllegalStateException(kind.name());
      }
      data.get(rgb, 0, rgb.length);
    }
  }

  private static byte clip(long v) {
    return (byte) Math.max(0, Math.min(255, v));
  }

  private static String plain(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  @Override
  public String toString() {
    return kind.word + ":" + plain(level);
  }
}
