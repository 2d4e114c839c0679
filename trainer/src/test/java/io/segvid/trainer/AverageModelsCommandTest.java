package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.ModelMetadata;
import io.segvid.trainer.cli.AverageModelsCommand;
import io.segvid.trainer.export.ModelExporter;
import io.segvid.trainer.model.ExportedModel;
import io.segvid.trainer.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** segvid average-models: every weight of the result is the mean of the models'; mismatched models are one line. */
class AverageModelsCommandTest {

  @TempDir
  Path tmp;

  @Test
  void everyWeightIsTheMeanOfTheModels() throws Exception {
    ExportedModel shipped = ExportedModel.read(ServingGraphTest.MODEL);
    // A second model of the same architecture: every weight of the shipped one plus 1 (statistics too).
    Map<String, float[]> shifted = new LinkedHashMap<>();
    shipped.weights().forEach((name, w) -> {
      float[] s = w.clone();
      for (int i = 0; i < s.length; i++) s[i] += 1f;
      shifted.put(name, s);
    });
    Path other = tmp.resolve("shifted");
    ModelExporter.export(shipped.spec(), shifted, shipped.metadata(), other);

    Path out = tmp.resolve("mean");
    Cli r = Cli.run(new AverageModelsCommand(), ServingGraphTest.MODEL.toString(), other.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    ExportedModel mean = ExportedModel.read(out);
    assertEquals(shipped.metadata(), mean.metadata());
    assertEquals(shipped.weights().keySet(), mean.weights().keySet());
    for (String name : shipped.weights().keySet()) {
      float[] w = shipped.weights().get(name);
      float[] m = mean.weights().get(name);
      for (int i = 0; i < w.length; i++) assertEquals(w[i] + 0.5f, m[i], 1e-5f + Math.abs(w[i]) * 1e-6f, name + "[" + i + "]");
    }
  }

  @Test
  void modelsOfAnotherArchitectureAreRefusedInOneLine() throws Exception {
    ModelSpec tiny = TinyModels.spec(11);
    ExportedModel shipped = ExportedModel.read(ServingGraphTest.MODEL);
    Path small = tmp.resolve("tiny");
    ModelMetadata meta = new ModelMetadata(shipped.metadata().classes(), 11, 48, 64, null, null, null, null, null,
        tiny.architecture());
    Map<String, float[]> weights;
    try (io.segvid.trainer.train.TrainGraph g = new io.segvid.trainer.train.TrainGraph(tiny,
        io.segvid.trainer.train.OptimizerKind.ADAM, 0f, 0.9f, 1)) {
      weights = g.freshModelValues(3);
    }
    ModelExporter.export(tiny, weights, meta, small);

    Path out = tmp.resolve("mean");
    Cli r = Cli.run(new AverageModelsCommand(), ServingGraphTest.MODEL.toString(), small.toString(), "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("another architecture") && r.err().strip().lines().count() == 1, r.err());
    assertFalse(Files.exists(out));
  }
}
