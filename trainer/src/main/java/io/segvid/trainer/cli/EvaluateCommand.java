package io.segvid.trainer.cli;

import io.segvid.inference.ClassInfo;
import io.segvid.inference.InputSize;
import io.segvid.inference.ModelMetadata;
import io.segvid.inference.FrameTranslator;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.inference.Segmenter;
import io.segvid.trainer.data.ChannelGains;
import io.segvid.trainer.data.Degradation;
import io.segvid.trainer.data.ImagesReadOnDemand;
import io.segvid.trainer.data.LabelCheck;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import io.segvid.trainer.data.MaskColours;
import io.segvid.trainer.data.PictureCondition;
import io.segvid.trainer.data.SequenceSplit;
import io.segvid.trainer.eval.ConditionScore;
import io.segvid.trainer.eval.ConfusionMatrix;
import io.segvid.trainer.eval.EvaluationReport;
import io.segvid.trainer.eval.ScoresByVideo;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code segvid evaluate}: per-class IoU, mIoU, pixel accuracy and model ms/frame on images/ + masks/. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Score a model on a folder of images/ and masks/: per-class IoU, mIoU, pixel accuracy, ms/frame.")
public final class EvaluateCommand implements Callable<Integer> {

  @Mixin ModelOptions modelOptions;
  @Option(names = "--data", required = true, description = "Folder with images/ and masks/.")
  java.nio.file.Path data;
  @Option(names = "--ignore-id", description = "Label id not scored (default: the model's).")
  Integer ignoreId;
  @Option(names = "--prefix", split = ",", paramLabel = "PREFIX", description = "Score only the images whose names start"
      + " with one of these (a video held out in training with --val-by-prefix).")
  List<String> prefixes;
  @Option(names = "--channel-gains", paramLabel = "R,G,B", description = "Multiply every image's red, green and blue by "
      + "these before scoring (1.06,1,0.85: a slightly warmer camera): how the model takes another white balance.")
  String channelGains;
  @Option(names = "--degrade", paramLabel = "KIND:LEVEL", description = "Make every image worse before scoring, as a "
      + "poorer camera or harder light would (repeatable, applied in order): exposure:F (0.5 a stop darker), blur:SIGMA, "
      + "noise:SIGMA (13.5: a low-light camera), jpeg:QUALITY, downscale:F (0.5: half the resolution).")
  List<String> degrade;
  @Option(names = "--robustness", description = "Also score the model under each standard condition (warm, strong warm "
      + "and cool white balance, dark, bright, blur, noise at three levels, JPEG quality 12, half resolution) and print "
      + "a table: which other camera or light it holds up under.")
  boolean robustness;
  @Option(names = "--report", paramLabel = "FILE.json", description = "Also write the scores as JSON: per class IoU, "
      + "precision, recall and the class it is most often taken for, the confusion matrix (pixels), timing.")
  java.nio.file.Path report;

  /** Scores and timing of one evaluation. */
  public record Evaluation(ModelMetadata metadata, ConfusionMatrix confusion, ScoresByVideo byVideo, double meanMs,
                           double medianMs, InputSize inputSize, int images) { }

  /** More videos than this are left to the JSON report. */
  private static final int VIDEOS_PRINTED = 20;

  @Override
  public Integer call() throws IOException {
    ChannelGains gains = channelGains == null ? null : ChannelGains.parse(channelGains);  // bad flags before any I/O
    PictureCondition given = new PictureCondition("as given", gains,
        degrade == null ? List.of() : degrade.stream().map(Degradation::parse).toList());
    if (report != null && Files.isDirectory(report)) {
      throw new IllegalArgumentException("--report " + report + " is a folder; give a file name, e.g. scores.json");
    }
    if (report != null && report.toAbsolutePath().getParent() != null) {
      try {  // before the model runs, so a bad path costs nothing
        Files.createDirectories(report.toAbsolutePath().getParent());
      } catch (IOException | SecurityException e) {
        throw new IllegalArgumentException("--report " + report + ": cannot create its folder (" + e.getMessage() + ")");
      }
    }
    List<LabelledImageFolder.Pair> pairs = LabelledImageFolder.pairs(data);
    if (prefixes != null && !prefixes.isEmpty()) {
      pairs = SequenceSplit.withPrefixes(pairs, LabelledImageFolder.Pair::name, prefixes, "--prefix", "image in " + data);
    }
    MaskColours colours = MaskColours.near(data);
    if (gains != null) System.out.println("images re-coloured with channel gains " + gains + " (red, green, blue)");
    if (!given.degradations().isEmpty()) System.out.println("images degraded: " + given.description());
    try (Segmenter segmenter = SavedModelSegmenter.open(modelOptions.modelPath(), modelOptions.overrides(), modelOptions.threads(),
        modelOptions.testTimeAugmentation())) {
      int numClasses = segmenter.metadata().numClasses();
      int ignore = ignoreIdOf(segmenter.metadata(), ignoreId);
      List<LabelledImage> images = new ImagesReadOnDemand(pairs, colours, img -> {
        LabelCheck.requireKnownIds(List.of(img), numClasses, ignore, data.toString());
        return given.applyTo(img);
      });
      Evaluation e = evaluate(segmenter, images, ignoreId);
      ModelMetadata meta = e.metadata();
      printClasses(e.confusion(), classNames(meta));
      System.out.printf(Locale.ROOT, "mIoU           %.4f%n", e.confusion().meanIou());
      System.out.printf(Locale.ROOT, "pixel accuracy %.4f%n", e.confusion().pixelAccuracy());
      System.out.printf(Locale.ROOT, "images         %d%n", e.images());
      printVideos(e.byVideo());
      System.out.printf(Locale.ROOT, "ms/frame       %.1f mean, %.1f median (model only, %dx%d input, %d threads) = %.1f fps%n",
          e.meanMs(), e.medianMs(), e.inputSize().height(), e.inputSize().width(), modelOptions.threads(), 1000 / e.meanMs());
      long flops = segmenter.flopsPerFrame(e.inputSize().height(), e.inputSize().width());
      if (flops > 0) {
        System.out.printf(Locale.ROOT, "compute        %.2f GFLOP/frame (counted from the graph), %.1f GFLOP/s achieved%n",
            flops / 1e9, flops / 1e6 / e.meanMs());
      }
      List<ConditionScore> conditions = robustness
          ? RobustnessTable.score(segmenter, pairs, colours, given, ignoreId, e.confusion()) : List.of();
      if (report != null) {
        new EvaluationReport(e.confusion(), classNames(meta))
            .describe("model", modelOptions.modelPath().toString()).describe("data", data.toString())
            .describe("prefixes", prefixes == null || prefixes.isEmpty() ? null : String.join(",", prefixes))
            .describe("channelGains", channelGains)
            .describe("degrade", given.degradations().isEmpty() ? null : given.description())
            .describe("tta", modelOptions.testTimeAugmentation().toString())
            .describe("images", e.images())
            .describe("inputSize", e.inputSize().height() + "x" + e.inputSize().width())
            .describe("msPerFrameMean", e.meanMs()).describe("msPerFrameMedian", e.medianMs())
            .byVideo(e.byVideo())
            .robustness(conditions)
            .writeTo(report);
        System.out.println("report         " + report);
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
    ModelMetadata meta = segmenter.metadata();
    ConfusionMatrix cm = new ConfusionMatrix(meta.numClasses(), ignoreIdOf(meta, ignoreId));
    ScoresByVideo byVideo = new ScoresByVideo(meta.numClasses(), ignoreIdOf(meta, ignoreId));
    long[] modelNanos = new long[images.size()];
    InputSize first = null;
    for (int i = 0; i < images.size(); i++) {
      LabelledImage img = images.get(i);
      InputSize size = InputSize.forFrame(img.height(), img.width(), meta);
      if (first == null) first = size;
      byte[] in = FrameTranslator.imageInput(img.rgb(), img.height(), img.width(), size);
      byte[][] masks = {new byte[size.pixels()]};
      long t0 = System.nanoTime();
      segmenter.segment(new byte[][] {in}, 1, size.height(), size.width(), masks);
      modelNanos[i] = System.nanoTime() - t0;
      byVideo.add(img.name(), img.labels(), FrameTranslator.imageMask(masks[0], size, img.height(), img.width()));
    }
    for (String video : byVideo.names()) cm.addAll(byVideo.video(video).confusion());  // the total: every video's counts
    // The first frames include TensorFlow's one-off graph optimisation: leave them out of the timing.
    long[] steady = images.size() > 3 ? Arrays.copyOfRange(modelNanos, 2, modelNanos.length) : modelNanos.clone();
    Arrays.sort(steady);
    double mean = Arrays.stream(steady).average().orElse(0) / 1e6;
    double median = steady[steady.length / 2] / 1e6;
    return new Evaluation(meta, cm, byVideo, mean, median, first, images.size());
  }
}
