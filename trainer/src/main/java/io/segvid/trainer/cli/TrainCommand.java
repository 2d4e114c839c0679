package io.segvid.trainer.cli;

import io.segvid.inference.ModelMetadata;
import io.segvid.trainer.data.Augmentation;
import io.segvid.trainer.data.ClassTable;
import io.segvid.trainer.data.LabelCheck;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import io.segvid.trainer.data.MaskColours;
import io.segvid.trainer.data.VideoStems;
import io.segvid.trainer.model.LogitAdjustment;
import io.segvid.trainer.model.ModelSpec;
import io.segvid.trainer.train.LearningRate;
import io.segvid.trainer.train.OptimizerKind;
import io.segvid.trainer.train.TrainOptions;
import io.segvid.trainer.train.Trainer;
import io.segvid.trainer.train.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segvid train}: trains DeepLabV3+ on images/ + masks/ folders and exports the best model. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train DeepLabV3+ on a folder of images/ and masks/; exports the best model to OUT/model.")
public final class TrainCommand implements Callable<Integer> {

  @Option(names = "--data", required = true, description = "Training folder with images/ and masks/.")
  Path data;
  @Option(names = "--val", description = "Validation folder with images/ and masks/ (mIoU, best-model selection).")
  Path val;
  @Option(names = "--out", required = true, description = "Run folder: checkpoint/, model/, curves.csv, curves.png.")
  Path out;
  @Option(names = "--resume", description = "Continue the run in OUT where it stopped (its saved options win).")
  boolean resume;
  @Option(names = "--init-from", description = "Start from the weights of an exported model, with a new schedule: "
      + "fine-tuning, training on, or teaching the shipped model your own classes (its architecture unless flags say "
      + "otherwise; classifier rows follow the class names, new classes start fresh).")
  Path initFrom;

  // Unset, the architecture is that of the --init-from model (so fine-tuning the shipped model needs no
  // flags), else the default model's recipe.
  @Option(names = "--backbone", description = "mobilenetv2 or resnet50 (default: as --init-from's model, else mobilenetv2).")
  String backbone;
  @Option(names = "--width", description = "MobileNetV2 width multiplier (default: as --init-from's model, else 0.5).")
  Float width;
  @Option(names = "--output-stride", description = "8 or 16: 16 is ~0.7x the compute, a little less accurate "
      + "(default: as --init-from's model, else 8).")
  Integer outputStride;
  @Option(names = "--aspp-channels", description = "ASPP channels (paper: 256; default: as --init-from's model, else 128).")
  Integer asppChannels;
  @Option(names = "--aspp-rates", split = ",", paramLabel = "R", description = "The three atrous rates of ASPP "
      + "(default: as --init-from's model, else the paper's: 12,24,36 at output stride 8, 6,12,18 at 16).")
  List<Integer> asppRates;
  @Option(names = "--decoder-channels", description = "Decoder channels (default: as --init-from's model, else 128).")
  Integer decoderChannels;

  @Option(names = "--half-res-decoder", paramLabel = "CHANNELS", description = "A last decoder step at half the "
      + "input's resolution with this many channels, fed by the backbone's stride-2 feature, for thin objects; "
      + "0: the decoder ends at a quarter (default: as --init-from's model, else 0).")
  Integer halfResDecoder;

  @Option(names = "--instance-norm", negatable = true, description = "IBN-a: half of the channels of the early "
      + "MobileNetV2 stages' expansion layers instance-normalised (each picture's own contrast and colour cast "
      + "removed), for cameras and light unlike the training data (default: as --init-from's model, else off).")
  Boolean instanceNorm;

  // The defaults are the recipe the by-sequence split chose (docs/model.md): 300 epochs of Lovász beat
  // shorter schedules (200: .02 behind) and cross-entropy alone on a drive never trained on.
  @Option(names = "--epochs", defaultValue = "300", description = "(default: ${DEFAULT-VALUE})") int epochs;
  @Option(names = "--batch", defaultValue = "8") int batch;
  @Option(names = "--crop", defaultValue = "256x256", description = "Training crop HxW (default: ${DEFAULT-VALUE}).")
  String crop;
  // From scratch, 2e-3 beat 1e-3 on the held-out drive at 100 and 200 epochs and made the better default
  // (docs/model.md); a fine-tune keeps 1e-3, the rate its measurements were made at (session 22).
  @Option(names = "--lr", description = "Peak learning rate (default: 0.002 from scratch, 0.001 with --init-from).")
  Float lr;
  @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw (weight decay decoupled from the "
      + "gradient: give --weight-decay 0.005..0.05) or sgd (momentum 0.9).") String optimizer;
  @Option(names = "--schedule", defaultValue = "poly", description = "poly or cosine.") String schedule;
  @Option(names = "--warmup-epochs", defaultValue = "2") int warmupEpochs;
  @Option(names = "--weight-decay", defaultValue = "0.00004", description = "L2 on the weights with adam and sgd; with "
      + "adamw the share of the learning rate each weight shrinks by per step (default: ${DEFAULT-VALUE}).") float weightDecay;
  @Option(names = "--class-weights", defaultValue = "median-frequency",
      description = "none, median-frequency, or N comma-separated weights (default: ${DEFAULT-VALUE}).")
  String classWeights;
  @Option(names = "--logit-adjustment", defaultValue = "0.5", paramLabel = "TAU", description = "Take back this share of "
      + "the class weights' prior when predicting (scores - TAU*ln(weight); 0: off, 1: all): weighted classes are "
      + "otherwise called far more often than they occur (default: ${DEFAULT-VALUE}).")
  float logitAdjustment;
  @Option(names = "--ignore-id", description = "Label id without loss (default: the 'void' row of classes.csv, else 255).")
  Integer ignoreId;
  @Option(names = "--num-classes", description = "Number of classes when the data has no classes.csv.")
  Integer numClasses;
  @Option(names = "--scale", defaultValue = "0.5:1.75", description = "Random scale range MIN:MAX (default: ${DEFAULT-VALUE}).")
  String scale;
  @Option(names = "--rotate", defaultValue = "0", paramLabel = "DEGREES", description = "Random rotation of image and "
      + "mask about the centre, up to +-DEGREES (0..45; corners brought in are ignored by the loss; default: ${DEFAULT-VALUE}).")
  float rotate;
  @Option(names = "--jitter", defaultValue = "0.2", description = "Colour jitter: brightness, contrast and (without "
      + "--saturation) saturation, each +-this fraction (0..1; default: ${DEFAULT-VALUE}).")
  float jitter;
  @Option(names = "--saturation", paramLabel = "S", description = "Saturation range apart from --jitter's: x(1-S)..(1+S) "
      + "(0..1; default: --jitter's strength). Wider: pale skies and walls are also seen in deeper colours, as other cameras give them.")
  Float saturation;
  @Option(names = "--hue", defaultValue = "0", description = "Hue rotation, +- fraction of a turn (0..0.5; default: ${DEFAULT-VALUE}).")
  float hue;
  // The four photometric defaults are the noise fine-tune's, from the first epoch: on a held-out drive they hold
  // other light and sensor noise far better than fine-tunes after a plain run, at the same clean score
  // (docs/model-experiments.md, "Session 29"). 0 turns each off.
  @Option(names = "--gamma", defaultValue = "0.3", description = "Gamma range, +- log2 exponent (default: ${DEFAULT-VALUE}).")
  float gamma;
  @Option(names = "--blur", defaultValue = "0.3", description = "Probability of a slight Gaussian blur (default: ${DEFAULT-VALUE}).")
  float blur;
  @Option(names = "--noise", defaultValue = "20", description = "Largest per-pixel noise std in 0..255 units (default: ${DEFAULT-VALUE}).")
  float noise;
  @Option(names = "--white-balance", defaultValue = "0.15", paramLabel = "W", description = "Colour-temperature shift, "
      + "+- log gain of red against blue (0.25: x0.78..1.28), green tint half that (default: ${DEFAULT-VALUE}).")
  float whiteBalance;
  @Option(names = "--cutmix", defaultValue = "0", paramLabel = "P", description = "Probability that a crop gets a rectangle "
      + "(10-50%% of its area) of another crop of its batch, labels with it: mixes videos (default: ${DEFAULT-VALUE}).")
  float cutMix;
  @Option(names = "--copy-paste", defaultValue = "0", paramLabel = "P", description = "Probability that a crop gets "
      + "the pixels of the rarer half of the classes (those under the median class's pixel share: poles, signs, people) "
      + "from another crop of its batch, in place, labels with them: thin objects in front of other streets and "
      + "light (default: ${DEFAULT-VALUE}).")
  float copyPaste;
  @Option(names = "--class-crops", defaultValue = "0", paramLabel = "P", description = "Probability that a crop is placed "
      + "around a pixel of a class drawn uniformly among those its image shows, so thin and rare classes are seen "
      + "as often as large ones (default: ${DEFAULT-VALUE}: anywhere).")
  float classCrops;
  @Option(names = "--style-mix", defaultValue = "0", paramLabel = "P", description = "Probability that an image's "
      + "early feature statistics (per-channel mean and spread: its camera and light) are blended with those of "
      + "another image of the batch while training (MixStyle); serving is unchanged (default: ${DEFAULT-VALUE}).")
  float styleMix;
  @Option(names = "--dropout", defaultValue = "0", paramLabel = "P", description = "Share of the decoder's features "
      + "dropped at random in each training step (after the ASPP and the first decoder convolution; a fifth of it "
      + "before the classifier; the reference decoders use 0.5); serving is unchanged (default: ${DEFAULT-VALUE}).")
  float dropout;
  @Option(names = "--aux-loss", defaultValue = "0", paramLabel = "W", description = "Weight of a second loss, the "
      + "class-weighted cross-entropy of a linear classifier straight on the backbone's output, so the encoder's own "
      + "features name the classes (deep supervision; PSPNet uses 0.4); the classifier is dropped at export, serving is "
      + "unchanged (default: ${DEFAULT-VALUE}: none).")
  float auxLoss;
  @Option(names = "--loss", defaultValue = "lovasz", description = "ce (cross-entropy), focal, or lovasz (cross-entropy plus Lovász-softmax, "
      + "a surrogate of 1 - IoU per class) (default: ${DEFAULT-VALUE}).")
  String loss;
  @Option(names = "--select-on", defaultValue = "clean", paramLabel = "clean|robustness", description = "What picks the "
      + "best model: the selecting set's mIoU as recorded (clean), or the mean mIoU over it as recorded and under "
      + "evaluate --robustness's eleven conditions of other cameras and light (robustness: ~12x the validation time) "
      + "(default: ${DEFAULT-VALUE}).")
  String selectOn;
  @Option(names = "--val-by-prefix", split = ",", paramLabel = "PREFIX",
      description = "Hold the training images whose names start with these prefixes (whole videos) out as the "
          + "validation set that selects the best model; --val is then only reported beside it.")
  List<String> valByPrefix;
  @Option(names = "--val-every", defaultValue = "5", description = "Validate every N epochs (default: ${DEFAULT-VALUE}).")
  int valEvery;
  @Option(names = "--bn-momentum", defaultValue = "0.95") float bnMomentum;
  @Option(names = "--ema", defaultValue = "0", paramLabel = "DECAY", description = "Validate and export a moving average"
      + " of the weights, updated every step with this decay (e.g. 0.997; default 0: the weights as trained).")
  double ema;
  @Option(names = "--max-side", defaultValue = "640", paramLabel = "PIXELS", description = "Shrink images and masks "
      + "whose longer side is larger to this as they load (aspect kept): the model learns, is validated and then "
      + "serves at this scale, and large photos fit in memory (default: ${DEFAULT-VALUE}; 0 keeps every size).")
  int maxSide;
  @Option(names = "--seed", defaultValue = "1") long seed;
  @Option(names = "--threads", defaultValue = "0", description = "TensorFlow intra-op threads (0: all cores).")
  int threads;

  @Override
  public Integer call() throws Exception {
    TrainOptions options = Trainer.savedOptions(out);
    if (resume && options != null) {
      System.out.println("resuming with the options saved in " + out + " (command-line training options are ignored)");
    } else {
      if (resume) System.out.println("nothing to resume in " + out + ": starting a new run");
      options = null;
    }
    if (initFrom != null && !Files.isDirectory(initFrom)) {
      throw new IllegalArgumentException("--init-from " + initFrom + " does not exist");
    }
    ClassTable classes = ClassTable.resolve(data, ignoreId, numClasses);
    if (options == null) options = buildOptions(classes.numClasses());
    else if (options.spec().numClasses() != classes.numClasses()) {
      throw new IllegalArgumentException("the run in " + out + " has " + options.spec().numClasses()
          + " classes but " + data + " has " + classes.numClasses());
    }
    if (!resume && Files.exists(out.resolve("checkpoint"))) {
      throw new IllegalArgumentException(out + " already holds a run: pass --resume to continue it or choose another --out");
    }
    System.out.printf(Locale.ROOT, "loading %s ...%n", data);
    List<LabelledImage> train = LabelledImageFolder.load(data, MaskColours.near(data), options.maxSide());
    List<LabelledImage> valSet = val == null ? List.of() : LabelledImageFolder.load(val, MaskColours.near(val), options.maxSide());
    if (train.size() < options.batchSize()) {
      throw new IllegalArgumentException(data + " has " + train.size() + " images, fewer than one batch of " + options.batchSize());
    }
    LabelCheck.requireKnownIds(train, classes.numClasses(), classes.ignoreId(), data.toString());
    LabelCheck.requireKnownIds(valSet, classes.numClasses(), classes.ignoreId(), String.valueOf(val));
    System.out.printf(Locale.ROOT, "%d training and %d validation images, %d classes, ignore id %d (%.1f%% of training pixels)%n",
        train.size(), valSet.size(), classes.numClasses(), classes.ignoreId(),
        100 * LabelCheck.ignoredShare(train, classes.ignoreId()));
    for (int id : LabelCheck.absentIds(train, classes.numClasses())) {
      // A mask of 0/255 for two classes leaves class 1 empty and its pixels ignored: say so before hours of training.
      System.out.printf(Locale.ROOT, "warning: no training pixel is labelled %s (id %d): the model cannot learn it%s%n",
          classes.classes().get(id).name(), id, LabelCheck.ignoredShare(train, 255) > 0.2
              ? " (masks of 0 and 255 for two classes? 255 is never learnt: save the class ids, 0 and 1)" : "");
    }
    int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    List<LabelledImage> selectOn = valSet;
    List<LabelledImage> reportOnly = List.of();
    if (valByPrefix != null && !valByPrefix.isEmpty()) {
      io.segvid.trainer.data.SequenceSplit.Split split = io.segvid.trainer.data.SequenceSplit.byPrefix(train, valByPrefix);
      train = split.train();
      selectOn = split.heldOut();
      reportOnly = valSet;
      System.out.printf(Locale.ROOT, "held out %d images of %s for validation (selects the best model); training on %d%n",
          selectOn.size(), String.join(",", valByPrefix), train.size());
    }
    if (reportOnly.isEmpty()) warnOfSharedVideos(train, selectOn);
    String selecting = reportOnly.isEmpty() && selectOn == valSet ? "val" : "held-out";
    TrainingState end = new Trainer(options, classes, train, selectOn, out, System.out, t)
        .selectingOn(selecting).report("val", reportOnly)
        .run(resume, initFrom);
    if (selectOn.isEmpty()) {
      System.out.printf(Locale.ROOT, "done: %d epochs in %.1f min; no --val, so the model of the last epoch is in %s%n",
          end.epoch(), end.seconds() / 60, out.resolve("model"));
    } else {
      System.out.printf(Locale.ROOT, "done: %d epochs in %.1f min; best %s%s mIoU %.4f (epoch %d); model in %s%n",
          end.epoch(), end.seconds() / 60, selecting, options.selectsOnRobustness() ? " robustness mean" : "",
          end.bestMiou(), end.bestEpoch(), out.resolve("model"));
    }
    return 0;
  }

  /** Validation frames of the training videos make the selection reward memorising: say so, and what to do. */
  private static void warnOfSharedVideos(List<LabelledImage> train, List<LabelledImage> val) {
    List<VideoStems.Shared> shared = VideoStems.shared(train.stream().map(LabelledImage::name).toList(),
        val.stream().map(LabelledImage::name).toList());
    if (shared.isEmpty()) return;
    int inVal = shared.stream().mapToInt(VideoStems.Shared::validation).sum();
    int inTrain = shared.stream().mapToInt(VideoStems.Shared::training).sum();
    String stems = shared.stream().limit(3).map(VideoStems.Shared::stem).collect(java.util.stream.Collectors.joining(","));
    System.out.printf(Locale.ROOT, "warning: %d of %d validation images are named like %d training images but for their"
        + " frame number (%s%s): if they are frames of the same videos, the best model is the one that memorised them;"
        + " --val-by-prefix holds whole videos out of training instead%n", inVal, val.size(), inTrain, stems,
        shared.size() > 3 ? ", ..." : "");
  }

  private TrainOptions buildOptions(int classes) throws IOException {
    ModelSpec spec = architecture(classes);
    int[] hw = parsePair(crop, "x", "--crop");
    String[] sc = scale.split(":");
    if (sc.length != 2) throw new IllegalArgumentException("--scale must be MIN:MAX, got " + scale);
    Augmentation aug = new Augmentation(Float.parseFloat(sc[0]), Float.parseFloat(sc[1]), true, jitter, jitter,
        saturation == null ? jitter : saturation, hue, gamma, blur, noise, whiteBalance, cutMix, classCrops, rotate, copyPaste);
    io.segvid.trainer.train.LossKind lossKind = switch (loss.toLowerCase(Locale.ROOT)) {
      case "ce", "cross-entropy" -> io.segvid.trainer.train.LossKind.CROSS_ENTROPY;
      case "focal" -> io.segvid.trainer.train.LossKind.FOCAL;
      case "lovasz" -> io.segvid.trainer.train.LossKind.LOVASZ;
      default -> throw new IllegalArgumentException("--loss must be ce, focal or lovasz, got " + loss);
    };
    if (epochs < 1 || batch < 1 || valEvery < 1) throw new IllegalArgumentException("--epochs, --batch and --val-every must be >= 1");
    float rate = lr != null ? lr : initFrom != null ? 0.001f : 0.002f;
    if (!(rate > 0)) throw new IllegalArgumentException("--lr must be > 0");
    OptimizerKind opt = switch (optimizer.toLowerCase(Locale.ROOT)) {
      case "adam" -> OptimizerKind.ADAM;
      case "adamw" -> OptimizerKind.ADAMW;
      case "sgd", "momentum" -> OptimizerKind.SGD;
      default -> throw new IllegalArgumentException("--optimizer must be adam, adamw or sgd, got " + optimizer);
    };
    LearningRate.Schedule sched = switch (schedule.toLowerCase(Locale.ROOT)) {
      case "poly" -> LearningRate.Schedule.POLY;
      case "cosine" -> LearningRate.Schedule.COSINE;
      default -> throw new IllegalArgumentException("--schedule must be poly or cosine, got " + schedule);
    };
    if (!classWeights.equals("none") && !classWeights.equals("median-frequency")) {
      io.segvid.trainer.data.ClassWeights.parse(classWeights, classes);
    }
    String selection = selectOn.toLowerCase(Locale.ROOT);
    if (!selection.equals(TrainOptions.SELECT_CLEAN) && !selection.equals(TrainOptions.SELECT_ROBUSTNESS)) {
      throw new IllegalArgumentException("--select-on must be clean or robustness, got " + selectOn);
    }
    if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("--dropout must be in 0..1 (1 excluded), got " + dropout);
    if (!(auxLoss >= 0 && auxLoss <= 10)) throw new IllegalArgumentException("--aux-loss must be in 0..10, got " + auxLoss);
    if (!(styleMix >= 0 && styleMix <= 1)) throw new IllegalArgumentException("--style-mix must be a probability 0..1, got " + styleMix);
    if (maxSide != 0 && maxSide < 16) throw new IllegalArgumentException("--max-side must be 0 (keep sizes) or >= 16, got " + maxSide);
    if (ema != 0 && !(ema >= 0.5 && ema < 1)) throw new IllegalArgumentException("--ema must be 0 (off) or in [0.5, 1), got " + ema);
    LogitAdjustment.requireStrength(logitAdjustment);
    return new TrainOptions(spec, epochs, batch, hw[0], hw[1], rate, opt, sched, weightDecay, classWeights, aug,
        valEvery, seed, warmupEpochs, bnMomentum, lossKind, ema, maxSide, styleMix, logitAdjustment, dropout, selection, auxLoss);
  }

  /** The flags given, the rest from the --init-from model's metadata (when it has one), else the recipe's. */
  private ModelSpec architecture(int classes) throws IOException {
    ModelMetadata meta = initFrom == null ? null : ModelMetadata.read(initFrom);
    Map<String, Object> arch = meta == null || meta.architecture() == null ? null : new HashMap<>(meta.architecture());
    if (arch != null) arch.remove("class_offsets");  // the model's own classes' offsets; the run computes its own
    ModelSpec base = ModelSpec.fromArchitecture(arch, classes);
    if (base == null) base = new ModelSpec(ModelSpec.Backbone.MOBILENETV2, 0.5f, 8, classes, 128, 128, ModelSpec.defaultRates(8));
    ModelSpec.Backbone bb = backbone == null ? base.backbone() : switch (backbone.toLowerCase(Locale.ROOT)) {
      case "mobilenetv2", "mobilenet_v2", "mobilenet" -> ModelSpec.Backbone.MOBILENETV2;
      case "resnet50", "resnet-50", "resnet" -> ModelSpec.Backbone.RESNET50;
      default -> throw new IllegalArgumentException("--backbone must be mobilenetv2 or resnet50, got " + backbone);
    };
    int stride = outputStride != null ? outputStride : base.outputStride();
    // The base's rates belong to its output stride; another stride takes the paper's rates for it.
    List<Integer> rates = asppRates != null ? asppRates
        : stride == base.outputStride() ? base.asppRates() : ModelSpec.defaultRates(stride);
    if (rates.size() != 3 || rates.stream().anyMatch(r -> r < 1)) {
      throw new IllegalArgumentException("--aspp-rates must be three rates >= 1, e.g. 12,24,36; got " + rates);
    }
    if (halfResDecoder != null && halfResDecoder != 0 && halfResDecoder < 8) {
      throw new IllegalArgumentException("--half-res-decoder must be 0 (none) or >= 8 channels, got " + halfResDecoder);
    }
    ModelSpec spec = new ModelSpec(bb, width != null ? width : base.widthMultiplier(), stride, classes,
        asppChannels != null ? asppChannels : base.asppChannels(),
        decoderChannels != null ? decoderChannels : base.decoderChannels(), rates)
        .withHalfResChannels(halfResDecoder != null ? halfResDecoder : base.halfResChannels())
        .withInstanceNorm(instanceNorm != null ? instanceNorm : base.instanceNorm() && bb == ModelSpec.Backbone.MOBILENETV2);
    System.out.printf(Locale.ROOT, "architecture%s: %s width %s%s, output stride %d, ASPP %d, decoder %d channels%s, "
        + "ASPP rates %s%n", arch == null ? "" : " (unless given, that of " + initFrom + ")",
        spec.backbone().name().toLowerCase(Locale.ROOT), spec.widthMultiplier(),
        spec.instanceNorm() ? " with IBN-a instance norm" : "", spec.outputStride(),
        spec.asppChannels(), spec.decoderChannels(),
        spec.halfResChannels() > 0 ? " then " + spec.halfResChannels() + " at half resolution" : "",
        spec.asppRates().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining("/")));
    return spec;
  }

  static int[] parsePair(String s, String sep, String flag) {
    String[] p = s.toLowerCase(Locale.ROOT).split(sep);
    try {
      int[] out = {Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip())};
      if (p.length != 2 || out[0] < 16 || out[1] < 16) throw new NumberFormatException();
      return out;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(flag + " must be HxW with both >= 16, got " + s);
    }
  }
}
