package io.segvid.trainer;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segvid.inference.ModelMetadata;
import io.segvid.trainer.cli.EvaluateCommand;
import io.segvid.trainer.cli.TrainCommand;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.model.ModelSpec;
import io.segvid.trainer.model.SavedModelWeights;
import io.segvid.trainer.model.WeightFile;
import io.segvid.trainer.train.OptimizerKind;
import io.segvid.trainer.train.TrainGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The train command end to end on a tiny model and tiny data, as a user runs it: a run exports its
 * best model with metadata, a checkpoint and curves; --resume continues a stopped run from its
 * checkpoint; --init-from starts a new run from an exported model; evaluate scores the result.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainCommandTest {

  @TempDir
  static Path tmp;
  static Path data;
  static final String[] TINY = {"--width", "0.35", "--output-stride", "16", "--aspp-channels", "16", "--decoder-channels", "16",
      "--batch", "2", "--crop", "32x32", "--val-every", "1", "--num-classes", "2", "--class-weights", "none"};

  @BeforeAll
  static void writeData() throws Exception {
    data = TinyModels.writeTwoRegions(tmp.resolve("data"));
  }

  @Test
  @Order(1)
  void aRunExportsItsBestModelWithCheckpointAndCurves() throws Exception {
    Path out = tmp.resolve("run");
    String log = train("--data", data.toString(), "--val", data.toString(), "--out", out.toString(), "--epochs", "2");
    assertTrue(log.contains("epoch 2 val mIoU"), log);
    assertTrue(log.contains("warning: 6 of 6 validation images are named like 6 training images but for their frame"
        + " number (f): if they are frames of the same videos"), "val cut from the training videos is warned about: " + log);
    assertTrue(Pattern.compile("epoch 1/2 loss .* min left\\)").matcher(log).find(), "the time left is told: " + log);
    assertFalse(Pattern.compile("epoch 2/2 loss .* left").matcher(log).find(), "nothing is left after the last epoch");
    assertTrue(Files.isRegularFile(out.resolve("model/saved_model.pb")), log);
    assertEquals(2, ModelMetadata.read(out.resolve("model")).numClasses());
    assertEquals(2, new ObjectMapper().readTree(out.resolve("checkpoint/state.json").toFile()).get("epoch").asInt());
    assertEquals(0.002, savedLearningRate(out), 1e-9, "from scratch, the recipe's rate");
    JsonNode augmentation = savedOptions(out).get("augmentation");
    // Other light and sensor noise from the first epoch by default (docs/model-experiments.md, "Session 29").
    assertEquals(0.15, augmentation.get("whiteBalance").asDouble(), 1e-6, "white balance on by default");
    assertEquals(20, augmentation.get("noise").asDouble(), 1e-6, "sensor noise on by default");
    assertEquals(0.3, augmentation.get("blur").asDouble(), 1e-6, "blur on by default");
    assertEquals(0.3, augmentation.get("gamma").asDouble(), 1e-6, "gamma on by default");
    assertEquals(1 + 2, Files.readAllLines(out.resolve("curves.csv")).size(), "a header and one row per epoch");
    assertTrue(Files.size(out.resolve("curves.png")) > 1000);
    assertEquals(java.util.Set.of(), ServingGraphTest.forbiddenOpsOnServingPath(out.resolve("model")));
  }

  @Test
  @Order(2)
  void resumeContinuesAStoppedRunFromItsCheckpoint() throws Exception {
    Path out = tmp.resolve("run");
    // As if the run had been started for 3 epochs and stopped after its second.
    Path options = out.resolve("checkpoint/options.json");
    ObjectNode saved = (ObjectNode) new ObjectMapper().readTree(options.toFile());
    saved.put("epochs", 3);
    new ObjectMapper().writeValue(options.toFile(), saved);
    String log = train("--data", data.toString(), "--val", data.toString(), "--out", out.toString(), "--resume");
    assertTrue(log.contains("resuming after epoch 2"), log);
    assertTrue(log.contains("epoch 3/3") && !log.contains("epoch 1/3"), log);
    assertEquals(3, new ObjectMapper().readTree(out.resolve("checkpoint/state.json").toFile()).get("epoch").asInt());
    assertEquals(1 + 3, Files.readAllLines(out.resolve("curves.csv")).size());
  }

  @Test
  @Order(3)
  void initFromStartsANewRunFromAnExportedModelAndEvaluateScoresIt() throws Exception {
    Path out = tmp.resolve("finetune");
    String log = train("--data", data.toString(), "--val", data.toString(), "--out", out.toString(), "--epochs", "1",
        "--init-from", tmp.resolve("run/model").toString());
    assertTrue(log.contains("starting from the weights of " + tmp.resolve("run/model")), log);
    assertEquals(0.001, savedLearningRate(out), 1e-9, "a fine-tune's default rate");
    String eval = Cli.printed(() -> assertEquals(0, Cli.run(new EvaluateCommand(), "--model", out.resolve("model").toString(),
        "--data", data.toString()).code()));
    assertTrue(eval.contains("mIoU") && eval.contains("ms/frame") && eval.contains("GFLOP/s"), eval);
    String one = Cli.printed(() -> assertEquals(0, Cli.run(new EvaluateCommand(), "--model", out.resolve("model").toString(),
        "--data", data.toString(), "--prefix", "f1,f3", "--report", tmp.resolve("report.json").toString()).code()));
    assertTrue(one.contains("images         2"), "only the images with those prefixes are scored: " + one);
    JsonNode report = new ObjectMapper().readTree(tmp.resolve("report.json").toFile());
    assertEquals(2, report.get("images").asInt());
    assertEquals("f1,f3", report.get("prefixes").asText());
    assertEquals(2, report.get("classes").size());
    long scored = 0;
    for (JsonNode row : report.get("confusion").get("pixels")) for (JsonNode count : row) scored += count.asLong();
    assertTrue(scored > 0 && scored <= 2L * 40 * 48, "pixels of the two scored images: " + scored);
    assertTrue(one.contains(String.format(Locale.ROOT, "mIoU           %.4f", report.get("meanIou").asDouble())), one);
    Cli folder = Cli.run(new EvaluateCommand(), "--model", out.resolve("model").toString(), "--data", data.toString(),
        "--report", tmp.toString());
    assertEquals("--report " + tmp + " is a folder; give a file name, e.g. scores.json", folder.err().strip());
    assertTrue(folder.code() != 0);
    Path underAFile = tmp.resolve("report.json").resolve("x.json");
    Cli unwritable = Cli.run(new EvaluateCommand(), "--model", out.resolve("model").toString(), "--data", data.toString(),
        "--report", underAFile.toString());
    assertTrue(unwritable.err().strip().startsWith("--report " + underAFile + ": cannot create its folder"), unwritable.err());
    Cli none = Cli.run(new EvaluateCommand(), "--model", out.resolve("model").toString(), "--data", data.toString(),
        "--prefix", "zz");
    assertEquals("--prefix zz matches no image in " + data, none.err().strip());
  }

  @Test
  @Order(4)
  void emaExportsTheAverageAndReportsTheWeightsAsTrainedBesideIt() throws Exception {
    Path withVal = tmp.resolve("ema-val");
    String log = train("--data", data.toString(), "--val", data.toString(), "--out", withVal.toString(), "--epochs", "1",
        "--ema", "0.9");
    assertTrue(log.contains("epoch 1 val (as trained) mIoU") && log.contains("epoch 1 val mIoU"), log);

    Path out = tmp.resolve("ema");
    train("--data", data.toString(), "--out", out.toString(), "--epochs", "2", "--ema", "0.9");
    Map<String, float[]> average = WeightFile.read(out.resolve("checkpoint/average.weights"));
    Map<String, float[]> trained = WeightFile.read(out.resolve("checkpoint/model.weights"));
    ModelMetadata meta = ModelMetadata.read(out.resolve("model"));
    try (TrainGraph g = new TrainGraph(ModelSpec.fromArchitecture(meta.architecture(), 2), OptimizerKind.ADAM, 0f, 0.9f, 1)) {
      Map<String, float[]> exported = SavedModelWeights.read(out.resolve("model"), g.params().all().values());
      boolean differs = false;
      for (String name : exported.keySet()) {
        assertArrayEquals(average.get(name), exported.get(name), name + ": the export is the average");
        differs |= !java.util.Arrays.equals(trained.get(name), exported.get(name));
      }
      assertTrue(differs, "the average is not the last step's weights");
    }
    Cli bad = Cli.run(new TrainCommand(), "--data", data.toString(), "--out", tmp.resolve("bad").toString(), "--ema", "1.5",
        "--num-classes", "2");
    assertEquals("--ema must be 0 (off) or in [0.5, 1), got 1.5", bad.err().strip());
  }

  /** Images larger than --max-side are shrunk as they load: the model is trained and exported at that scale. */
  @Test
  @Order(5)
  void maxSideShrinksLargeImagesAndTheModelServesAtThatSize() throws Exception {
    Path out = tmp.resolve("small");
    train("--data", data.toString(), "--val", data.toString(), "--out", out.toString(), "--epochs", "1", "--max-side", "36");
    ModelMetadata meta = ModelMetadata.read(out.resolve("model"));
    assertEquals(30, meta.inputHeight(), "40x48 shrunk to a longer side of 36");
    assertEquals(36, meta.inputWidth());
    assertEquals(36, new ObjectMapper().readTree(out.resolve("checkpoint/options.json").toFile()).get("maxSide").asInt(),
        "a resumed run loads its data as it started");
    assertEquals(40, ModelMetadata.read(tmp.resolve("run/model")).inputHeight(), "the default keeps small images as they are");

    List<LabelledImage> shrunk = io.segvid.trainer.data.LabelledImageFolder.load(data,
        io.segvid.trainer.data.MaskColours.NONE, 24);
    LabelledImage first = shrunk.get(0);
    assertEquals(20, first.height());
    assertEquals(24, first.width());
    for (byte id : first.labels()) assertTrue(id == 0 || id == 1 || id == (byte) 255, "masks keep their ids: " + id);

    Cli bad = Cli.run(new TrainCommand(), "--data", data.toString(), "--out", tmp.resolve("bad").toString(),
        "--max-side", "8", "--num-classes", "2");
    assertEquals("--max-side must be 0 (keep sizes) or >= 16, got 8", bad.err().strip());
  }

  /** Binary masks saved as 0/255: class 1 gets no pixel (255 is never learnt), which the run says before it trains. */
  @Test
  @Order(6)
  void aClassWithNoPixelsIsWarnedAbout() throws Exception {
    Path binary = tmp.resolve("binary");
    Files.createDirectories(binary.resolve("images"));
    Files.createDirectories(binary.resolve("masks"));
    for (int i = 0; i < 2; i++) {
      try (Mat img = new Mat(40, 48, opencv_core.CV_8UC3, new org.bytedeco.opencv.opencv_core.Scalar(60, 90, 120, 0));
           Mat mask = new Mat(40, 48, opencv_core.CV_8UC1, new org.bytedeco.opencv.opencv_core.Scalar(0))) {
        try (Mat right = mask.colRange(20, 48)) {
          right.put(new org.bytedeco.opencv.opencv_core.Scalar(255));
        }
        imwrite(binary.resolve("images/b" + i + ".png").toString(), img);
        imwrite(binary.resolve("masks/b" + i + ".png").toString(), mask);
      }
    }
    String log = train("--data", binary.toString(), "--out", tmp.resolve("binary-run").toString(), "--epochs", "1");
    assertTrue(log.contains("warning: no training pixel is labelled class 1 (id 1)") && log.contains("0 and 255"), log);
    String clean = train("--data", data.toString(), "--out", tmp.resolve("clean-run").toString(), "--epochs", "1");
    assertFalse(clean.contains("warning"), clean);
  }

  /** --style-mix and --dropout train through the command, are kept for --resume, and a value out of range is one line. */
  @Test
  @Order(7)
  void styleMixAndDropoutAreRunOptions() throws Exception {
    Path out = tmp.resolve("style");
    train("--data", data.toString(), "--out", out.toString(), "--epochs", "1", "--style-mix", "0.5", "--dropout", "0.3");
    JsonNode options = new ObjectMapper().readTree(out.resolve("checkpoint/options.json").toFile());
    assertEquals(0.5, options.get("styleMix").asDouble(), "a resumed run blends as it started");
    assertEquals(0.3, options.get("dropout").asDouble(), 1e-6, "a resumed run drops as it started");
    Cli bad = Cli.run(new TrainCommand(), "--data", data.toString(), "--out", tmp.resolve("bad").toString(),
        "--style-mix", "2", "--num-classes", "2");
    assertEquals("--style-mix must be a probability 0..1, got 2.0", bad.err().strip());
    Cli badDropout = Cli.run(new TrainCommand(), "--data", data.toString(), "--out", tmp.resolve("bad").toString(),
        "--dropout", "1", "--num-classes", "2");
    assertEquals("--dropout must be in 0..1 (1 excluded), got 1.0", badDropout.err().strip());
  }

  @Test
  void aVideoHeldOutOfTrainingIsNotWarnedAbout() throws Exception {
    String log = train("--data", data.toString(), "--val", data.toString(), "--val-by-prefix", "f0", "--out",
        tmp.resolve("held-out").toString(), "--epochs", "1");
    assertTrue(log.contains("held out 1 images of f0 for validation"), log);
    assertFalse(log.contains("validation images are named like"), log);
  }

  /**
   * --select-on robustness scores the held-out video under every condition of evaluate --robustness and keeps
   * the model with the best mean of those and the video as recorded; it is kept for --resume.
   */
  @Test
  void selectingOnRobustnessKeepsTheModelWithTheBestMeanUnderOtherLight() throws Exception {
    Path out = tmp.resolve("robust-selection");
    String log = train("--data", data.toString(), "--val-by-prefix", "f0", "--out", out.toString(), "--epochs", "2",
        "--select-on", "robustness");
    java.util.regex.Matcher under = Pattern.compile("epoch (\\d) held-out mIoU ([0-9.]+) .*\\n"
        + "epoch \\1 held-out under 11 conditions: mean mIoU ([0-9.]+) worst ([0-9.]+) \\(warm=[0-9.]+ .* half-res=[0-9.]+\\)")
        .matcher(log);
    double best = -1;
    for (int epoch = 1; epoch <= 2; epoch++) {
      assertTrue(under.find(), "each validation scores the held-out video under the conditions: " + log);
      double mean = Double.parseDouble(under.group(3));
      assertTrue(Double.parseDouble(under.group(4)) <= Math.min(mean, Double.parseDouble(under.group(2))), log);
      if (mean > best) {
        best = mean;
        assertTrue(log.contains(String.format(Locale.ROOT, "new best model (held-out robustness mean mIoU %.4f)", mean)), log);
      }
    }
    assertTrue(log.contains(String.format(Locale.ROOT, "best held-out robustness mean mIoU %.4f", best)), log);
    assertEquals("robustness", new ObjectMapper().readTree(out.resolve("checkpoint/options.json").toFile())
        .get("selectOn").asText(), "a resumed run selects as it started");
    Cli bad = Cli.run(new TrainCommand(), "--data", data.toString(), "--out", tmp.resolve("bad").toString(),
        "--select-on", "dusk", "--num-classes", "2");
    assertEquals("--select-on must be clean or robustness, got dusk", bad.err().strip());
  }

  /**
   * --rotate and --saturation train through the command and are kept for --resume, a value out of range is one
   * line; 0 turns others off; without --saturation the saturation range is --jitter's.
   */
  @Test
  @Order(8)
  void rotateAndSaturationAreRunOptions() throws Exception {
    Path out = tmp.resolve("rotate");
    train("--data", data.toString(), "--out", out.toString(), "--epochs", "1", "--rotate", "10", "--white-balance", "0",
        "--noise", "0", "--jitter", "0.1", "--saturation", "0.5");
    JsonNode augmentation = savedOptions(out).get("augmentation");
    assertEquals(10.0, augmentation.get("rotation").asDouble(), "a resumed run rotates as it started");
    assertEquals(0, augmentation.get("whiteBalance").asDouble(), "0 turns a default augmentation off");
    assertEquals(0, augmentation.get("noise").asDouble(), "0 turns a default augmentation off");
    assertEquals(0.5, augmentation.get("saturation").asDouble(), 1e-6, "--saturation apart from --jitter");
    assertEquals(0.1, augmentation.get("brightness").asDouble(), 1e-6, "--jitter still sets brightness");
    JsonNode defaults = savedOptions(tmp.resolve("run")).get("augmentation");
    assertEquals(defaults.get("brightness").asDouble(), defaults.get("saturation").asDouble(), "saturation follows --jitter");
    Cli wide = Cli.run(new TrainCommand(), "--data", data.toString(), "--out", tmp.resolve("bad").toString(),
        "--saturation", "1.5", "--num-classes", "2");
    assertEquals("jitter and saturation must be 0..1, got brightness 0.2, contrast 0.2, saturation 1.5", wide.err().strip());
    Cli bad = Cli.run(new TrainCommand(), "--data", data.toString(), "--out", tmp.resolve("bad").toString(),
        "--rotate", "50", "--num-classes", "2");
    assertEquals("rotate must be 0..45 degrees, got 50.0", bad.err().strip());
  }

  /**
   * With class weights, the exported model carries the logit adjustment's offsets (-tau ln w), and what
   * the trainer validated is what the exported model scores: both branches add them.
   */
  @Test
  @Order(9)
  void theLogitAdjustmentIsExportedAndValidatedAsServed() throws Exception {
    Path out = tmp.resolve("adjusted");
    String[] weighted = TINY.clone();
    weighted[java.util.Arrays.asList(weighted).indexOf("none")] = "median-frequency";
    String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("--data", data.toString(), "--val",
        data.toString(), "--out", out.toString(), "--epochs", "1", "--logit-adjustment", "0.5"),
        java.util.Arrays.stream(weighted)).toArray(String[]::new);
    String log = Cli.printed(() -> assertEquals(0, Cli.run(new TrainCommand(), args).code()));
    var weights = Pattern.compile("class weights: \\[([0-9.E-]+), ([0-9.E-]+)]").matcher(log);
    assertTrue(weights.find() && Float.parseFloat(weights.group(1)) != Float.parseFloat(weights.group(2)), log);
    JsonNode offsets = new ObjectMapper().readTree(out.resolve("model/segvid-model.json").toFile())
        .get("architecture").get("class_offsets");
    for (int c = 0; c < 2; c++) {
      assertEquals(-0.5 * Math.log(Float.parseFloat(weights.group(c + 1))), offsets.get(c).asDouble(), 1e-5);
    }
    var validated = Pattern.compile("epoch 1 val mIoU ([0-9.]+)").matcher(log);
    assertTrue(validated.find(), log);
    String eval = Cli.printed(() -> assertEquals(0, Cli.run(new EvaluateCommand(), "--model", out.resolve("model").toString(),
        "--data", data.toString()).code()));
    var served = Pattern.compile("mIoU +([0-9.]+)").matcher(eval);
    assertTrue(served.find(), eval);
    assertEquals(Double.parseDouble(validated.group(1)), Double.parseDouble(served.group(1)), 0.002,
        "the trainer validated what the exported model computes");
  }

  /**
   * A user's own classes from an exported model, with no architecture flags: the run takes the model's
   * architecture, classes of the same name keep their classifier rows (in the data's order), a new one
   * starts fresh.
   */
  @Test
  @Order(10)
  void initFromTakesTheModelsArchitectureAndCarriesClassesOverByName() throws Exception {
    Path own = tmp.resolve("own-classes");
    Files.createDirectories(own);
    for (String sub : List.of("images", "masks")) {
      Files.createSymbolicLink(own.resolve(sub), data.resolve(sub).toAbsolutePath());
    }
    Files.writeString(own.resolve("classes.csv"), "id,name,r,g,b\n0,Class 1,255,0,0\n1,puddle,0,0,255\n2,class 0,0,255,0\n");
    Path model = tmp.resolve("adjusted/model");  // with class offsets for its own two classes
    Path out = tmp.resolve("own-run");
    String log = Cli.printed(() -> assertEquals(0, Cli.run(new TrainCommand(), "--data", own.toString(), "--out",
        out.toString(), "--init-from", model.toString(), "--epochs", "1", "--batch", "2", "--crop", "32x32",
        "--class-weights", "none", "--lr", "1e-9").code()));
    assertTrue(log.contains("architecture (unless given, that of " + model
        + "): mobilenetv2 width 0.35, output stride 16, ASPP 16, decoder 16 channels"), log);
    assertTrue(log.contains("classifier: 2 of the data's 3 classes carried over from " + model
        + " (Class 1, class 0); new, starting fresh: puddle"), log);
    ModelMetadata meta = ModelMetadata.read(out.resolve("model"));
    ModelSpec spec = ModelSpec.fromArchitecture(meta.architecture(), 3);
    assertEquals(List.of(0.35f, 16, 16, 16), List.of(spec.widthMultiplier(), spec.outputStride(), spec.asppChannels(),
        spec.decoderChannels()), "the architecture of the model it started from");
    try (TrainGraph g = new TrainGraph(ModelSpec.fromArchitecture(ModelMetadata.read(model).architecture(), 2),
        OptimizerKind.ADAM, 0f, 0.9f, 1)) {
      float[] before = SavedModelWeights.read(model, g.params().all().values()).get("classifier.weights");
      float[] after = SavedModelWeights.readAnyShape(out.resolve("model"), "classifier.weights");
      assertEquals(before.length / 2 * 3, after.length);
      boolean freshDiffers = false;
      for (int c = 0; c < before.length / 2; c++) {
        assertEquals(before[c * 2 + 1], after[c * 3], 1e-5, "Class 1 keeps its row, now first");
        assertEquals(before[c * 2], after[c * 3 + 2], 1e-5, "class 0 keeps its row, now third");
        freshDiffers |= Math.abs(after[c * 3 + 1] - before[c * 2]) > 1e-3 && Math.abs(after[c * 3 + 1] - before[c * 2 + 1]) > 1e-3;
      }
      assertTrue(freshDiffers, "puddle's row is new");
    }
  }

  private static double savedLearningRate(Path run) throws Exception {
    return savedOptions(run).get("learningRate").asDouble();
  }

  /** The options a run saved for --resume. */
  private static JsonNode savedOptions(Path run) throws Exception {
    return new ObjectMapper().readTree(run.resolve("checkpoint/options.json").toFile());
  }

  private static String train(String... args) throws Exception {
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(TINY))
        .toArray(String[]::new);
    String[] err = new String[1];
    String out = Cli.printed(() -> {
      Cli r = Cli.run(new TrainCommand(), all);
      err[0] = r.err();
      assertEquals(0, r.code(), r.err());
    });
    return out + err[0];
  }
}
