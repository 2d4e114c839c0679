package io.segvid.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.segvid.inference.ModelMetadata;
import io.segvid.trainer.data.BatchAssembler;
import io.segvid.trainer.data.ClassTable;
import io.segvid.trainer.data.ClassWeights;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.eval.ConditionScore;
import io.segvid.trainer.eval.ConfusionMatrix;
import io.segvid.trainer.export.ModelExporter;
import io.segvid.trainer.model.DeepLabV3Plus;
import io.segvid.trainer.model.LogitAdjustment;
import io.segvid.trainer.model.ModelSpec;
import io.segvid.trainer.model.WeightFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * The training loop: epochs of augmented batches, a checkpoint after every epoch (weights, optimizer
 * slots, state, written to a side folder and swapped in), validation mIoU every few epochs with the
 * best model exported to {@code OUT/model}, and curves.csv/png.
 */
public final class Trainer {

  /** The run folder: checkpoint/, model/ (best so far), curves.csv, curves.png. */
  public record RunFolder(Path root) {
    public Path checkpoint() { return root.resolve("checkpoint"); }
    public Path bestModel() { return root.resolve("model"); }
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final TrainOptions options;
  private final ClassTable classes;
  private final List<LabelledImage> train;
  private final List<LabelledImage> val;
  /** Named validation sets scored beside {@link #val} (which alone selects the best model). */
  private final Map<String, List<LabelledImage>> reported = new LinkedHashMap<>();
  /** What the selecting validation set is called in the log. */
  private String valName = "val";
  private final RunFolder run;
  private final PrintStream log;
  private final int threads;
  /** The moving average of the weights that is validated and exported, with {@code --ema}; else null. */
  private WeightAverage average;
  /** The run's architecture with the class offsets its weights call for: what is validated and exported. */
  private ModelSpec spec;

  public Trainer(TrainOptions options, ClassTable classes, List<LabelledImage> train, List<LabelledImage> val,
                 Path out, PrintStream log, int threads) {
    this.options = options;
    this.spec = options.spec();
    this.classes = classes;
    this.train = train;
    this.val = val;
    this.run = new RunFolder(out);
    this.log = log;
    this.threads = threads;
  }

  /** Names the selecting validation set in the log (e.g. "held-out" for a by-sequence split). */
  public Trainer selectingOn(String name) {
    valName = name;
    return this;
  }

  /** Also scores {@code images} at each validation, under {@code name}, without selecting on it. */
  public Trainer report(String name, List<LabelledImage> images) {
    if (!images.isEmpty()) reported.put(name, images);
    return this;
  }

  /** Saved options of an earlier run in {@code out}, or null. */
  public static TrainOptions savedOptions(Path out) throws IOException {
    Path f = new RunFolder(out).checkpoint().resolve("options.json");
    return Files.isRegularFile(f) ? JSON.readValue(f.toFile(), TrainOptions.class) : null;
  }

  public TrainingState run(boolean resume) throws IOException, InterruptedException {
    return run(resume, null);
  }

  /** {@code initFrom}: an exported model whose weights start a new run (ignored when resuming). */
  public TrainingState run(boolean resume, Path initFrom) throws IOException, InterruptedException {
    Files.createDirectories(run.root());
    float[] classWeights = classWeights();
    log.printf(Locale.ROOT, "class weights: %s%n", java.util.Arrays.toString(classWeights));
    spec = options.spec().withClassOffsets(LogitAdjustment.offsets(classWeights, options.logitAdjustment()));
    if (spec.classOffsets() != null) {
      log.printf(Locale.ROOT, "logit adjustment %.2f: class offsets when predicting %s%n", options.logitAdjustment(),
          spec.classOffsets());
    }
    int stepsPerEpoch = Math.max(1, train.size() / options.batchSize());
    LearningRate lr = new LearningRate(options.schedule(), options.learningRate(),
        (long) stepsPerEpoch * options.warmupEpochs(), (long) stepsPerEpoch * options.epochs());
    BatchAssembler assembler = new BatchAssembler(options.cropHeight(), options.cropWidth(), options.augmentation(),
        classes.ignoreId(), classWeights, pastedClasses());
    TrainingCurves curves = new TrainingCurves(run.root());
    ExecutorService prefetch = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "batch-prefetch");
      t.setDaemon(true);
      return t;
    });
    try (TrainGraph graph = new TrainGraph(spec, options.optimizer(), options.weightDecay(),
        options.bnMomentum(), threads, options.loss(), options.styleMix(), options.dropout(),
        options.auxLoss())) {
      TrainingState state = start(graph, resume, initFrom);
      average = startAverage(graph, resume);
      int firstEpoch = state.epoch() + 1;
      TimeLeft timeLeft = new TimeLeft();
      for (int epoch = firstEpoch; epoch <= options.epochs(); epoch++) {
        long started = System.nanoTime();
        Epoch trained = trainEpoch(graph, epoch, state.step(), stepsPerEpoch, lr, assembler, prefetch);
        double seconds = (System.nanoTime() - started) / 1e9;
        double validationSeconds = 0;
        double miou = Double.NaN;
        int bestEpoch = state.bestEpoch();
        double best = state.bestMiou();
        if (!val.isEmpty() && (epoch % options.valEvery() == 0 || epoch == options.epochs())) {
          long validationStarted = System.nanoTime();
          miou = validateAll(graph, epoch);
          validationSeconds = (System.nanoTime() - validationStarted) / 1e9;
          timeLeft.validated(validationSeconds);
          if (miou > best) {
            best = miou;
            bestEpoch = epoch;
            exportTo(exported(graph), run.bestModel());
            log.printf(Locale.ROOT, "new best model (%s%s mIoU %.4f) exported to %s%n", valName,
                options.selectsOnRobustness() ? " robustness mean" : "", miou, run.bestModel());
          }
        } else if (val.isEmpty()) {
          exportTo(exported(graph), run.bestModel());
        }
        double imgPerSec = stepsPerEpoch * options.batchSize() / seconds;
        state = new TrainingState(epoch, trained.step(), best, bestEpoch, state.seconds() + seconds);
        checkpoint(graph, state);
        curves.add(new TrainingCurves.Row(epoch, trained.meanLoss(), trained.lastLr(), miou, imgPerSec));
        // Training, exports and the checkpoint: the time every epoch costs.
        timeLeft.trained((System.nanoTime() - started) / 1e9 - validationSeconds);
        // This sitting's recent pace only: a resumed run may be on another machine or beside other work.
        int validationsLeft = val.isEmpty() ? 0 : TimeLeft.validationsAfter(epoch, options.epochs(), options.valEvery());
        String left = epoch < options.epochs() ? String.format(Locale.ROOT, ", ~%.0f min left",
            timeLeft.seconds(options.epochs() - epoch, validationsLeft) / 60) : "";
        log.printf(Locale.ROOT, "epoch %d/%d loss %.4f %.1f img/s %.0fs (total %.1f min%s)%n", epoch, options.epochs(),
            trained.meanLoss(), imgPerSec, seconds, state.seconds() / 60, left);
      }
      return state;
    } finally {
      prefetch.shutdownNow();
    }
  }

  /** Copy-paste carries the classes rarer than the median one, named in the log. */
  private boolean[] pastedClasses() {
    boolean[] pasted = new boolean[classes.numClasses()];
    if (options.augmentation().copyPaste() <= 0) return pasted;
    pasted = ClassWeights.rarerThanMedian(train, classes.numClasses());
    List<String> names = new ArrayList<>();
    for (int c = 0; c < pasted.length; c++) if (pasted[c]) names.add(classes.classes().get(c).name());
    log.printf(Locale.ROOT, "copy-paste %.2f: pastes %s%n", options.augmentation().copyPaste(), names);
    return pasted;
  }

  private float[] classWeights() {
    return switch (options.classWeights()) {
      case "none" -> ClassWeights.uniform(classes.numClasses());
      case "median-frequency" -> ClassWeights.medianFrequency(train, classes.numClasses());
      default -> ClassWeights.parse(options.classWeights(), classes.numClasses());
    };
  }

  /** Loads the weights the run starts from: its checkpoint (resume), an exported model, or fresh ones. */
  /** The model's parameter count as exported, and apart from it the training-only classifier's (--aux-loss). */
  private static String parameters(TrainGraph graph) {
    long aux = graph.params().parameterCount(DeepLabV3Plus.AUX_PREFIX);
    String model = String.format(Locale.ROOT, "%,d parameters", graph.params().parameterCount() - aux);
    return aux == 0 ? model : model + String.format(Locale.ROOT, " (and %,d of the training-only backbone classifier)", aux);
  }

  private TrainingState start(TrainGraph graph, boolean resume, Path initFrom) throws IOException {
    if (resume && Files.isRegularFile(run.checkpoint().resolve("state.json"))) {
      graph.loadModel(WeightFile.read(run.checkpoint().resolve("model.weights")));
      graph.loadOptimizer(WeightFile.read(run.checkpoint().resolve("optimizer.weights")));
      TrainingState state = JSON.readValue(run.checkpoint().resolve("state.json").toFile(), TrainingState.class);
      log.printf(Locale.ROOT, "resuming after epoch %d (step %d, best %s mIoU %.4f at epoch %d)%n",
          state.epoch(), state.step(), valName, state.bestMiou(), state.bestEpoch());
      return state;
    }
    if (initFrom != null) {
      graph.loadModel(StartingWeights.from(initFrom, graph.params().all().values(), classes,
          graph.freshModelValues(options.seed()), log));
      graph.loadOptimizer(graph.freshOptimizerValues());
      log.printf(Locale.ROOT, "starting from the weights of %s, %s%n", initFrom, parameters(graph));
    } else {
      graph.loadModel(graph.freshModelValues(options.seed()));
      graph.loadOptimizer(graph.freshOptimizerValues());
      log.printf(Locale.ROOT, "fresh %s model, %s%n", options.spec().backbone(), parameters(graph));
    }
    return TrainingState.START;
  }

  /** The average a run with {@code --ema} continues (resume) or starts at the weights it starts from. */
  private WeightAverage startAverage(TrainGraph graph, boolean resume) throws IOException {
    if (!options.averaged()) return null;
    Path saved = run.checkpoint().resolve("average.weights");
    boolean continuing = resume && Files.isRegularFile(saved);
    return new WeightAverage(options.emaDecay(), continuing ? WeightFile.read(saved) : graph.readModel());
  }

  /** What is validated and exported: the average with {@code --ema}, else the weights as trained. */
  private Map<String, float[]> exported(TrainGraph graph) {
    return average != null ? average.weights() : graph.readModel();
  }

  /** One epoch's outcome: the mean loss, the global step reached, the learning rate of its last step. */
  private record Epoch(double meanLoss, long step, float lastLr) { }

  /** One pass over the shuffled training images; the next batch is assembled while this one trains. */
  private Epoch trainEpoch(TrainGraph graph, int epoch, long step, int stepsPerEpoch, LearningRate lr,
                           BatchAssembler assembler, ExecutorService prefetch) throws InterruptedException {
    long started = System.nanoTime();
    Random random = new Random(options.seed() * 1_000_003L + epoch);
    List<LabelledImage> order = new ArrayList<>(train);
    Collections.shuffle(order, random);
    double lossSum = 0;
    float currentLr = lr.at(step);
    Future<BatchAssembler.Batch> next = prefetch.submit(() -> assembler.assemble(order.subList(0, options.batchSize()), random));
    try (ProgressBar bar = progressBar(epoch, stepsPerEpoch)) {
      for (int s = 0; s < stepsPerEpoch; s++) {
        BatchAssembler.Batch batch = get(next);
        if (s + 1 < stepsPerEpoch) {
          int from = (s + 1) * options.batchSize();
          next = prefetch.submit(() -> assembler.assemble(order.subList(from, from + options.batchSize()), random));
        }
        currentLr = lr.at(step);
        float loss = step(graph, batch, currentLr, ++step);
        if (average != null) average.update(graph.readModel(), step);
        if (!Float.isFinite(loss)) throw new IllegalStateException("loss became " + loss + " at step " + step + ": lower --lr");
        lossSum += loss;
        double seconds = (System.nanoTime() - started) / 1e9;
        bar.step();
        bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f lr %.2e %.1f img/s", lossSum / (s + 1), currentLr,
            (s + 1) * options.batchSize() / seconds));
      }
    }
    return new Epoch(lossSum / stepsPerEpoch, step, currentLr);
  }

  /**
   * Scores the selecting set (returned) and every reported set, and logs each with its per-class IoU.
   * With {@code --ema} that is the averaged model, and the selecting set's score of the weights as
   * trained is logged beside it.
   */
  private double validateAll(TrainGraph graph, int epoch) {
    if (average == null) return validateSets(graph, epoch);
    ConfusionMatrix trained = validate(graph, val);
    log.printf(Locale.ROOT, "epoch %d %s (as trained) mIoU %.4f pixel acc %.4f per class %s%n", epoch, valName,
        trained.meanIou(), trained.pixelAccuracy(), formatIou(trained.iou()));
    Map<String, float[]> current = graph.readModel();
    graph.loadModel(average.weights());
    try {
      return validateSets(graph, epoch);
    } finally {
      graph.loadModel(current);
    }
  }

  private double validateSets(TrainGraph graph, int epoch) {
    ConfusionMatrix cm = validate(graph, val);
    log.printf(Locale.ROOT, "epoch %d %s mIoU %.4f pixel acc %.4f per class %s%n", epoch, valName, cm.meanIou(),
        cm.pixelAccuracy(), formatIou(cm.iou()));
    double selecting = options.selectsOnRobustness() ? underConditions(graph, epoch, cm) : cm.meanIou();
    for (Map.Entry<String, List<LabelledImage>> r : reported.entrySet()) {
      ConfusionMatrix other = validate(graph, r.getValue());
      log.printf(Locale.ROOT, "epoch %d %s mIoU %.4f pixel acc %.4f per class %s%n", epoch, r.getKey(),
          other.meanIou(), other.pixelAccuracy(), formatIou(other.iou()));
    }
    return selecting;
  }

  /** The selecting set under each robustness condition, logged; the mean with the set as recorded selects. */
  private double underConditions(TrainGraph graph, int epoch, ConfusionMatrix asRecorded) {
    ConditionScore.Summary summary = ValidationUnderConditions.score(val, images -> validate(graph, images),
        asRecorded, String.format(Locale.ROOT, "epoch %d %s", epoch, valName), log);
    return summary.mean();
  }

  private ProgressBar progressBar(int epoch, int steps) {
    boolean console = System.console() != null;
    return new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, options.epochs()))
        .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(console ? 500 : 60_000)
        .showSpeed().build();
  }

  private static float step(TrainGraph graph, BatchAssembler.Batch b, float lr, long step) {
    try (TUint8 images = TUint8.tensorOf(Shape.of(b.size(), b.height(), b.width(), 3), DataBuffers.of(b.images(), true, false));
         TUint8 labels = TUint8.tensorOf(Shape.of(b.size(), b.height(), b.width()), DataBuffers.of(b.labels(), true, false));
         TFloat32 weights = TFloat32.tensorOf(Shape.of(b.size(), b.height(), b.width()), DataBuffers.of(b.weights(), true, false))) {
      return graph.step(images, labels, weights, lr, step);
    }
  }

  private ConfusionMatrix validate(TrainGraph graph, List<LabelledImage> images) {
    ConfusionMatrix cm = new ConfusionMatrix(classes.numClasses(), classes.ignoreId());
    for (LabelledImage img : images) {
      try (TUint8 in = TUint8.tensorOf(Shape.of(1, img.height(), img.width(), 3), DataBuffers.of(img.rgb(), true, false));
           TUint8 out = graph.predict(in)) {
        byte[] predicted = new byte[img.height() * img.width()];
        out.copyTo(DataBuffers.of(predicted, false, false));
        cm.add(img.labels(), predicted);
      }
    }
    return cm;
  }

  private void exportTo(Map<String, float[]> weights, Path dir) throws IOException {
    Map<String, Object> arch = spec.architecture();
    int[] size = preferredInputSize();
    ModelMetadata meta = new ModelMetadata(classes.classes(), classes.ignoreId(), size[0], size[1], null, null, null,
        null, null, arch);
    ModelExporter.export(spec, weights, meta, dir);
  }

  /** The most common validation (else training) image size: what the model has been judged at. */
  private int[] preferredInputSize() {
    Map<List<Integer>, Integer> counts = new LinkedHashMap<>();
    for (LabelledImage i : val.isEmpty() ? train : val) counts.merge(List.of(i.height(), i.width()), 1, Integer::sum);
    List<Integer> top = Collections.max(counts.entrySet(), Map.Entry.comparingByValue()).getKey();
    return new int[] {top.get(0), top.get(1)};
  }

  private void checkpoint(TrainGraph graph, TrainingState state) throws IOException {
    Path tmp = run.root().resolve("checkpoint.tmp");
    ModelExporter.deleteTree(tmp);
    Files.createDirectories(tmp);
    WeightFile.write(tmp.resolve("model.weights"), graph.readModel());
    WeightFile.write(tmp.resolve("optimizer.weights"), graph.readOptimizer());
    if (average != null) WeightFile.write(tmp.resolve("average.weights"), average.weights());
    JSON.writeValue(tmp.resolve("options.json").toFile(), options);
    JSON.writeValue(tmp.resolve("state.json").toFile(), state);
    Path old = run.root().resolve("checkpoint.old");
    ModelExporter.deleteTree(old);
    if (Files.exists(run.checkpoint())) Files.move(run.checkpoint(), old);
    Files.move(tmp, run.checkpoint());
    ModelExporter.deleteTree(old);
  }

  private String formatIou(double[] iou) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < iou.length; c++) {
      sb.append(c == 0 ? "" : " ").append(classes.classes().get(c).name()).append('=')
          .append(String.format(Locale.ROOT, "%.3f", iou[c]));
    }
    return sb.toString();
  }

  private static <T> T get(Future<T> f) throws InterruptedException {
    try {
      return f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("building a batch failed: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
