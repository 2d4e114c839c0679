package io.segvid.trainer.cli;

import io.segvid.inference.InputSize;
import io.segvid.inference.ModelMetadata;
import io.segvid.inference.FrameTranslator;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.inference.Segmenter;
import io.segvid.trainer.data.ChannelGains;
import io.segvid.trainer.data.ImagesReadOnDemand;
import io.segvid.trainer.data.LabelCheck;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import io.segvid.trainer.data.MaskColours;
import io.segvid.trainer.data.SequenceSplit;
import io.segvid.trainer.eval.ConfusionMatrix;
import java.io.IOException;
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

  /** Scores and timing of one evaluation. */
  public record Evaluation(ModelMetadata metadata, ConfusionMatrix confusion, double meanMs, double medianMs,
                           InputSize inputSize, int images) { }

  @Override
  public Integer call() throws IOException {
    ChannelGains gains = channelGains == null ? null : ChannelGains.parse(channelGains);  // bad flags before any I/O
    List<LabelledImageFolder.Pair> pairs = LabelledImageFolder.pairs(data);
    if (prefixes != null && !prefixes.isEmpty()) {
      pairs = SequenceSplit.withPrefixes(pairs, LabelledImageFolder.Pair::name, prefixes, "--prefix", "image in " + data);
    }
    MaskColours colours = MaskColours.near(data);
    if (gains != null) System.out.println("images re-coloured with channel gains " + gains + " (red, green, blue)");
    try (Segmenter segmenter = SavedModelSegmenter.open(modelOptions.modelPath(), modelOptions.overrides(), modelOptions.threads(),
        modelOptions.testTimeAugmentation())) {
      int numClasses = segmenter.metadata().numClasses();
      int ignore = ignoreIdOf(segmenter.metadata(), ignoreId);
      List<LabelledImage> images = new ImagesReadOnDemand(pairs, colours, img -> {
        LabelCheck.requireKnownIds(List.of(img), numClasses, ignore, data.toString());
        return gains == null ? img : gains.applyTo(img);
      });
      Evaluation e = evaluate(segmenter, images, ignoreId);
      ModelMetadata meta = e.metadata();
      double[] iou = e.confusion().iou();
      System.out.printf(Locale.ROOT, "%-14s %s%n", "class", "IoU");
      for (int c = 0; c < iou.length; c++) {
        System.out.printf(Locale.ROOT, "%-14s %s%n", meta.classes().get(c).name(),
            Double.isNaN(iou[c]) ? "n/a" : String.format(Locale.ROOT, "%.4f", iou[c]));
      }
      System.out.printf(Locale.ROOT, "mIoU           %.4f%n", e.confusion().meanIou());
      System.out.printf(Locale.ROOT, "pixel accuracy %.4f%n", e.confusion().pixelAccuracy());
      System.out.printf(Locale.ROOT, "images         %d%n", e.images());
      System.out.printf(Locale.ROOT, "ms/frame       %.1f mean, %.1f median (model only, %dx%d input, %d threads) = %.1f fps%n",
          e.meanMs(), e.medianMs(), e.inputSize().height(), e.inputSize().width(), modelOptions.threads(), 1000 / e.meanMs());
      long flops = segmenter.flopsPerFrame(e.inputSize().height(), e.inputSize().width());
      if (flops > 0) {
        System.out.printf(Locale.ROOT, "compute        %.2f GFLOP/frame (counted from the graph), %.1f GFLOP/s achieved%n",
            flops / 1e9, flops / 1e6 / e.meanMs());
      }
    }
    return 0;
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
      cm.add(img.labels(), FrameTranslator.imageMask(masks[0], size, img.height(), img.width()));
    }
    // The first frames include TensorFlow's one-off graph optimisation: leave them out of the timing.
    long[] steady = images.size() > 3 ? Arrays.copyOfRange(modelNanos, 2, modelNanos.length) : modelNanos.clone();
    Arrays.sort(steady);
    double mean = Arrays.stream(steady).average().orElse(0) / 1e6;
    double median = steady[steady.length / 2] / 1e6;
    return new Evaluation(meta, cm, mean, median, first, images.size());
  }
}
