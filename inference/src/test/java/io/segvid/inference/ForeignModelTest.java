package io.segvid.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * Models exported elsewhere (Keras style: float input, other key names, softmax or logits out,
 * possibly at a lower resolution) run through metadata overrides. The test builds such a SavedModel:
 * two classes, score(class 0) = mean(pixel) - 0.5 (a variable), score(class 1) = 0, so the class of
 * a grey level reveals which input scaling reached the graph.
 */
class ForeignModelTest {

  private static final int H = 8;
  private static final int W = 12;
  /** Grey levels in three column bands. */
  private static final int[] GREYS = {100, 160, 220};

  @TempDir
  Path tmp;

  @Test
  void keraslikeSoftmaxModelWithUnitScaling() throws Exception {
    Path model = build("output_0", false, true);
    ModelOverrides o = new ModelOverrides(null, "input_1", "output_0", InputScaling.UNIT, OutputKind.PROBABILITIES, 2, null, null);
    assertArrayEquals(new int[] {1, 0, 0}, classesOfBands(model, o));  // v/255 > 0.5 from 128 up
  }

  @Test
  void symmetricScalingChangesTheAnswer() throws Exception {
    Path model = build("output_0", false, true);
    ModelOverrides o = new ModelOverrides(null, "input_1", "output_0", InputScaling.SYMMETRIC, OutputKind.PROBABILITIES, 2, null, null);
    assertArrayEquals(new int[] {1, 1, 0}, classesOfBands(model, o));  // v/127.5-1 > 0.5 from 192 up
  }

  @Test
  void halfResolutionLogitsAreResizedToTheInput() throws Exception {
    Path model = build("logits", true, false);
    ModelOverrides o = new ModelOverrides(null, "input_1", "logits", InputScaling.UNIT, OutputKind.LOGITS, 2, null, null);
    assertArrayEquals(new int[] {1, 0, 0}, classesOfBands(model, o));
  }

  @Test
  void sizeAveragingAdaptsTheInputOfEverySize() throws Exception {
    Path softmax = build("output_0", false, true);
    ModelOverrides unit = new ModelOverrides(null, "input_1", "output_0", InputScaling.UNIT, OutputKind.PROBABILITIES, 2, null, null);
    assertArrayEquals(new int[] {1, 0, 0}, classesOfBands(softmax, unit, TestTimeAugmentation.FLIP_SCALES));
    Path halfResolution = build("logits", true, false);
    ModelOverrides logits = new ModelOverrides(null, "input_1", "logits", InputScaling.UNIT, OutputKind.LOGITS, 2, null, null);
    assertArrayEquals(new int[] {1, 0, 0}, classesOfBands(halfResolution, logits, TestTimeAugmentation.SCALES));
  }

  @Test
  void wrongKeysAreNamed() throws Exception {
    Path model = build("output_0", false, true);
    ModelOverrides o = new ModelOverrides(null, "images", "output_0", InputScaling.UNIT, OutputKind.PROBABILITIES, 2, null, null);
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> SavedModelSegmenter.open(model, o, 1));
    assertTrue(e.getMessage().contains("no input 'images'") && e.getMessage().contains("input_1"), e.getMessage());
    ModelLoadException noClasses = assertThrows(ModelLoadException.class,
        () -> SavedModelSegmenter.open(model, ModelOverrides.NONE, 1));
    assertTrue(noClasses.getMessage().contains("--num-classes"), noClasses.getMessage());
  }

  private int[] classesOfBands(Path model, ModelOverrides overrides) throws Exception {
    return classesOfBands(model, overrides, TestTimeAugmentation.NONE);
  }

  private int[] classesOfBands(Path model, ModelOverrides overrides, TestTimeAugmentation tta) throws Exception {
    byte[] rgb = new byte[H * W * 3];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        for (int c = 0; c < 3; c++) rgb[(y * W + x) * 3 + c] = (byte) GREYS[x / (W / 3)];
      }
    }
    try (SavedModelSegmenter s = SavedModelSegmenter.open(model, overrides, 1, tta)) {
      assertEquals(2, s.metadata().numClasses());
      byte[][] masks = {new byte[H * W]};
      s.segment(new byte[][] {rgb}, 1, H, W, masks);
      int[] out = new int[3];
      for (int band = 0; band < 3; band++) {
        int x = band * (W / 3) + W / 6;  // the middle of each band, away from resize blending
        out[band] = masks[0][(H / 2) * W + x];
      }
      return out;
    }
  }

  /** A float-input SavedModel with keys input_1 and {@code outputKey}; optionally half-res, optionally softmax. */
  private Path build(String outputKey, boolean halfResolution, boolean softmax) throws Exception {
    Path dir = tmp.resolve(outputKey + (halfResolution ? "-half" : "") + (softmax ? "-softmax" : ""));
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> input = tf.withName("input_1").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
      Variable<TFloat32> offset = tf.withName("offset").variable(tf.constant(-0.5f));
      Operand<TFloat32> x = input;
      if (halfResolution) {
        x = tf.nn.avgPool(x, List.of(1L, 2L, 2L, 1L), List.of(1L, 2L, 2L, 1L), "SAME");
      }
      Operand<TFloat32> mean = tf.math.mean(x, tf.constant(3), Mean.keepDims(true));
      Operand<TFloat32> score0 = tf.math.add(mean, offset);
      Operand<TFloat32> scores = tf.concat(List.of(score0, tf.zerosLike(score0)), tf.constant(3));
      Operand<TFloat32> out = softmax ? tf.nn.softmax(scores) : scores;
      try (Session s = new Session(g)) {
        s.initialize();
        SavedModelBundle.exporter(dir.toString()).withSession(s)
            .withSignature(Signature.builder().key("serving_default").input("input_1", input).output(outputKey, out).build())
            .export();
      }
    }
    return dir;
  }
}
