package io.segvid.trainer;

import io.segvid.inference.ModelMetadata;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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
}
