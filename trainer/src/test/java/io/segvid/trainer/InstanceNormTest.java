package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.ModelMetadata;
import io.segvid.trainer.cli.OptimizeCommand;
import io.segvid.trainer.cli.TrainCommand;
import io.segvid.trainer.model.ModelSpec;
import io.segvid.trainer.model.SavedModelWeights;
import io.segvid.trainer.train.Trainer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --instance-norm (IBN-a) reaches the graph: the early stages' expansion layers carry instance-norm scale
 * and shift for half their channels, the exported serving graph (the other half folded) computes what
 * the validation graph computes, the metadata records it, and a re-export, a fine-tune and a resumed run
 * keep it; models without it write no key; the ResNet-50 backbone refuses it in one line.
 */
class InstanceNormTest {

  @TempDir
  Path tmp;

  @Test
  void theInstanceNormalisedChannelsAreTrainedServedAndKept() throws Exception {
    Path data = TinyModels.writeTwoRegions(tmp.resolve("data"));
    Path run = tmp.resolve("ibn");
    String log = AsppRatesTest.train("--data", data.toString(), "--out", run.toString(), "--instance-norm");
    assertTrue(log.contains("with IBN-a instance norm"), log);
    Path model = run.resolve("model");
    ModelSpec spec = spec(model);
    assertTrue(spec.instanceNorm());
    // Width 0.35: stage 1's first block expands 8 channels six times, 24 of its 48 instance-normalised.
    assertEquals(24, SavedModelWeights.readAnyShape(model, "backbone.s1.b0.expand.in.gamma").length);
    assertEquals(24, SavedModelWeights.readAnyShape(model, "backbone.s1.b0.expand.bn.moving_mean").length);
    assertEquals(16 * 6 / 2, SavedModelWeights.readAnyShape(model, "backbone.s3.b0.expand.in.beta").length);
    assertEquals(24 * 6, SavedModelWeights.readAnyShape(model, "backbone.s4.b0.expand.bn.gamma").length,
        "stage 4 (after stride 16) keeps batch norm on every channel");
    ServingGraphTest.assertServedAsValidated(spec, model, model, TinyModels.twoRegions(3, 40, 48, 11), null);

    Path optimized = tmp.resolve("optimized");
    Cli re = Cli.run(new OptimizeCommand(), model.toString(), optimized.toString());
    assertEquals(0, re.code(), re.err());
    assertTrue(spec(optimized).instanceNorm(), "a re-export keeps it");
    String fine = AsppRatesTest.train("--data", data.toString(), "--out", tmp.resolve("tuned").toString(),
        "--init-from", model.toString());
    assertTrue(fine.contains("with IBN-a instance norm"), "a fine-tune keeps its model's normalisation: " + fine);
    assertTrue(Trainer.savedOptions(run).spec().instanceNorm(), "--resume rebuilds the same graph");

    Cli bad = Cli.run(new TrainCommand(), "--data", data.toString(), "--out", tmp.resolve("bad").toString(),
        "--backbone", "resnet50", "--instance-norm", "--num-classes", "2");
    assertEquals("instance normalisation (IBN-a) is built for the MobileNetV2 backbone only", bad.err().strip());
  }

  @Test
  void modelsWithoutItWriteNoKey() {
    ModelSpec paper = new ModelSpec(ModelSpec.Backbone.MOBILENETV2, 0.5f, 8, 11, 128, 128, ModelSpec.defaultRates(8));
    assertFalse(paper.architecture().containsKey("instance_norm"), "older models re-export to the same metadata");
    assertFalse(ModelSpec.fromArchitecture(paper.architecture(), 11).instanceNorm());
    assertTrue(ModelSpec.fromArchitecture(paper.withInstanceNorm(true).architecture(), 11).instanceNorm());
  }

  private static ModelSpec spec(Path model) throws Exception {
    ModelMetadata meta = ModelMetadata.read(model);
    return ModelSpec.fromArchitecture(meta.architecture(), meta.numClasses());
  }
}
