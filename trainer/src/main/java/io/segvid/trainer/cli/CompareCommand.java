package io.segvid.trainer.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segvid.config.Home;
import io.segvid.inference.ClassInfo;
import io.segvid.inference.ConvolutionMath;
import io.segvid.inference.ModelOverrides;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.inference.Segmenter;
import io.segvid.inference.TestTimeAugmentation;
import io.segvid.trainer.data.ImagesReadOnDemand;
import io.segvid.trainer.data.LabelCheck;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import io.segvid.trainer.data.MaskColours;
import io.segvid.trainer.data.PictureCondition;
import io.segvid.trainer.eval.ConditionScore;
import io.segvid.trainer.eval.EvaluationReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code segvid compare A B ...}: several models scored on the same labelled images, side by side. The
 * models take turns on each image (the order rotating image by image), so a machine that gets busier
 * during the run slows them alike and the timing compares as well as the scores.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Score several models on the same labelled images, taking turns image by image: per-class IoU, "
        + "mIoU, ms/frame side by side (and under each --robustness condition): is the new model better everywhere?")
public final class CompareCommand implements Callable<Integer> {

  @Parameters(arity = "2..*", paramLabel = "MODEL", description = "SavedModel folders (two or more), shown as A, B, ...")
  List<Path> models;
  @Mixin ScoringOptions scoring;
  @Option(names = "--tta", description = "Test-time augmentation for every model: none (default), flip, scales or flip+scales.")
  String tta;
  @Option(names = "--threads", description = "TensorFlow intra-op threads (default: all cores).")
  Integer threads;

  @Override
  public Integer call() throws IOException {
    PictureCondition given = scoring.checkedGiven();  // bad flags before any I/O
    TestTimeAugmentation augmentation = TestTimeAugmentation.parse(tta, "--tta");
    int intraOp = ModelOptions.threadsOr(threads);
    List<LabelledImageFolder.Pair> pairs = scoring.pairs();
    MaskColours colours = MaskColours.near(scoring.data);
    scoring.printChanges(given);
    List<Segmenter> open = new ArrayList<>();
    try {
      for (Path model : models) open.add(SavedModelSegmenter.open(Home.resolve(model), ModelOverrides.NONE, intraOp, augmentation));
      List<String> classes = requireOneClassList(open);
      for (int m = 0; m < models.size(); m++) System.out.printf(Locale.ROOT, "%s = %s%n", label(m), models.get(m));
      int numClasses = classes.size();
      int ignore = EvaluateCommand.ignoreIdOf(open.get(0).metadata(), scoring.ignoreId);
      List<EvaluateCommand.Evaluation> asGiven = inTurn(open, new ImagesReadOnDemand(pairs, colours, img -> {
        LabelCheck.requireKnownIds(List.of(img), numClasses, ignore, scoring.data.toString());
        return given.applyTo(img);
      }));
      printAsGiven(classes, asGiven);
      List<List<ConditionScore>> byModel = new ArrayList<>();
      for (int m = 0; m < open.size(); m++) byModel.add(new ArrayList<>());
      if (!scoring.conditions().isEmpty()) {
        System.out.println("robustness (mIoU; the same images as another camera or light would give them):");
        System.out.println(row("  as given", asGiven, e -> e.confusion().meanIou(), "%.4f"));
      }
      for (PictureCondition condition : scoring.conditions()) {
        List<EvaluateCommand.Evaluation> under = inTurn(open,
            new ImagesReadOnDemand(pairs, colours, img -> condition.applyTo(given.applyTo(img))));
        System.out.println(row("  " + condition.name(), under, e -> e.confusion().meanIou(), "%.4f"));
        for (int m = 0; m < open.size(); m++) {
          byModel.get(m).add(new ConditionScore(condition.name(), condition.description(), under.get(m).confusion()));
        }
      }
      if (!scoring.conditions().isEmpty()) printSummaries(asGiven, byModel);
      if (scoring.report != null) writeReport(given, classes, asGiven, byModel);
    } finally {
      for (int m = open.size() - 1; m >= 0; m--) open.get(m).close();
    }
    return 0;
  }

  /** Every model scores every image, one after another, the first to go rotating from image to image. */
  private List<EvaluateCommand.Evaluation> inTurn(List<Segmenter> segmenters, List<LabelledImage> images) {
    List<ModelScorer> scorers = new ArrayList<>();
    for (Segmenter s : segmenters) scorers.add(new ModelScorer(s, scoring.ignoreId));
    for (int i = 0; i < images.size(); i++) {
      LabelledImage img = images.get(i);
      for (int k = 0; k < scorers.size(); k++) scorers.get((i + k) % scorers.size()).score(img);
    }
    return scorers.stream().map(ModelScorer::result).toList();
  }

  private List<String> requireOneClassList(List<Segmenter> open) {
    List<String> first = names(open.get(0));
    for (int m = 1; m < open.size(); m++) {
      List<String> other = names(open.get(m));
      if (!other.equals(first)) {
        throw new IllegalArgumentException(models.get(m) + " has other classes than " + models.get(0) + " (" + other
            + " against " + first + "): compare scores models of one class list");
      }
    }
    return first;
  }

  private static List<String> names(Segmenter s) {
    return s.metadata().classes().stream().map(ClassInfo::name).toList();
  }

  private void printAsGiven(List<String> classes, List<EvaluateCommand.Evaluation> results) {
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-14s", "IoU"));
    for (int m = 0; m < results.size(); m++) head.append(String.format(Locale.ROOT, " %-8s", label(m)));
    System.out.println(head);
    for (int c = 0; c < classes.size(); c++) {
      int cls = c;
      System.out.println(row(classes.get(c), results, e -> e.confusion().iou()[cls], "%.4f"));
    }
    System.out.println(row("mIoU", results, e -> e.confusion().meanIou(), "%.4f"));
    System.out.println(row("pixel accuracy", results, e -> e.confusion().pixelAccuracy(), "%.4f"));
    List<String> videos = results.get(0).byVideo().names();
    if (videos.size() >= 2 && videos.size() <= 20) {
      for (String v : videos) System.out.println(row("  " + v, results, e -> e.byVideo().video(v).confusion().meanIou(), "%.4f"));
    }
    System.out.println(row("ms/frame", results, EvaluateCommand.Evaluation::meanMs, "%.1f")
        + String.format(Locale.ROOT, "  (mean, model only, %d images, taking turns, %s)", results.get(0).images(),
            ConvolutionMath.ofThisProcess()));
  }

  private static String row(String name, List<EvaluateCommand.Evaluation> results,
                            ToDoubleFunction<EvaluateCommand.Evaluation> value, String format) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-14s", name));
    for (EvaluateCommand.Evaluation e : results) {
      double v = value.applyAsDouble(e);
      s.append(String.format(Locale.ROOT, " %-8s", Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, format, v)));
    }
    return s.toString();
  }

  private static void printSummaries(List<EvaluateCommand.Evaluation> asGiven, List<List<ConditionScore>> byModel) {
    StringBuilder mean = new StringBuilder(String.format(Locale.ROOT, "%-14s", "  mean"));
    StringBuilder worst = new StringBuilder(String.format(Locale.ROOT, "%-14s", "  worst"));
    for (int m = 0; m < asGiven.size(); m++) {
      ConditionScore.Summary s = ConditionScore.summary(asGiven.get(m).confusion().meanIou(), byModel.get(m));
      mean.append(String.format(Locale.ROOT, " %-8.4f", s.mean()));
      worst.append(String.format(Locale.ROOT, " %-8.4f", s.worst()));
    }
    System.out.println(mean);
    System.out.println(worst);
  }

  private static String label(int model) {
    return model < 26 ? String.valueOf((char) ('A' + model)) : "M" + (model + 1);
  }

  private void writeReport(PictureCondition given, List<String> classes, List<EvaluateCommand.Evaluation> asGiven,
                           List<List<ConditionScore>> byModel) throws IOException {
    ObjectNode root = EvaluationReport.newObject();
    root.put("data", scoring.data.toString());
    if (scoring.prefixList() != null) root.put("prefixes", scoring.prefixList());
    if (scoring.channelGains != null) root.put("channelGains", scoring.channelGains);
    if (given.degradationsText() != null) root.put("degrade", given.degradationsText());
    ArrayNode list = root.putArray("models");
    for (int m = 0; m < asGiven.size(); m++) {
      EvaluateCommand.Evaluation e = asGiven.get(m);
      ObjectNode one = new EvaluationReport(e.confusion(), classes).describe("label", label(m))
          .describe("model", models.get(m).toString()).describe("images", e.images())
          .describe("msPerFrameMean", e.meanMs()).describe("msPerFrameMedian", e.medianMs())
          .byVideo(e.byVideo()).robustness(byModel.get(m)).json();
      list.add(one);
    }
    EvaluationReport.write(root, scoring.report);
    System.out.println("report         " + scoring.report);
  }
}
