package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.cli.TrainCommand;
import io.segvid.trainer.data.Augmentation;
import io.segvid.trainer.data.BatchAssembler;
import io.segvid.trainer.data.ClassWeights;
import io.segvid.trainer.model.SavedModelWeights;
import io.segvid.trainer.model.WeightFile;
import io.segvid.trainer.train.LossKind;
import io.segvid.trainer.train.OptimizerKind;
import io.segvid.trainer.train.TrainGraph;
import io.segvid.trainer.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --aux-loss: a linear classifier on the backbone's output whose weighted cross-entropy joins the loss
 * while training; it never reaches the exported model, and a fine-tune from an exported model starts it fresh.
 */
class AuxLossTest {

  private static final String AUX_WEIGHTS = "aux.classifier.weights";

  @TempDir
  Path tmp;

  @Test
  void theBackboneClassifiersLossJoinsTheLossAtItsWeightAndTrains() {
    BatchAssembler assembler = new BatchAssembler(48, 48, new Augmentation(1f, 1f, false, 0f, 0f, 0f), 255,
        ClassWeights.uniform(2));
    BatchAssembler.Batch batch = assembler.assemble(TinyModels.twoRegions(4, 48, 64, 3), new Random(1));
    try (TrainGraph plain = graph(0f); TrainGraph full = graph(1f); TrainGraph half = graph(0.5f);
         TrainingStepTest.Tensors t = new TrainingStepTest.Tensors(batch)) {
      Map<String, float[]> values = full.freshModelValues(5);
      Map<String, float[]> plainValues = plain.freshModelValues(5);
      assertTrue(values.containsKey(AUX_WEIGHTS) && !plainValues.containsKey(AUX_WEIGHTS));
      plainValues.forEach((name, v) -> assertArrayEquals(v, values.get(name), name + " starts the same with the head or without"));
      plain.loadModel(plainValues);
      full.loadModel(values);
      half.loadModel(values);
      float without = plain.loss(t.images, t.labels, t.weights);
      float auxAtOne = full.loss(t.images, t.labels, t.weights) - without;
      float auxAtHalf = half.loss(t.images, t.labels, t.weights) - without;
      assertTrue(auxAtOne > 0.05f, "the backbone classifier's cross-entropy is added: " + auxAtOne);
      assertEquals(auxAtOne / 2, auxAtHalf, 1e-3f * Math.max(1f, auxAtOne), "at half the weight, half of it");

      full.loadOptimizer(full.freshOptimizerValues());
      full.step(t.images, t.labels, t.weights, 1e-3f, 1);
      assertFalse(java.util.Arrays.equals(values.get(AUX_WEIGHTS), full.readModel().get(AUX_WEIGHTS)),
          "the backbone classifier is trained");
      TrainingStepTest.assertFortyStepsLowerTheLoss(full);
    }
  }

  @Test
  void theClassifierStaysOutOfTheExportAndAFineTuneStartsItFresh() throws Exception {
    Path data = TinyModels.writeTwoRegions(tmp.resolve("data"));
    Path run = tmp.resolve("aux");
    String log = AsppRatesTest.train("--data", data.toString(), "--out", run.toString(), "--aux-loss", "0.4");
    // The count is the exported model's; the classifier's apart (a 1x1 on the tiny backbone's output, 2 classes).
    assertTrue(log.matches("(?s).*fresh MOBILENETV2 model, [0-9,]+ parameters \\(and [0-9,]+ of the training-only "
        + "backbone classifier\\).*"), log);
    assertEquals(0.4f, Trainer.savedOptions(run).auxLoss(), 1e-6f, "--resume keeps it");
    assertTrue(WeightFile.read(run.resolve("checkpoint/model.weights")).containsKey(AUX_WEIGHTS), "checkpointed");
    Path model = run.resolve("model");
    assertThrows(java.io.IOException.class, () -> SavedModelWeights.readAnyShape(model, AUX_WEIGHTS), "not exported");

    AsppRatesTest.train("--data", data.toString(), "--out", tmp.resolve("tuned").toString(), "--init-from",
        model.toString(), "--aux-loss", "0.4");

    Path options = run.resolve("checkpoint/options.json");
    String saved = Files.readString(options);
    assertTrue(saved.contains("\"auxLoss\""), saved);
    Files.writeString(options, saved.replaceAll(",\\s*\"auxLoss\"\\s*:\\s*[0-9.]+", ""));
    assertEquals(0f, Trainer.savedOptions(run).auxLoss(), "a checkpoint written before the option");

    Cli bad = Cli.run(new TrainCommand(), "--data", data.toString(), "--out", tmp.resolve("bad").toString(),
        "--aux-loss", "-1", "--num-classes", "2");
    assertEquals("--aux-loss must be in 0..10, got -1.0", bad.err().strip());
  }

  private static TrainGraph graph(float auxLoss) {
    return new TrainGraph(TinyModels.spec(2), OptimizerKind.ADAM, 0f, 0.9f, 2, LossKind.CROSS_ENTROPY, 0f, 0f, auxLoss);
  }
}
