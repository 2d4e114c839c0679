package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segvid.trainer.eval.ConfusionMatrix;
import io.segvid.trainer.eval.EvaluationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate --report: the JSON holds the same numbers as the confusion matrix, undefined scores as null. */
class EvaluationReportTest {

  @TempDir
  Path tmp;

  @Test
  void theReportHoldsTheScoresAndTheWholeConfusionMatrix() throws Exception {
    ConfusionMatrix cm = new ConfusionMatrix(3, 255);
    cm.add(new byte[] {0, 0, 0, 1, 1, (byte) 255}, new byte[] {0, 1, 1, 1, 0, 2});
    Path file = tmp.resolve("reports/val.json");
    new EvaluationReport(cm, List.of("road", "car", "sign")).describe("model", "m").describe("images", 1L).writeTo(file);

    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertEquals(cm.meanIou(), json.get("meanIou").asDouble(), 1e-12);
    assertEquals(cm.pixelAccuracy(), json.get("pixelAccuracy").asDouble(), 1e-12);
    assertEquals("m", json.get("model").asText());
    assertEquals(1, json.get("images").asInt());
    JsonNode road = json.get("classes").get(0);
    assertEquals("road", road.get("name").asText());
    assertEquals(cm.iou()[0], road.get("iou").asDouble(), 1e-12);
    assertEquals(1.0 / 3, road.get("recall").asDouble(), 1e-12);
    assertEquals(3, road.get("pixels").asLong());
    assertEquals("car", road.get("mostOftenTakenFor").asText());
    JsonNode sign = json.get("classes").get(2);
    assertTrue(sign.get("iou").isNull() && sign.get("recall").isNull() && sign.get("mostOftenTakenFor").isNull(),
        "a class never labelled nor predicted has no scores: " + sign);
    JsonNode pixels = json.get("confusion").get("pixels");
    for (int t = 0; t < 3; t++) {
      for (int p = 0; p < 3; p++) assertEquals(cm.count(t, p), pixels.get(t).get(p).asLong(), "row " + t + " col " + p);
    }
    try (var left = Files.list(file.getParent())) {
      assertEquals(List.of(file), left.toList(), "only the report, no temporary file");
    }
  }
}
