package io.segvid.trainer;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import io.segvid.inference.ModelMetadata;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/** Small models and synthetic data for tests that need the real graph but not real training time. */
final class TinyModels {

  private TinyModels() { }

  static ModelSpec spec(int classes) {
    return new ModelSpec(ModelSpec.Backbone.MOBILENETV2, 0.35f, 16, classes, 16, 16, ModelSpec.defaultRates(16));
  }

  static ModelMetadata metadata(int classes, int h, int w) {
    return new ModelMetadata(ModelMetadata.genericClasses(classes), 255, h, w, null, null, null, null, null, null);
  }

  /**
   * Images whose left part is a dark textured class 0 and right part a bright class 1, the boundary
   * at a random column; the top row is labelled 255 (ignored).
   */
  static List<LabelledImage> twoRegions(int count, int h, int w, long seed) {
    Random r = new Random(seed);
    List<LabelledImage> out = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      int boundary = w / 4 + r.nextInt(w / 2);
      byte[] rgb = new byte[h * w * 3];
      byte[] labels = new byte[h * w];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          boolean right = x >= boundary;
          int base = right ? 190 : 50;
          int i = y * w + x;
          for (int c = 0; c < 3; c++) rgb[i * 3 + c] = (byte) Math.max(0, Math.min(255, base + r.nextInt(41) - 20 + (c == 2 && right ? 40 : 0)));
          labels[i] = (byte) (y == 0 ? 255 : right ? 1 : 0);
        }
      }
      out.add(new LabelledImage("img" + n, h, w, rgb, labels));
    }
    return out;
  }

  /** Six 40x48 {@link #twoRegions} pairs written as images/fN.png and masks/fN.png under {@code dir}. */
  static Path writeTwoRegions(Path dir) throws java.io.IOException {
    Files.createDirectories(dir.resolve("images"));
    Files.createDirectories(dir.resolve("masks"));
    List<LabelledImage> set = twoRegions(6, 40, 48, 3);
    for (int i = 0; i < set.size(); i++) {
      LabelledImage img = set.get(i);
      byte[] bgr = img.rgb().clone();
      for (int p = 0; p < bgr.length; p += 3) {
        byte red = bgr[p];
        bgr[p] = bgr[p + 2];
        bgr[p + 2] = red;
      }
      try (Mat m = new Mat(img.height(), img.width(), opencv_core.CV_8UC3, new BytePointer(bgr));
           Mat l = new Mat(img.height(), img.width(), opencv_core.CV_8UC1, new BytePointer(img.labels()))) {
        imwrite(dir.resolve("images/f" + i + ".png").toString(), m);
        imwrite(dir.resolve("masks/f" + i + ".png").toString(), l);
      }
    }
    return dir;
  }
}
