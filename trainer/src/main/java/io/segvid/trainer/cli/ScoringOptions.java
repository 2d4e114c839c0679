package io.segvid.trainer.cli;

import io.segvid.trainer.data.ChannelGains;
import io.segvid.trainer.data.Degradation;
import io.segvid.trainer.data.LabelledImageFolder;
import io.segvid.trainer.data.PictureCondition;
import io.segvid.trainer.data.SequenceSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** What evaluate and compare score on: which labelled images, changed how, and where the JSON goes. */
public final class ScoringOptions {

  @Option(names = "--data", required = true, description = "Folder with images/ and masks/.")
  Path data;
  @Option(names = "--ignore-id", description = "Label id not scored (default: the model's).")
  Integer ignoreId;
  @Option(names = "--prefix", split = ",", paramLabel = "PREFIX", description = "Score only the images whose names start"
      + " with one of these (a video held out in training with --val-by-prefix).")
  List<String> prefixes;
  @Option(names = "--channel-gains", paramLabel = "R,G,B", description = "Multiply every image's red, green and blue by "
      + "these before scoring (1.06,1,0.85: a slightly warmer camera): how the model takes another white balance.")
  String channelGains;
  @Option(names = "--degrade", paramLabel = "KIND:LEVEL", description = "Make every image worse before scoring, as a "
      + "poorer camera or harder light would (repeatable, applied in order): exposure:F (0.5 a stop darker), blur:SIGMA (pixels), "
      + "noise:SIGMA (13.5: a low-light camera), jpeg:QUALITY, downscale:F (0.5: half the resolution).")
  List<String> degrade;
  @Option(names = "--robustness", description = "Also score under each standard condition (warm, strong warm and cool "
      + "white balance, dark, bright, blur, noise at three levels, JPEG quality 12, half resolution) and print a table: "
      + "which other camera or light the model holds up under.")
  boolean robustness;
  @Option(names = "--report", paramLabel = "FILE.json", description = "Also write the scores as JSON: per class IoU, "
      + "precision, recall and the class it is most often taken for, the confusion matrix (pixels), timing.")
  Path report;

  /**
   * The flags' change to every image (gains, then each degradation); refuses bad flags and a report path
   * that cannot be written, before anything is read or run.
   */
  PictureCondition checkedGiven() {
    ChannelGains gains = channelGains == null ? null : ChannelGains.parse(channelGains);
    PictureCondition given = new PictureCondition("as given", gains,
        degrade == null ? List.of() : degrade.stream().map(Degradation::parse).toList());
    if (report != null && Files.isDirectory(report)) {
      throw new IllegalArgumentException("--report " + report + " is a folder; give a file name, e.g. scores.json");
    }
    if (report != null && report.toAbsolutePath().getParent() != null) {
      try {
        Files.createDirectories(report.toAbsolutePath().getParent());
      } catch (IOException | SecurityException e) {
        throw new IllegalArgumentException("--report " + report + ": cannot create its folder (" + e.getMessage() + ")");
      }
    }
    return given;
  }

  /** The image/mask pairs to score, narrowed to --prefix. */
  List<LabelledImageFolder.Pair> pairs() throws IOException {
    List<LabelledImageFolder.Pair> pairs = LabelledImageFolder.pairs(data);
    if (prefixes == null || prefixes.isEmpty()) return pairs;
    return SequenceSplit.withPrefixes(pairs, LabelledImageFolder.Pair::name, prefixes, "--prefix", "image in " + data);
  }

  /** Says how the images were changed, if they were. */
  void printChanges(PictureCondition given) {
    if (given.gains() != null) System.out.println("images re-coloured with channel gains " + given.gains() + " (red, green, blue)");
    if (given.degradationsText() != null) System.out.println("images degraded: " + given.degradationsText());
  }

  /** The conditions scored after the images as given: --robustness's, or none. */
  List<PictureCondition> conditions() {
    return robustness ? PictureCondition.STANDARD : List.of();
  }

  String prefixList() {
    return prefixes == null || prefixes.isEmpty() ? null : String.join(",", prefixes);
  }
}
