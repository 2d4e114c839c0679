package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segvid.trainer.cli.CompareCommand;
import io.segvid.trainer.cli.OptimizeCommand;
import io.segvid.trainer.export.ModelExporter;
import io.segvid.trainer.model.ModelSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare with the shipped model and the same weights without its class offsets (a different model of the
 * same classes): each column is what evaluate gives that model alone, in the order given, as given and under
 * a robustness condition; models of other classes are refused in one line.
 */
class CompareCommandTest {

  private static final String MODEL = ServingGraphTest.MODEL.toString();
  private static final String DATA = ServingGraphTest.FRAMES.toString();

  @TempDir
  Path tmp;

  @Test
  void eachColumnIsWhatEvaluateGivesThatModel() throws Exception {
    Path plain = tmp.resolve("no-offsets");
    assertEquals(0, Cli.run(new OptimizeCommand(), MODEL, plain.toString(), "--logit-adjustment", "0").code());
    Path report = tmp.resolve("compare.json");
    String table = Cli.printed(() -> assertEquals(0, Cli.run(new CompareCommand(), MODEL, plain.toString(),
        "--data", DATA, "--robustness", "--report", report.toString()).code()));
    String[] shipped = cells(table, "mIoU");
    String shippedAlone = Evaluations.miou(Evaluations.printed(MODEL));
    String plainAlone = Evaluations.miou(Evaluations.printed(plain.toString()));
    assertNotEquals(shippedAlone, plainAlone, "the two models must differ for the check to mean anything");
    assertEquals(shippedAlone, shipped[0], table);
    assertEquals(plainAlone, shipped[1], table);
    String[] pole = cells(table, "pole");
    assertEquals(2, pole.length, table);
    String[] jpeg = cells(table, "  jpeg-12");
    assertEquals(Evaluations.miou(Evaluations.printed(plain.toString(), "--degrade", "jpeg:12")), jpeg[1], table);
    JsonNode models = new ObjectMapper().readTree(report.toFile()).get("models");
    assertEquals(2, models.size());
    assertEquals(plain.toString(), models.get(1).get("model").asText());
    assertEquals(Double.parseDouble(plainAlone), models.get(1).get("meanIou").asDouble(), 5e-5);
    assertEquals(11, models.get(0).get("robustness").size());
    assertEquals(models.get(1).get("robustnessMeanIou").asDouble(), Double.parseDouble(cells(table, "  mean")[1]), 5e-5);
    assertEquals(models.get(0).get("robustnessWorstMeanIou").asDouble(), Double.parseDouble(cells(table, "  worst")[0]), 5e-5);
  }

  @Test
  void modelsOfOtherClassesAreRefusedInOneLine() throws Exception {
    ModelSpec tiny = TinyModels.spec(3);
    Path small = tmp.resolve("tiny");
    Map<String, float[]> weights;
    try (io.segvid.trainer.train.TrainGraph g = new io.segvid.trainer.train.TrainGraph(tiny,
        io.segvid.trainer.train.OptimizerKind.ADAM, 0f, 0.9f, 1)) {
      weights = g.freshModelValues(3);
    }
    ModelExporter.export(tiny, weights, TinyModels.metadata(3, 48, 64), small);
    Cli r = Cli.run(new CompareCommand(), MODEL, small.toString(), "--data", DATA);
    assertEquals(1, r.code());
    assertTrue(r.err().contains("has other classes than") && r.err().strip().lines().count() == 1, r.err());
    assertEquals(2, Cli.run(new CompareCommand(), MODEL, "--data", DATA).code(), "one model is not a comparison");
  }

  /** The values of the table's row that starts with {@code name}. */
  private static String[] cells(String table, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " +([0-9.n/a ]+)$").matcher(table);
    assertTrue(m.find(), name + " missing:\n" + table);
    return m.group(1).strip().split("\\s+");
  }
}
