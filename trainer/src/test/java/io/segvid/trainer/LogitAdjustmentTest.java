package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.cli.OptimizeCommand;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import io.segvid.trainer.model.ExportedModel;
import io.segvid.trainer.model.LogitAdjustment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/** Class offsets of the logit adjustment: their values, and a served model that adds them to every pixel's scores. */
class LogitAdjustmentTest {

  @TempDir
  Path tmp;

  @Test
  void offsetsTakeBackTauTimesTheLogOfEachWeight() {
    List<Float> offsets = LogitAdjustment.offsets(new float[] {0.25f, 1f, 4f, 0f}, 0.5f);
    float half = (float) (0.5 * Math.log(4));
    assertArrayEquals(new float[] {half, 0f, -half, 0f}, toArray(offsets), 1e-6f, "a class of weight 0 gets none");
    assertNull(LogitAdjustment.offsets(new float[] {0.25f, 4f}, 0f), "tau 0: off");
    assertNull(LogitAdjustment.offsets(new float[] {1f, 1f, 1f}, 0.5f), "equal weights: nothing to take back");
    assertThrows(IllegalArgumentException.class, () -> LogitAdjustment.offsets(new float[] {1f, 2f}, -1f));
  }

  /**
   * optimize --logit-adjustment on the shipped model: every pixel's logits move by exactly the offsets
   * computed from the data's class weights, the classes follow the moved logits, the offsets are read
   * back from the written model (a plain optimize keeps them), and 0 removes them.
   */
  @Test
  void optimizeSetsKeepsAndRemovesTheOffsetsOfAServedModel() throws Exception {
    Path raw = tmp.resolve("raw");  // the shipped model carries offsets of its own
    assertEquals(0, Cli.run(new OptimizeCommand(), ServingGraphTest.MODEL.toString(), raw.toString(),
        "--logit-adjustment", "0").code());
    assertNull(ExportedModel.read(raw).spec().classOffsets());
    Path adjusted = tmp.resolve("adjusted");
    assertEquals(0, Cli.run(new OptimizeCommand(), raw.toString(), adjusted.toString(),
        "--logit-adjustment", "0.5", "--data", ServingGraphTest.FRAMES.toString()).code());
    List<Float> offsets = ExportedModel.read(adjusted).spec().classOffsets();
    assertEquals(11, offsets.size());
    assertTrue(offsets.stream().anyMatch(o -> Math.abs(o) > 0.1f), "offsets: " + offsets);

    LabelledImage frame = LabelledImageFolder.load(ServingGraphTest.FRAMES).get(0);
    float[] plain = serve(raw, frame).logits();
    Served served = serve(adjusted, frame);
    float[] moved = served.logits();
    byte[] classes = served.classes();
    for (int p = 0; p < classes.length; p++) {
      int best = 0;
      for (int c = 0; c < 11; c++) {
        assertEquals(plain[p * 11 + c] + offsets.get(c), moved[p * 11 + c], 1e-3f, "pixel " + p + " class " + c);
        if (moved[p * 11 + c] > moved[p * 11 + best]) best = c;
      }
      assertEquals(best, classes[p], "pixel " + p + " takes the class of its moved scores");
    }

    Path kept = tmp.resolve("kept");
    assertEquals(0, Cli.run(new OptimizeCommand(), adjusted.toString(), kept.toString()).code());
    assertEquals(offsets, ExportedModel.read(kept).spec().classOffsets(), "a plain optimize keeps the offsets");

    Cli bad = Cli.run(new OptimizeCommand(), ServingGraphTest.MODEL.toString(), tmp.resolve("bad").toString(),
        "--logit-adjustment", "0.5");
    assertEquals("--logit-adjustment needs --data: the folder the model was trained on", bad.err().strip());
    Cli negative = Cli.run(new OptimizeCommand(), ServingGraphTest.MODEL.toString(), tmp.resolve("bad").toString(),
        "--logit-adjustment", "-1", "--data", ServingGraphTest.FRAMES.toString());
    assertEquals("--logit-adjustment must be between 0 (off) and 2, got -1.0", negative.err().strip());
    assertTrue(negative.code() != 0 && !java.nio.file.Files.exists(tmp.resolve("bad")), "nothing written");
  }

  /** The served model's logits and classes for one frame. */
  private record Served(float[] logits, byte[] classes) { }

  private static Served serve(Path model, LabelledImage f) {
    try (SavedModelBundle b = SavedModelBundle.load(model.toString(), "serve");
         TUint8 in = TUint8.tensorOf(Shape.of(1, f.height(), f.width(), 3), DataBuffers.of(f.rgb(), true, false));
         Result r = b.function("serving_default").call(Map.of("images", in))) {
      TFloat32 logits = (TFloat32) r.get("logits").orElseThrow();
      TUint8 classes = (TUint8) r.get("classes").orElseThrow();
      float[] scores = new float[(int) logits.shape().size()];
      byte[] ids = new byte[(int) classes.shape().size()];
      logits.copyTo(DataBuffers.of(scores, false, false));
      classes.copyTo(DataBuffers.of(ids, false, false));
      return new Served(scores, ids);
    }
  }

  private static float[] toArray(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) out[i] = values.get(i);
    return out;
  }
}
