package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.ModelMetadata;
import io.segvid.inference.ModelOverrides;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.export.ModelExporter;
import io.segvid.trainer.train.OptimizerKind;
import io.segvid.trainer.train.TrainGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/** Export writes the serving signature and metadata; a fresh JVM reloads it and gets bit-identical outputs. */
class ExportReloadTest {

  @TempDir
  Path tmp;

  @Test
  void exportReloadsBitIdenticallyInAFreshJvm() throws Exception {
    Path modelDir = tmp.resolve("model");
    Map<String, float[]> weights = trainedWeights();
    ModelExporter.export(TinyModels.spec(3), weights, TinyModels.metadata(3, 48, 64), modelDir);

    // --init-from reads the exported variables back exactly (training can continue from a shipped model).
    try (TrainGraph g = new TrainGraph(TinyModels.spec(3), OptimizerKind.ADAM, 0f, 0.9f, 1)) {
      Map<String, float[]> back = io.segvid.trainer.model.SavedModelWeights.read(modelDir, g.params().all().values());
      assertEquals(weights.keySet(), back.keySet());
      for (String name : weights.keySet()) assertArrayEquals(weights.get(name), back.get(name), name);
    }

    try (SavedModelBundle bundle = SavedModelBundle.load(modelDir.toString(), "serve")) {
      Signature sig = bundle.signatures().stream().filter(s -> s.key().equals("serving_default")).findFirst().orElseThrow();
      assertEquals(DataType.DT_UINT8, sig.getInputs().get("images").dataType);
      assertArrayEquals(new long[] {-1, -1, -1, 3}, sig.getInputs().get("images").shape.asArray());
      assertEquals(DataType.DT_UINT8, sig.getOutputs().get("classes").dataType);
      assertEquals(DataType.DT_FLOAT, sig.getOutputs().get("logits").dataType);
    }
    assertEquals(3, ModelMetadata.read(modelDir).numClasses());

    // An odd size (not a multiple of the output stride) must work and keep the input size.
    int h = 45;
    int w = 61;
    LabelledImage image = TinyModels.twoRegions(1, h, w, 5).get(0);
    Path rgb = tmp.resolve("image.rgb");
    Files.write(rgb, image.rgb());
    Path here = tmp.resolve("here.bin");
    Path there = tmp.resolve("there.bin");
    ReloadProbe.run(modelDir, rgb, h, w, here);

    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ReloadProbe.class.getName(),
        modelDir.toString(), rgb.toString(), Integer.toString(h), Integer.toString(w), there.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("probe.log").toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "fresh JVM did not finish");
    assertEquals(0, p.exitValue(), () -> "fresh JVM failed: " + read(tmp.resolve("probe.log")));

    byte[] a = Files.readAllBytes(here);
    byte[] b = Files.readAllBytes(there);
    assertEquals(4 + h * w + 4 + h * w * 3 * 4, a.length, "classes [1,h,w] uint8 and logits [1,h,w,3] float");
    assertArrayEquals(a, b, "outputs after reload in a fresh JVM must be bit-identical");

    // The segmenter (what the pipeline uses) returns the same classes as the raw signature it is told to use.
    ModelOverrides portable = new ModelOverrides("serving_default", null, null, null, null, null, null, null);
    try (SavedModelSegmenter seg = SavedModelSegmenter.open(modelDir, portable, 2)) {
      byte[][] masks = {new byte[h * w]};
      seg.segment(new byte[][] {image.rgb()}, 1, h, w, masks);
      byte[] expected = java.util.Arrays.copyOfRange(a, 4, 4 + h * w);
      assertArrayEquals(expected, masks[0]);
    }
  }

  /** Weights after a few steps, so batch-norm statistics are not the trivial 0/1. */
  private static Map<String, float[]> trainedWeights() {
    List<LabelledImage> data = TinyModels.twoRegions(4, 32, 32, 1);
    try (TrainGraph g = new TrainGraph(TinyModels.spec(3), OptimizerKind.ADAM, 0f, 0.5f, 2)) {
      g.loadModel(g.freshModelValues(11));
      g.loadOptimizer(g.freshOptimizerValues());
      byte[] images = new byte[4 * 32 * 32 * 3];
      byte[] labels = new byte[4 * 32 * 32];
      float[] weights = new float[4 * 32 * 32];
      for (int i = 0; i < 4; i++) {
        System.arraycopy(data.get(i).rgb(), 0, images, i * 32 * 32 * 3, 32 * 32 * 3);
        System.arraycopy(data.get(i).labels(), 0, labels, i * 32 * 32, 32 * 32);
      }
      java.util.Arrays.fill(weights, 1f);
      try (TUint8 im = TUint8.tensorOf(Shape.of(4, 32, 32, 3), DataBuffers.of(images, true, false));
           TUint8 lb = TUint8.tensorOf(Shape.of(4, 32, 32), DataBuffers.of(labels, true, false));
           TFloat32 wt = TFloat32.tensorOf(Shape.of(4, 32, 32), DataBuffers.of(weights, true, false))) {
        for (int s = 1; s <= 3; s++) g.step(im, lb, wt, 1e-3f, s);
      }
      return g.readModel();
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "(no log)";
    }
  }
}
