package io.segvid.trainer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * An evaluation as JSON, for scripts and dashboards that compare models: the scores, per class IoU,
 * precision, recall and the class it is most often taken for, and the whole confusion matrix (pixel
 * counts, rows the labelled class, columns the predicted one). Undefined scores (a class with no
 * pixels) are null. Written under a temporary name and moved into place, so a reader never sees half
 * a report.
 */
public final class EvaluationReport {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ObjectNode root = JSON.createObjectNode();
  private final ConfusionMatrix confusion;

  /** The scores of {@code confusion}, with {@code classNames} in class-id order. */
  public EvaluationReport(ConfusionMatrix confusion, List<String> classNames) {
    this.confusion = confusion;
    int n = confusion.numClasses();
    putScore(root, "meanIou", confusion.meanIou());
    putScore(root, "pixelAccuracy", confusion.pixelAccuracy());
    double[] iou = confusion.iou();
    ArrayNode classes = root.putArray("classes");
    for (int c = 0; c < n; c++) {
      ObjectNode cls = classes.addObject();
      cls.put("id", c);
      cls.put("name", classNames.get(c));
      putScore(cls, "iou", iou[c]);
      putScore(cls, "precision", confusion.precision(c));
      putScore(cls, "recall", confusion.recall(c));
      cls.put("pixels", confusion.truthPixels(c));
      int other = confusion.mostOftenTakenFor(c);
      if (other < 0) cls.putNull("mostOftenTakenFor"); else cls.put("mostOftenTakenFor", classNames.get(other));
    }
    ObjectNode matrix = root.putObject("confusion");
    matrix.put("rows", "labelled class id");
    matrix.put("columns", "predicted class id");
    ArrayNode rows = matrix.putArray("pixels");
    for (int t = 0; t < n; t++) {
      ArrayNode row = rows.addArray();
      for (int p = 0; p < n; p++) row.add(confusion.count(t, p));
    }
  }

  /** Where the numbers came from and how fast: model, data, options, timing. */
  public EvaluationReport describe(String key, String value) {
    if (value != null) root.put(key, value);
    return this;
  }

  public EvaluationReport describe(String key, long value) {
    root.put(key, value);
    return this;
  }

  public EvaluationReport describe(String key, double value) {
    putScore(root, key, value);
    return this;
  }

  /** mIoU, pixel accuracy and IoU per class of each video, where the images come from several. */
  public EvaluationReport byVideo(ScoresByVideo byVideo) {
    if (byVideo.names().size() < 2) return this;
    ArrayNode videos = root.putArray("videos");
    for (String name : byVideo.names()) {
      ScoresByVideo.Video v = byVideo.video(name);
      ObjectNode video = videos.addObject();
      video.put("name", name);
      video.put("images", v.images());
      putSummary(video, v.confusion());
    }
    return this;
  }

  /** The scores under each condition of {@code evaluate --robustness}, in its order. */
  public EvaluationReport robustness(List<ConditionScore> conditions) {
    if (conditions.isEmpty()) return this;
    ConditionScore.Summary summary = ConditionScore.summary(confusion.meanIou(), conditions);
    putScore(root, "robustnessMeanIou", summary.mean());
    putScore(root, "robustnessWorstMeanIou", summary.worst());
    ArrayNode list = root.putArray("robustness");
    for (ConditionScore c : conditions) {
      ObjectNode node = list.addObject();
      node.put("condition", c.name());
      node.put("change", c.description());
      putSummary(node, c.confusion());
    }
    return this;
  }

  /** A new, empty JSON object to put several reports in. */
  public static ObjectNode newObject() {
    return JSON.createObjectNode();
  }

  public ObjectNode json() {
    return root;
  }

  /** Writes the report to {@code file}: whole or not at all. */
  public void writeTo(Path file) throws IOException {
    write(root, file);
  }

  /** Writes {@code json} to {@code file} under a temporary name, then moves it into place. */
  public static void write(ObjectNode json, Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    if (absolute.getParent() != null) Files.createDirectories(absolute.getParent());
    Path tmp = absolute.resolveSibling(".tmp-" + absolute.getFileName());
    try {
      JSON.writeValue(tmp.toFile(), json);
      Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** mIoU, pixel accuracy and IoU per class (null where a class has no pixels) of a part of the data. */
  private static void putSummary(ObjectNode node, ConfusionMatrix confusion) {
    putScore(node, "meanIou", confusion.meanIou());
    putScore(node, "pixelAccuracy", confusion.pixelAccuracy());
    ArrayNode iou = node.putArray("classIou");
    for (double c : confusion.iou()) {
      if (Double.isNaN(c)) iou.addNull(); else iou.add(c);
    }
  }

  private static void putScore(ObjectNode node, String key, double value) {
    if (Double.isNaN(value)) node.putNull(key); else node.put(key, value);
  }
}
