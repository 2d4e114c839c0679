package io.segvid.trainer.cli;

import io.segvid.inference.ClassInfo;
import io.segvid.inference.ConvolutionMath;
import io.segvid.inference.InputSize;
import io.segvid.inference.ModelMetadata;
import io.segvid.inference.NativeDilation;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.inference.Segmenter;
import io.segvid.trainer.data.ImagesReadOnDemand;
import io.segvid.trainer.data.LabelCheck;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import io.segvid.trainer.data.MaskColours;
import io.segvid.trainer.data.PictureCondition;
import io.segvid.trainer.eval.ConditionScore;
import io.segvid.trainer.eval.ConfusionMatrix;
import io.segvid.trainer.eval.EvaluationReport;
import io.segvid.trainer.eval.ScoresByVideo;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code segvid evaluate}: per-class IoU, mIoU, pixel accuracy and model ms/frame on images/ + masks/. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Score a model on a folder of images/ and masks/: per-class IoU, mIoU, pixel accuracy, ms/frame.")
public final class EvaluateCommand implements Callable<Integer> {

  @Mixin ModelOptions modelOptions;
  @Mixin ScoringOptions scoring;

  /** Scores and timing of one evaluation. */
  public record Evaluation(ModelMetadata metadata, ConfusionMatrix confusion, ScoresByVideo byVideo, double meanMs,
                           double medianMs, InputSize inputSize, int images) { }

  /** More videos than this are left to the JSON report. */
  private static final int VIDEOS_PRINTED = 20;

  @Override
  public Integer call() throws IOException {
    PictureCondition given = scoring.checkedGiven();  // bad flags before any I/O
    List<LabelledImageFolder.Pair> pairs = scoring.pairs();
    MaskColours colours = MaskColours.near(scoring.data);
    scoring.printChanges(given);
    try (Segmenter segmenter = SavedModelSegmenter.open(modelOptions.modelPath(), modelOptions.overrides(), modelOptions.threads(),
        modelOptions.testTimeAugmentation())) {
      int numClasses = segmenter.metadata().numClasses();
      int ignore = ignoreIdOf(segmenter.metadata(), scoring.ignoreId);
      List<LabelledImage> images = new ImagesReadOnDemand(pairs, colours, img -> {
        LabelCheck.requireKnownIds(List.of(img), numClasses, ignore, scoring.data.toString());
        return given.applyTo(img);
      });
      Evaluation e = evaluate(segmenter, images, scoring.ignoreId);
      ModelMetadata meta = e.metadata();
      printClasses(e.confusion(), classNames(meta));
      System.out.printf(Locale.ROOT, "mIoU           %.4f%n", e.confusion().meanIou());
      System.out.printf(Locale.ROOT, "pixel accuracy %.4f%n", e.confusion().pixelAccuracy());
      System.out.printf(Locale.ROOT, "images         %d%n", e.images());
      printVideos(e.byVideo());
      System.out.printf(Locale.ROOT, "ms/frame       %.1f mean, %.1f median (model only, %dx%d input, %d threads, %s) = %.1f fps%n",
          e.meanMs(), e.medianMs(), e.inputSize().height(), e.inputSize().width(), modelOptions.threads(),
          ConvolutionMath.ofThisProcess() + (NativeDilation.SIGNATURE.equals(meta.signature()) ? ", native dilations" : ""),
          1000 / e.meanMs());
      long flops = segmenter.flopsPerFrame(e.inputSize().height(), e.inputSize().width());
      if (flops > 0) {
        System.out.printf(Locale.ROOT, "compute        %.2f GFLOP/frame (counted from the graph), %.1f GFLOP/s achieved%n",
            flops / 1e9, flops / 1e6 / e.meanMs());
      }
      List<ConditionScore> conditions = scoring.conditions().isEmpty() ? List.of()
          : RobustnessTable.score(segmenter, pairs, colours, given, scoring.conditions(), scoring.ignoreId,
              e.confusion());
      if (scoring.report != null) {
        new EvaluationReport(e.confusion(), classNames(meta))
            .describe("model", modelOptions.modelPath().toString()).describe("data", scoring.data.toString())
            .describe("prefixes", scoring.prefixList())
            .describe("channelGains", scoring.channelGains)
            .describe("degrade", given.degradationsText())
            .describe("tta", modelOptions.testTimeAugmentation().toString())
            .describe("images", e.images())
            .describe("inputSize", e.inputSize().height() + "x" + e.inputSize().width())
            .describe("msPerFrameMean", e.meanMs()).describe("msPerFrameMedian", e.medianMs())
            .byVideo(e.byVideo())
            .robustness(conditions)
            .writeTo(scoring.report);
        System.out.println("report         " + scoring.report);
      }
    }
    return 0;
  }

  /** One line per class: IoU, recall, precision and the class its pixels are most often taken for. */
  private static void printClasses(ConfusionMatrix cm, List<String> names) {
    double[] iou = cm.iou();
    System.out.printf(Locale.ROOT, "%-14s %-7s %-7s %-9s %s%n", "class", "IoU", "recall", "precision", "most often taken for");
    for (int c = 0; c < iou.length; c++) {
      int other = cm.mostOftenTakenFor(c);
      String takenFor = other < 0 ? "-" : String.format(Locale.ROOT, "%s (%.1f %%)", names.get(other),
          100.0 * cm.count(c, other) / cm.truthPixels(c));
      System.out.printf(Locale.ROOT, "%-14s %-7s %-7s %-9s %s%n", names.get(c), score(iou[c], "%.4f"),
          score(cm.recall(c), "%.3f"), score(cm.precision(c), "%.3f"), takenFor);
    }
  }

  /** mIoU per video where the images come from several (told by their names: VIDEO_0001, VIDEO_0002, ...). */
  private static void printVideos(ScoresByVideo byVideo) {
    List<String> names = byVideo.names();
    if (names.size() < 2) return;
    if (names.size() > VIDEOS_PRINTED) {
      System.out.printf(Locale.ROOT, "videos         %d by their names (mIoU of each in --report)%n", names.size());
      return;
    }
    System.out.println("per video (images named VIDEO_FRAME):");
    int width = Math.max(14, names.stream().mapToInt(String::length).max().orElse(0));
    for (String name : names) {
      ScoresByVideo.Video v = byVideo.video(name);
      System.out.printf(Locale.ROOT, "  %-" + width + "s mIoU %s  pixel accuracy %s  %d images%n", name,
          score(v.confusion().meanIou(), "%.4f"), score(v.confusion().pixelAccuracy(), "%.4f"), v.images());
    }
  }

  private static String score(double v, String format) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, format, v);
  }

  private static List<String> classNames(ModelMetadata meta) {
    return meta.classes().stream().map(ClassInfo::name).toList();
  }

  /** The flag's ignore id, else the model's, else 255. */
  static int ignoreIdOf(ModelMetadata meta, Integer flag) {
    return flag != null ? flag : meta.ignoreId() != null ? meta.ignoreId() : 255;
  }

  /**
   * Runs the model over labelled images at the model's input size and scores it at each image's size;
   * gets each image once, in order, so a list that reads on get (as the command's) holds one at a time.
   */
  public static Evaluation evaluate(Segmenter segmenter, List<LabelledImage> images, Integer ignoreId) {
    ModelScorer scorer = new ModelScorer(segmenter, ignoreId);
    for (LabelledImage img : images) scorer.score(img);
    return scorer.result();
  }
}
