package io.segvid.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TUint8;

/**
 * The shipped model through the segmenter's C-API run path gives exactly what TF Java's own
 * Session.Runner gives on the same frames, for a full batch, a short batch after it (input tensors
 * are cached per shape and written in place) and a new size.
 */
class NativeRunTest {

  private static final Path MODEL = Path.of("../samples/models/camvid");

  @Test
  void sameClassesAsTensorFlowJavaRunner() throws Exception {
    Random random = new Random(7);
    try (SavedModelSegmenter segmenter = SavedModelSegmenter.open(MODEL, ModelOverrides.NONE, 2);
         SavedModelBundle reference = SavedModelBundle.load(MODEL.toString(), "serve")) {
      assertTrue(segmenter.usesNativeRun(), "a uint8-in model takes the C-API path");
      Signature sig = reference.function("serving_default").signature();
      String in = sig.getInputs().get("images").name;
      String out = sig.getOutputs().get("classes").name;
      int[][] shapes = {{3, 64, 96}, {1, 64, 96}, {2, 48, 80}, {3, 64, 96}};
      for (int[] s : shapes) {
        int n = s[0], h = s[1], w = s[2];
        byte[][] frames = new byte[n][h * w * 3];
        byte[][] masks = new byte[n][h * w];
        for (byte[] f : frames) smoothNoise(random, f, h, w);
        segmenter.segment(frames, n, h, w, masks);

        try (TUint8 t = TUint8.tensorOf(Shape.of(n, h, w, 3))) {
          for (int i = 0; i < n; i++) t.asRawTensor().data().offset((long) i * h * w * 3).write(frames[i]);
          try (Result r = reference.session().runner().feed(in, t).fetch(out).run()) {
            byte[] all = new byte[n * h * w];
            r.get(0).asRawTensor().data().read(all);
            for (int i = 0; i < n; i++) {
              byte[] expected = java.util.Arrays.copyOfRange(all, i * h * w, (i + 1) * h * w);
              assertArrayEquals(expected, masks[i], "batch " + n + "x" + h + "x" + w + ", frame " + i);
            }
            assertTrue(distinct(all) > 1, "frames that give one class everywhere would prove little");
          }
        }
      }
    }
  }

  /** Blocks of random colour: enough structure for the model to answer with several classes. */
  private static void smoothNoise(Random random, byte[] frame, int h, int w) {
    for (int by = 0; by < h; by += 16) {
      for (int bx = 0; bx < w; bx += 16) {
        byte r = (byte) random.nextInt(256), g = (byte) random.nextInt(256), b = (byte) random.nextInt(256);
        for (int y = by; y < Math.min(h, by + 16); y++) {
          for (int x = bx; x < Math.min(w, bx + 16); x++) {
            int p = (y * w + x) * 3;
            frame[p] = r;
            frame[p + 1] = g;
            frame[p + 2] = b;
          }
        }
      }
    }
  }

  private static int distinct(byte[] values) {
    boolean[] seen = new boolean[256];
    int n = 0;
    for (byte v : values) if (!seen[v & 0xff]) {
      seen[v & 0xff] = true;
      n++;
    }
    return n;
  }
}
