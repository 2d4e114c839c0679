package io.segvid.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * {@code --tta scales} on the shipped model, against a reference written out in plain Java: the
 * model's logits at each size (the frame resized by TensorFlow's own bilinear resize, 0.75x and 1.25x
 * rounded to multiples of 8), softmax per pixel, probabilities resized to the frame and summed, argmax.
 */
class ScaleAveragingTest {

  private static final Path MODEL = Path.of("../samples/models/camvid");
  private static final int H = 64;
  private static final int W = 96;
  private static final int CLASSES = 11;

  @Test
  void classMapIsTheArgmaxOfProbabilitiesAveragedOverSizes() throws Exception {
    byte[][] frames = {TestFrames.blocks(new java.util.Random(5), H, W), TestFrames.blocks(new java.util.Random(6), H, W)};
    byte[][] averaged = new byte[2][H * W];
    byte[][] plain = new byte[2][H * W];
    try (SavedModelSegmenter scales = SavedModelSegmenter.open(MODEL, ModelOverrides.NONE, 2, TestTimeAugmentation.SCALES);
         SavedModelSegmenter once = SavedModelSegmenter.open(MODEL, ModelOverrides.NONE, 2)) {
      scales.segment(frames, 2, H, W, averaged);
      once.segment(frames, 2, H, W, plain);
      long flopsOnce = once.flopsPerFrame(H, W);
      long expectedFlops = flopsOnce + once.flopsPerFrame(48, 72) + once.flopsPerFrame(80, 120);
      assertEquals(expectedFlops, scales.flopsPerFrame(H, W), "one model run at each of the three sizes");
      assertFalse(scales.usesNativeRun());
    }
    int agree = 0;
    int differ = 0;
    for (int f = 0; f < 2; f++) {
      byte[] reference = reference(frames[f]);
      for (int p = 0; p < H * W; p++) {
        if (averaged[f][p] == reference[p]) agree++;
        if (averaged[f][p] != plain[f][p]) differ++;
      }
    }
    // Float sums in another order can flip a pixel whose two best classes tie to 1e-6.
    assertTrue(agree >= 2 * H * W - 4, "matches the reference: " + agree + " of " + 2 * H * W);
    assertTrue(differ > 20, "differs from one run at the input size, so the reference is not the plain model: " + differ);
  }

  @Test
  void flipAndScalesTogetherAreMirrorSymmetric() throws Exception {
    byte[][] frames = {TestFrames.blocks(new java.util.Random(3), H, W), TestFrames.blocks(new java.util.Random(4), H, W),
        null, null};
    frames[2] = TestFrames.mirrored(frames[0], H, W, 3);
    frames[3] = TestFrames.mirrored(frames[1], H, W, 3);
    byte[][] both = new byte[4][H * W];
    byte[][] scalesOnly = new byte[4][H * W];
    try (SavedModelSegmenter flipScales = SavedModelSegmenter.open(MODEL, ModelOverrides.NONE, 2,
             TestTimeAugmentation.FLIP_SCALES);
         SavedModelSegmenter scales = SavedModelSegmenter.open(MODEL, ModelOverrides.NONE, 2, TestTimeAugmentation.SCALES)) {
      flipScales.segment(frames, 4, H, W, both);
      scales.segment(frames, 4, H, W, scalesOnly);
    }
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(TestFrames.mirrored(both[i], H, W, 1), both[i + 2],
          "frame " + i + ": the mask of the mirrored frame is the mirrored mask");
    }
    boolean symmetricWithoutFlip = java.util.Arrays.equals(TestFrames.mirrored(scalesOnly[0], H, W, 1), scalesOnly[2])
        && java.util.Arrays.equals(TestFrames.mirrored(scalesOnly[1], H, W, 1), scalesOnly[3]);
    assertFalse(symmetricWithoutFlip, "scales alone are not exactly mirror-symmetric, so the check above shows the flip");
  }

  /** The average written out: logits from the model at each size, everything after that in Java. */
  private static byte[] reference(byte[] frame) throws Exception {
    float[] sum = new float[H * W * CLASSES];
    try (SavedModelBundle model = SavedModelBundle.load(MODEL.toString(), "serve")) {
      for (int[] size : new int[][] {{48, 72}, {H, W}, {80, 120}}) {
        byte[] input = size[0] == H ? frame : resizeWithTensorFlow(frame, size[0], size[1]);
        float[] logits = new float[size[0] * size[1] * CLASSES];
        try (TUint8 in = TUint8.tensorOf(Shape.of(1, size[0], size[1], 3), DataBuffers.of(input, true, false));
             Result out = model.function("serving_default").call(Map.of("images", in))) {
          ((TFloat32) out.get("logits").get()).copyTo(DataBuffers.of(logits, false, false));
        }
        addProbabilitiesAtFrameSize(logits, size[0], size[1], sum);
      }
    }
    byte[] classes = new byte[H * W];
    for (int p = 0; p < H * W; p++) {
      int best = 0;
      for (int c = 1; c < CLASSES; c++) if (sum[p * CLASSES + c] > sum[p * CLASSES + best]) best = c;
      classes[p] = (byte) best;
    }
    return classes;
  }

  /** The frame at h x w by TensorFlow's bilinear resize (half-pixel centres), rounded back to bytes. */
  private static byte[] resizeWithTensorFlow(byte[] frame, int h, int w) {
    try (var g = new org.tensorflow.Graph(); var s = new org.tensorflow.Session(g);
         TUint8 pixelsIn = TUint8.tensorOf(Shape.of(1, H, W, 3), DataBuffers.of(frame, true, false))) {
      var tf = org.tensorflow.op.Ops.create(g);
      var in = tf.constant(pixelsIn);
      var resized = tf.image.resizeBilinear(in, tf.constant(new int[] {h, w}),
          org.tensorflow.op.image.ResizeBilinear.halfPixelCenters(true));
      var pixels = tf.dtypes.cast(tf.clipByValue(tf.math.round(resized), tf.constant(0f), tf.constant(255f)), TUint8.class);
      byte[] out = new byte[h * w * 3];
      try (Result r = s.runner().fetch(pixels).run()) {
        r.get(0).asRawTensor().data().read(out);
      }
      return out;
    }
  }

  /** Softmax per pixel, bilinearly resized (half-pixel centres) to H x W, added to {@code sum}. */
  private static void addProbabilitiesAtFrameSize(float[] logits, int h, int w, float[] sum) {
    float[] p = new float[logits.length];
    for (int i = 0; i < h * w; i++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < CLASSES; c++) max = Math.max(max, logits[i * CLASSES + c]);
      float z = 0;
      for (int c = 0; c < CLASSES; c++) z += (float) Math.exp(logits[i * CLASSES + c] - max);
      for (int c = 0; c < CLASSES; c++) p[i * CLASSES + c] = (float) Math.exp(logits[i * CLASSES + c] - max) / z;
    }
    for (int y = 0; y < H; y++) {
      float sy = Math.max(0, (y + 0.5f) * h / H - 0.5f);
      int y0 = Math.min((int) sy, h - 1);
      int y1 = Math.min(y0 + 1, h - 1);
      float fy = sy - y0;
      for (int x = 0; x < W; x++) {
        float sx = Math.max(0, (x + 0.5f) * w / W - 0.5f);
        int x0 = Math.min((int) sx, w - 1);
        int x1 = Math.min(x0 + 1, w - 1);
        float fx = sx - x0;
        for (int c = 0; c < CLASSES; c++) {
          float top = p[(y0 * w + x0) * CLASSES + c] * (1 - fx) + p[(y0 * w + x1) * CLASSES + c] * fx;
          float bottom = p[(y1 * w + x0) * CLASSES + c] * (1 - fx) + p[(y1 * w + x1) * CLASSES + c] * fx;
          sum[(y * W + x) * CLASSES + c] += top * (1 - fy) + bottom * fy;
        }
      }
    }
  }
}
