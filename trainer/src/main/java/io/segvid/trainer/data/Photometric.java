package io.segvid.trainer.data;

import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;

import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The colour changes another camera or other light brings, applied to one RGB crop in place: a white
 * balance shift (per-channel gains), a hue rotation (about the grey axis, in YIQ), a gamma curve,
 * sometimes a slight blur (focus, motion, compression) and sensor noise. Geometry is untouched, so the crop's labels stay aligned.
 */
final class Photometric {

  private Photometric() { }

  static void apply(byte[] rgb, int offset, int height, int width, Augmentation aug, Random random) {
    int pixels = height * width;
    double angle = (random.nextDouble() * 2 - 1) * aug.hue() * 2 * Math.PI;
    float cos = (float) Math.cos(angle);
    float sin = (float) Math.sin(angle);
    double exponent = Math.pow(2, (random.nextDouble() * 2 - 1) * aug.gamma());
    byte[] curve = new byte[256];
    for (int v = 0; v < 256; v++) curve[v] = (byte) Math.round(255 * Math.pow(v / 255.0, exponent));
    float sigma = aug.noise() * random.nextFloat();
    // Colour temperature moves red and blue in opposite directions; the tint moves green. Drawn only
    // when asked for, so recipes without it see the same random stream as before it existed.
    double temperature = aug.whiteBalance() > 0 ? (random.nextDouble() * 2 - 1) * aug.whiteBalance() : 0;
    double tint = aug.whiteBalance() > 0 ? (random.nextDouble() * 2 - 1) * aug.whiteBalance() / 2 : 0;
    float redGain = (float) Math.exp(temperature);
    float blueGain = (float) Math.exp(-temperature);
    float greenGain = (float) Math.exp(tint);
    for (int p = 0; p < pixels; p++) {
      int i = offset + p * 3;
      float r = (rgb[i] & 0xff) * redGain;
      float g = (rgb[i + 1] & 0xff) * greenGain;
      float b = (rgb[i + 2] & 0xff) * blueGain;
      if (aug.hue() > 0) {
        float y = 0.299f * r + 0.587f * g + 0.114f * b;
        float ci = 0.596f * r - 0.274f * g - 0.322f * b;
        float cq = 0.211f * r - 0.523f * g + 0.312f * b;
        float i2 = ci * cos - cq * sin;
        float q2 = ci * sin + cq * cos;
        r = y + 0.956f * i2 + 0.621f * q2;
        g = y - 0.272f * i2 - 0.647f * q2;
        b = y - 1.106f * i2 + 1.703f * q2;
      }
      rgb[i] = finish(r, curve, sigma, random);
      rgb[i + 1] = finish(g, curve, sigma, random);
      rgb[i + 2] = finish(b, curve, sigma, random);
    }
    if (aug.blur() > 0 && random.nextFloat() < aug.blur()) blur(rgb, offset, height, width, 0.5 + random.nextDouble());
  }

  private static byte finish(float v, byte[] curve, float sigma, Random random) {
    int c = curve[Math.max(0, Math.min(255, Math.round(v)))] & 0xff;
    if (sigma > 0) c = Math.round(c + (float) random.nextGaussian() * sigma);
    return (byte) Math.max(0, Math.min(255, c));
  }

  private static void blur(byte[] rgb, int offset, int height, int width, double sigma) {
    int bytes = height * width * 3;
    try (PointerScope scope = new PointerScope()) {
      BytePointer data = new BytePointer(bytes);
      data.put(rgb, offset, bytes);
      Mat m = new Mat(height, width, opencv_core.CV_8UC3, data);
      GaussianBlur(m, m, new Size(0, 0), sigma);
      data.get(rgb, offset, bytes);
    }
  }
}
