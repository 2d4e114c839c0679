package io.segvid.trainer.data;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST_EXACT;

import io.segvid.trainer.train.TrainGraph;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;

/**
 * Builds training batches: random scale (and rotation, {@link ScaleRotate}), crop, horizontal flip,
 * colour jitter and the photometric changes of {@link Photometric} (hue, gamma, blur, noise), applied to
 * image and mask together (bilinear for pixels, nearest neighbour for labels). Labels come out with the ignore id
 * and any id outside 0..N-1 mapped to {@link TrainGraph#IGNORE_LABEL}, and a per-pixel loss weight
 * (the class weight, 0 where ignored). Last, {@link CopyPaste} may paste rare classes' pixels and {@link CutMix}
 * rectangles between the batch's crops.
 * One assembler per thread: it reuses its buffers.
 */
public final class BatchAssembler {

  /** One batch, row-major NHWC / NHW. */
  public record Batch(int size, int height, int width, byte[] images, byte[] labels, float[] weights) { }

  private final int cropHeight;
  private final int cropWidth;
  private final Augmentation aug;
  private final int ignoreId;
  private final float[] classWeights;
  private final CopyPaste copyPaste;
  private final CutMix cutMix;
  private final ClassFocusedCrop classCrop;
  private final int outsideLabel;

  /** Without copy-paste's classes: {@link Augmentation#copyPaste()} pastes nothing. */
  public BatchAssembler(int cropHeight, int cropWidth, Augmentation aug, int ignoreId, float[] classWeights) {
    this(cropHeight, cropWidth, aug, ignoreId, classWeights, new boolean[classWeights.length]);
  }

  /** {@code pastedClasses}: the classes whose pixels {@link Augmentation#copyPaste()} carries between crops. */
  public BatchAssembler(int cropHeight, int cropWidth, Augmentation aug, int ignoreId, float[] classWeights,
                        boolean[] pastedClasses) {
    this.cropHeight = cropHeight;
    this.cropWidth = cropWidth;
    this.aug = aug;
    this.ignoreId = ignoreId;
    this.classWeights = classWeights.clone();
    this.copyPaste = new CopyPaste(aug.copyPaste(), pastedClasses);
    this.cutMix = new CutMix(aug.cutMix());
    this.classCrop = new ClassFocusedCrop(classWeights.length, ignoreId);
    // Rotated-in corners get a label the loop below maps to ignored: the ignore id, or else 255.
    this.outsideLabel = ignoreId >= 0 && ignoreId <= 255 ? ignoreId : 255;
  }

  public Batch assemble(List<LabelledImage> samples, Random random) {
    int n = samples.size();
    int px = cropHeight * cropWidth;
    Batch b = new Batch(n, cropHeight, cropWidth, new byte[n * px * 3], new byte[n * px], new float[n * px]);
    for (int i = 0; i < n; i++) sample(samples.get(i), random, b, i);
    copyPaste.apply(b, random);
    cutMix.apply(b, random);
    return b;
  }

  private void sample(LabelledImage src, Random random, Batch b, int index) {
    float scale = aug.minScale() + random.nextFloat() * (aug.maxScale() - aug.minScale());
    int h = Math.max(1, Math.round(src.height() * scale));
    int w = Math.max(1, Math.round(src.width() * scale));
    float degrees = aug.rotation() > 0 ? (random.nextFloat() * 2 - 1) * aug.rotation() : 0f;
    byte[] rgb;
    byte[] labels;
    if (degrees != 0f) {
      byte[][] warped = ScaleRotate.warp(src, scale, degrees, h, w, outsideLabel);
      rgb = warped[0];
      labels = warped[1];
    } else if (h == src.height() && w == src.width()) {
      rgb = src.rgb();
      labels = src.labels();
    } else {
      try (PointerScope scope = new PointerScope()) {
        rgb = LabelledImageFolder.resized(src.rgb(), src.height(), src.width(), 3, h, w, INTER_LINEAR);
        labels = LabelledImageFolder.resized(src.labels(), src.height(), src.width(), 1, h, w, INTER_NEAREST_EXACT);
      }
    }
    // Crop window; where the scaled image is smaller than the crop, the rest is black and ignored.
    int y0 = h > cropHeight ? random.nextInt(h - cropHeight + 1) : -random.nextInt(cropHeight - h + 1);
    int x0 = w > cropWidth ? random.nextInt(w - cropWidth + 1) : -random.nextInt(cropWidth - w + 1);
    if (aug.classCrops() > 0 && random.nextFloat() < aug.classCrops()) {
      int[] corner = classCrop.place(labels, h, w, cropHeight, cropWidth, random);
      if (corner != null) {
        y0 = corner[0];
        x0 = corner[1];
      }
    }
    boolean flip = aug.flip() && random.nextBoolean();
    float contrast = 1f + (random.nextFloat() * 2 - 1) * aug.contrast();
    float brightness = (random.nextFloat() * 2 - 1) * aug.brightness() * 255f;
    float saturation = 1f + (random.nextFloat() * 2 - 1) * aug.saturation();

    int px = cropHeight * cropWidth;
    int imgBase = index * px * 3;
    int lblBase = index * px;
    for (int y = 0; y < cropHeight; y++) {
      int sy = y + y0;
      for (int x = 0; x < cropWidth; x++) {
        int sx = (flip ? cropWidth - 1 - x : x) + x0;
        int o = y * cropWidth + x;
        if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
          b.labels()[lblBase + o] = (byte) TrainGraph.IGNORE_LABEL;
          continue;  // images array is zero-filled already
        }
        int s = sy * w + sx;
        int label = labels[s] & 0xff;
        if (label == ignoreId || label >= classWeights.length) {
          b.labels()[lblBase + o] = (byte) TrainGraph.IGNORE_LABEL;
        } else {
          b.labels()[lblBase + o] = (byte) label;
          b.weights()[lblBase + o] = classWeights[label];
        }
        float r = rgb[s * 3] & 0xff;
        float g = rgb[s * 3 + 1] & 0xff;
        float bl = rgb[s * 3 + 2] & 0xff;
        float gray = 0.299f * r + 0.587f * g + 0.114f * bl;
        int d = imgBase + o * 3;
        b.images()[d] = jitter(r, gray, saturation, contrast, brightness);
        b.images()[d + 1] = jitter(g, gray, saturation, contrast, brightness);
        b.images()[d + 2] = jitter(bl, gray, saturation, contrast, brightness);
      }
    }
    if (aug.photometric()) Photometric.apply(b.images(), imgBase, cropHeight, cropWidth, aug, random);
  }

  private static byte jitter(float v, float gray, float saturation, float contrast, float brightness) {
    float s = gray + (v - gray) * saturation;
    float c = 128f + (s - 128f) * contrast + brightness;
    return (byte) Math.max(0, Math.min(255, Math.round(c)));
  }

}
