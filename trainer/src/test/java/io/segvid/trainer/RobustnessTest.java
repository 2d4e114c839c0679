package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segvid.trainer.cli.EvaluateCommand;
import io.segvid.trainer.data.PictureCondition;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate --degrade and --robustness with the shipped model on real CamVid frames: each condition's row is
 * the score evaluate gives under that condition alone, a no-op degradation scores as the plain images, and
 * the report lists every condition.
 */
class RobustnessTest {

  private static final String MODEL = ServingGraphTest.MODEL.toString();
  private static final String DATA = ServingGraphTest.FRAMES.toString();

  @TempDir
  Path tmp;

  @Test
  void eachConditionScoresAsEvaluateUnderItAlone() throws Exception {
    Path report = tmp.resolve("robustness.json");
    String table = Cli.printed(() -> assertEquals(0, Cli.run(new EvaluateCommand(), "--model", MODEL, "--data", DATA,
        "--robustness", "--report", report.toString()).code()));
    String plain = Evaluations.miou(Evaluations.printed(MODEL));
    assertEquals(plain, row(table, "as given"));
    assertEquals(Evaluations.miou(Evaluations.printed(MODEL, "--degrade", "noise:26")), row(table, "noise-26"), table);
    assertEquals(Evaluations.miou(Evaluations.printed(MODEL, "--degrade", "jpeg:12")), row(table, "jpeg-12"), table);
    assertEquals(Evaluations.miou(Evaluations.printed(MODEL, "--channel-gains", "1.12,1,0.7")), row(table, "warm-strong"), table);
    assertTrue(Double.parseDouble(row(table, "noise-26")) < Double.parseDouble(plain),
        "strong noise must cost the model something:\n" + table);
    double sum = Double.parseDouble(plain);
    double worst = sum;
    for (PictureCondition c : PictureCondition.STANDARD) {
      double v = Double.parseDouble(row(table, c.name()));
      sum += v;
      worst = Math.min(worst, v);
    }
    double mean = sum / (PictureCondition.STANDARD.size() + 1);
    assertEquals(mean, Double.parseDouble(row(table, "mean")), 1e-4, table);
    assertEquals(worst, Double.parseDouble(row(table, "worst")), 1e-4, table);
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertEquals(mean, json.get("robustnessMeanIou").asDouble(), 1e-4);
    JsonNode rows = json.get("robustness");
    assertEquals(PictureCondition.STANDARD.size(), rows.size());
    for (int i = 0; i < rows.size(); i++) {
      String name = PictureCondition.STANDARD.get(i).name();
      assertEquals(name, rows.get(i).get("condition").asText());
      assertEquals(Double.parseDouble(row(table, name)), rows.get(i).get("meanIou").asDouble(), 5e-5);
    }
  }

  @Test
  void conditionsStackOnWhatTheFlagsAlreadyDoAndANoOpChangesNothing() throws Exception {
    assertEquals(Evaluations.miou(Evaluations.printed(MODEL)),
        Evaluations.miou(Evaluations.printed(MODEL, "--degrade", "exposure:1")));
    Path report = tmp.resolve("noisy-jpeg.json");
    String noisyJpeg = Evaluations.miou(Evaluations.printed(MODEL, "--degrade", "noise:13.5", "--degrade", "jpeg:12",
        "--report", report.toString()));
    assertEquals("noise:13.5 + jpeg:12", new ObjectMapper().readTree(report.toFile()).get("degrade").asText());
    String table = Cli.printed(() -> assertEquals(0, Cli.run(new EvaluateCommand(), "--model", MODEL, "--data", DATA,
        "--degrade", "noise:13.5", "--robustness").code()));
    assertEquals(noisyJpeg, row(table, "jpeg-12"), "robustness conditions come on top of --degrade:\n" + table);
    Cli bad = Cli.run(new EvaluateCommand(), "--model", MODEL, "--data", DATA, "--degrade", "fog:3");
    assertEquals(1, bad.code());
    assertEquals("--degrade must be KIND:LEVEL with KIND one of exposure, blur, noise, jpeg, downscale, got 'fog:3'",
        bad.err().strip());
  }

  private static String row(String table, String condition) {
    Matcher m = Pattern.compile("\\n  " + Pattern.quote(condition) + " +(\\S+) ").matcher(table);
    assertTrue(m.find(), condition + " missing:\n" + table);
    return m.group(1);
  }
}
