package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.ModelMetadata;
import io.segvid.trainer.cli.OptimizeCommand;
import io.segvid.trainer.cli.TrainCommand;
import io.segvid.trainer.model.ModelSpec;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TInt32;

/**
 * --aspp-rates reaches the graph: the exported model's dilated convolutions run at the rates given,
 * its metadata records them, and a re-export or a fine-tune from it keeps them.
 */
class AsppRatesTest {

  static final String[] TINY = {"--width", "0.35", "--aspp-channels", "16",
      "--decoder-channels", "16", "--batch", "2", "--crop", "32x32", "--num-classes", "2", "--class-weights", "none",
      "--epochs", "1"};

  @TempDir
  Path tmp;

  @Test
  void theRatesGivenAreTheRatesServedAndKept() throws Exception {
    Path data = TinyModels.writeTwoRegions(tmp.resolve("data"));
    Path run = tmp.resolve("rates");
    String log = train("--data", data.toString(), "--out", run.toString(), "--aspp-rates", "3,5,7",
        "--output-stride", "16");
    assertTrue(log.contains("ASPP rates 3/5/7"), log);
    Path model = run.resolve("model");
    assertEquals(List.of(3, 5, 7), spec(model).asppRates());
    // Output stride 16 dilates the backbone's last stage by 2; the paper's ASPP rates would be 6/12/18.
    assertEquals(Set.of(2, 3, 5, 7), servedRates(model));

    Path optimized = tmp.resolve("optimized");
    Cli re = Cli.run(new OptimizeCommand(), model.toString(), optimized.toString());
    assertEquals(0, re.code(), re.err());
    assertEquals(Set.of(2, 3, 5, 7), servedRates(optimized), "a re-export builds the same graph");

    Path tuned = tmp.resolve("tuned");
    String fine = train("--data", data.toString(), "--out", tuned.toString(), "--init-from", model.toString());
    assertTrue(fine.contains("ASPP rates 3/5/7"), "a fine-tune keeps its model's rates: " + fine);
    String strided = train("--data", data.toString(), "--out", tmp.resolve("os8").toString(), "--init-from",
        model.toString(), "--output-stride", "8");
    assertTrue(strided.contains("ASPP rates 12/24/36"), "another output stride takes the paper's rates for it: " + strided);

    Cli bad = Cli.run(new TrainCommand(), "--data", data.toString(), "--out", tmp.resolve("bad").toString(),
        "--aspp-rates", "6,0,18", "--num-classes", "2");
    assertEquals("--aspp-rates must be three rates >= 1, e.g. 12,24,36; got [6, 0, 18]", bad.err().strip());
  }

  @Test
  void onlyRatesOtherThanThePapersAreRecorded() {
    Map<String, Object> arch = new HashMap<>(new ModelSpec(ModelSpec.Backbone.MOBILENETV2, 0.5f, 8, 11, 128, 128,
        List.of(1, 2, 3)).architecture());
    assertEquals(List.of(1, 2, 3), ModelSpec.fromArchitecture(arch, 11).asppRates());
    arch.remove("aspp_rates");
    assertEquals(List.of(12, 24, 36), ModelSpec.fromArchitecture(arch, 11).asppRates());
    assertEquals(arch, new ModelSpec(ModelSpec.Backbone.MOBILENETV2, 0.5f, 8, 11, 128, 128, ModelSpec.defaultRates(8))
        .architecture(), "the paper's rates are not written, so older models re-export to the same metadata");
  }

  private static ModelSpec spec(Path model) throws Exception {
    ModelMetadata meta = ModelMetadata.read(model);
    return ModelSpec.fromArchitecture(meta.architecture(), meta.numClasses());
  }

  /** The block sizes of every SpaceToBatchND in the saved graph: the rates its atrous convolutions run at. */
  static Set<Integer> servedRates(Path model) {
    Set<Integer> rates = new TreeSet<>();
    try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), "serve")) {
      Iterator<GraphOperation> ops = bundle.graph().operations();
      while (ops.hasNext()) {
        GraphOperation op = ops.next();
        if (!op.type().equals("SpaceToBatchND")) continue;
        try (Result r = bundle.session().runner().fetch(op.input(1)).run()) {
          rates.add(((TInt32) r.get(0)).getInt(0));
        }
      }
    }
    return rates;
  }

  /** TrainCommand with {@link #TINY} appended; fails the test unless it exits 0. Returns what it printed. */
  static String train(String... args) {
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(TINY))
        .toArray(String[]::new);
    return Cli.printed(() -> {
      Cli r = Cli.run(new TrainCommand(), all);
      assertEquals(0, r.code(), r.err());
    });
  }
}
