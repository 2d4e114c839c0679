package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.ModelMetadata;
import io.segvid.trainer.cli.OptimizeCommand;
import io.segvid.trainer.cli.TrainCommand;
import io.segvid.trainer.model.ModelSpec;
import io.segvid.trainer.model.SavedModelWeights;
import io.segvid.trainer.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TUint8;

/**
 * --half-res-decoder reaches the graph: the served class scores come out at half the input's size
 * (a quarter without it), the classifier reads the narrower half-resolution features, the metadata
 * records the step, and a re-export, a fine-tune and a resumed run keep it; older runs and models,
 * which lack the key, read as without it.
 */
class HalfResDecoderTest {

  @TempDir
  Path tmp;

  @Test
  void theHalfResolutionStepIsTrainedServedAndKept() throws Exception {
    Path data = TinyModels.writeTwoRegions(tmp.resolve("data"));
    Path run = tmp.resolve("half");
    String log = train("--data", data.toString(), "--out", run.toString(), "--half-res-decoder", "8");
    assertTrue(log.contains("decoder 16 channels then 8 at half resolution"), log);
    Path model = run.resolve("model");
    assertEquals(8, spec(model).halfResChannels());
    assertEquals(16, scoreSide(model, 32), "scores at half of a 32-pixel input");
    // The classifier reads the 8 half-resolution channels (2 classes each), not the 16 of the quarter.
    assertEquals(8 * 2, SavedModelWeights.readAnyShape(model, "classifier.weights").length);

    Path optimized = tmp.resolve("optimized");
    Cli re = Cli.run(new OptimizeCommand(), model.toString(), optimized.toString());
    assertEquals(0, re.code(), re.err());
    assertEquals(16, scoreSide(optimized, 32), "a re-export builds the same graph");

    String fine = train("--data", data.toString(), "--out", tmp.resolve("tuned").toString(), "--init-from", model.toString());
    assertTrue(fine.contains("then 8 at half resolution"), "a fine-tune keeps its model's decoder: " + fine);
    assertEquals(8, Trainer.savedOptions(run).spec().halfResChannels(), "--resume rebuilds the same graph");

    Path quarter = tmp.resolve("quarter");
    train("--data", data.toString(), "--out", quarter.toString());
    assertEquals(8, scoreSide(quarter.resolve("model"), 32), "without the option the decoder ends at a quarter");
    assertEquals(0, spec(quarter.resolve("model")).halfResChannels());

    Cli bad = Cli.run(new TrainCommand(), "--data", data.toString(), "--out", tmp.resolve("bad").toString(),
        "--half-res-decoder", "4", "--num-classes", "2");
    assertEquals("--half-res-decoder must be 0 (none) or >= 8 channels, got 4", bad.err().strip());
  }

  @Test
  void runsAndModelsFromBeforeTheOptionReadAsWithoutIt() throws Exception {
    ModelSpec paper = new ModelSpec(ModelSpec.Backbone.MOBILENETV2, 0.5f, 8, 11, 128, 128, ModelSpec.defaultRates(8));
    assertTrue(!paper.architecture().containsKey("half_res_channels"), "older models re-export to the same metadata");
    assertEquals(32, ModelSpec.fromArchitecture(paper.withHalfResChannels(32).architecture(), 11).halfResChannels());

    Path data = TinyModels.writeTwoRegions(tmp.resolve("data"));
    Path run = tmp.resolve("old");
    train("--data", data.toString(), "--out", run.toString());
    Path options = run.resolve("checkpoint/options.json");
    String saved = Files.readString(options);
    assertTrue(saved.contains("\"halfResChannels\""), saved);
    Files.writeString(options, saved.replaceAll(",\\s*\"halfResChannels\"\\s*:\\s*0", ""));
    assertEquals(0, Trainer.savedOptions(run).spec().halfResChannels(), "a checkpoint written before the option");
  }

  private static ModelSpec spec(Path model) throws Exception {
    ModelMetadata meta = ModelMetadata.read(model);
    return ModelSpec.fromArchitecture(meta.architecture(), meta.numClasses());
  }

  /**
   * The side of the class scores the served graph resizes to the input: the largest map with one
   * channel per class among the inputs of its bilinear resizes, for a square frame of {@code side}.
   */
  private static long scoreSide(Path model, int side) throws Exception {
    int classes = ModelMetadata.read(model).numClasses();
    long largest = 0;
    try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), "serve");
         TUint8 frame = TUint8.tensorOf(Shape.of(1, side, side, 3))) {
      Signature serving = bundle.signatures().stream().filter(s -> s.key().equals("serving_default")).findFirst()
          .orElseThrow();
      String input = serving.getInputs().values().iterator().next().name;
      Iterator<GraphOperation> ops = bundle.graph().operations();
      while (ops.hasNext()) {
        GraphOperation op = ops.next();
        if (!op.type().equals("ResizeBilinear")) continue;
        try (Result r = bundle.session().runner().feed(input, frame).fetch(op.input(0)).run()) {
          Shape s = r.get(0).shape();
          if (s.numDimensions() == 4 && s.size(3) == classes) largest = Math.max(largest, s.size(1));
        }
      }
    }
    return largest;
  }

  private static String train(String... args) {
    return AsppRatesTest.train(args);
  }
}
